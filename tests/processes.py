"""Processes a test started, watched through psutil: which are still running, and waiting until
they are gone (tests/test_faults.py, tests/test_batch.py)."""

from __future__ import annotations

import os
import signal
import time

import psutil

GONE_WITHIN = 15.0  # seconds for a killed run's children to be gone (the machine may be loaded)


def command_line(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:  # ended meanwhile
        return ""


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie waiting to be reaped has ended)."""
    out = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                out.append(process)
        except psutil.NoSuchProcess:
            pass
    return out


def gone_within(processes: list[psutil.Process], timeout: float = GONE_WITHIN) -> list[psutil.Process]:
    """Wait until ``processes`` have ended; those left after ``timeout`` are killed and returned."""
    deadline = time.monotonic() + timeout
    while alive(processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = alive(processes)
    for process in left:  # leave nothing behind, even when the test fails
        process.kill()
    return left


def tree_of(pid: int, with_kernel: bool = True) -> list[psutil.Process]:
    """The descendants of ``pid`` (its workers and their kernels), asserting a kernel among them."""
    tree = psutil.Process(pid).children(recursive=True)
    if with_kernel:
        assert [p for p in tree if "ipykernel_launcher" in command_line(p)], [command_line(p) for p in tree]
    return tree


def temporaries(folder) -> list[str]:
    """nianbao's temporary files under ``folder``."""
    return sorted(p.name for p in folder.rglob(".*") if p.name.endswith((".tmp", ".running.ipynb")))


def assert_killed_leaves_nothing(proc, tree: list[psutil.Process]) -> None:
    """Kill -9 the run ``proc``; every process of its ``tree`` must be gone soon after."""
    proc.kill()
    proc.wait()
    left = gone_within(tree)
    assert not left, [command_line(p)[:120] for p in left]


def assert_stopped_cleanly(proc, tree: list[psutil.Process], how: str) -> tuple[str, str]:
    """Stop the run ``proc`` as a user would (``how``: "ctrl-c" to its process group,
    "double-ctrl-c" the second while the first is stopping the workers, "sigterm"); it must exit
    as interrupted (130) without a traceback, its whole ``tree`` gone. Returns (stdout, stderr)."""
    if how in ("ctrl-c", "double-ctrl-c"):
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
        if how == "double-ctrl-c":
            time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    left = gone_within(tree)
    assert proc.returncode == 130 and "Traceback" not in stderr, stdout + stderr
    assert not left, [command_line(p)[:120] for p in left]
    return stdout, stderr
