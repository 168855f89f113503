"""Faults of a run, with real processes, kernels and signals: a killed ``nianbao report`` takes its
workers and kernels with it; Ctrl-C and SIGTERM leave no temporary file and no process behind,
and a later run removes what a killed one left; a kernel reused after a notebook that tampered
with nianbao's modules gives what a fresh kernel gives; executed notebooks carry no IPython
history errors. (The batch's side of the same faults is in ``tests/test_batch.py``.)

The report here is the fixture report with part 1 replaced by ``BUSY``: when the data folder
holds a file ``busy``, its cell spends hours in one C call that holds the GIL (so that only the
operating system, not a thread of the kernel, can stop it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import psutil
import pytest
from processes import (
    assert_killed_leaves_nothing,
    assert_stopped_cleanly,
    command_line,
    temporaries,
    tree_of,
)

from nianbao import atomic
from nianbao.run import lifeline, module_state
from nianbao.run.report import build_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
STEMS = ["01_overview", "02_proactive", "03_applications", "04_review_litigation", "05_problems", "06_other"]
HISTORY_ERROR = "not unique in database"

BUSY = r"""
import itertools, os, pathlib
if pathlib.Path(data_dir, "busy").exists():
    pathlib.Path(data_dir, f"started-{os.getpid()}").touch()
    sum(itertools.repeat(1, 10**13))  # hours in one C call that holds the GIL
"""

TAMPER = r"""
import decimal
from nianbao.format import schema
from nianbao.rules import metrics
decimal.getcontext().prec = 3  # the decimal precision
metrics.percent.__defaults__ = (0,)  # a rounding setting: shares to whole percents
schema.UNKNOWN_MARK = "?"  # a module global
"""

UNTOUCHED = r"""
import decimal, os
from nianbao.format import schema
from nianbao.rules import metrics
values = [metrics.percent(11796, 28406), metrics.round_half_up(decimal.Decimal("28.125")), decimal.Decimal(1) / 7,
          schema.UNKNOWN_MARK]
display(HTML("<p id='values'>" + " | ".join(map(str, values)) + f"</p><p id='pid'>{os.getpid()}</p>"))
"""


def notebook(code: str, heading: str = "第一部分") -> dict:
    """A section notebook: a parameters cell, ``code``, and the part's heading."""
    cells = [
        {"id": "parameters", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None,
         "outputs": [], "source": 'unit = "demo"\nyear = 2020\ndata_dir = ""\n'},
        {"id": "code", "cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "from IPython.display import HTML, display\n" + code.strip() + "\n"},
        {"id": "done", "cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": f'display(HTML("<h1>{heading}</h1><p>done</p>"))\n'},
    ]  # fmt: skip
    return {"cells": cells, "metadata": {"kernelspec": {"name": "nianbao", "display_name": "nianbao", "language": "python"},
            "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip


@pytest.fixture
def world(tmp_path):
    """The fixture report and data, part 1 replaced by BUSY; output in ``out``."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in STEMS:
        shutil.copy(FIXTURES / f"{stem}.ipynb", notebooks / f"{stem}.ipynb")
    shutil.copy(FIXTURES / "report.toml", notebooks / "report.toml")
    (notebooks / "01_overview.ipynb").write_text(json.dumps(notebook(BUSY)), encoding="utf-8")
    shutil.copytree(FIXTURES / "data", tmp_path / "data")
    out = tmp_path / "out"
    return {"root": tmp_path, "spec": notebooks / "report.toml", "data": tmp_path / "data", "out": out,
            "folder": out / "demo" / "2020"}  # fmt: skip


def report_command(world, *options: str) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "report", "--unit", "demo", "--year", "2020", "--data",
            str(world["data"]), "--spec", str(world["spec"]), "--out", str(world["out"]), *options]  # fmt: skip


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def start_busy(world, command: list[str], leftovers: list) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """Start ``command`` in a session of its own, wait until part 1's cell is busy, and return it
    with its descendants (workers and kernels) as they are then."""
    (world["data"] / "busy").touch()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=world["root"], start_new_session=True)  # fmt: skip
    leftovers.append(psutil.Process(proc.pid))
    started = lambda: any(world["data"].glob("started-*")) or proc.poll() is not None
    wait_for(started, 180, "the busy cell to start")
    assert proc.poll() is None, proc.communicate()
    tree = tree_of(proc.pid)
    leftovers.extend(tree)
    return proc, tree


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def temporary_name(stem: str, pid: int, host: str | None = None, kind: str = ".running.ipynb") -> str:
    return f".{stem}.{host or atomic.writer().rsplit('-', 1)[0]}-{pid}.abcd1234{kind}"


# ---------------------------------------------------------------------------------------------
# temporaries of dead writers; the module fingerprint (no kernels)
# ---------------------------------------------------------------------------------------------


def test_remove_stale_removes_only_temporaries_of_dead_writers(tmp_path):
    (tmp_path / "csv" / "03_applications").mkdir(parents=True)
    dead, old = dead_pid(), time.time() - 2 * atomic.UNOWNED_AGE
    stale = [
        tmp_path / temporary_name("01_overview", dead),
        tmp_path / "csv" / "03_applications" / temporary_name("表二.csv", dead, kind=".tmp"),
        tmp_path / ".report.pdf.k2m9x0qa.tmp",  # an older name without its writer, two days old
    ]
    kept = [
        tmp_path / temporary_name("02_proactive", os.getpid()),  # its writer is alive
        tmp_path / temporary_name("03_applications", dead, host="elsewhere"),  # another host's
        tmp_path / ".report.html.z8w7v6u5.tmp",  # without its writer, but recent
        tmp_path / ".nianbao-batch.json",
        tmp_path / "01_overview.ipynb",
    ]
    for path in stale + kept:
        path.write_text("x", encoding="utf-8")
    os.utime(stale[2], (old, old))
    assert sorted(atomic.remove_stale(tmp_path)) == sorted(stale)
    assert [p for p in stale if p.exists()] == [] and all(p.exists() for p in kept)


def test_temporary_names_carry_their_writer(tmp_path):
    name = atomic.temp_path(tmp_path, "01_overview", ".ipynb").name
    assert name.startswith(f".01_overview.{atomic.writer()}.") and name.endswith(".running.ipynb")
    assert atomic.writer().endswith(f"-{os.getpid()}")
    assert not atomic.is_stale(tmp_path / name)


def test_kernel_files_of_a_killed_worker_are_removed(tmp_path, monkeypatch):
    from nianbao.run import kernels

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    host, dead = atomic.writer().rsplit("-", 1)[0], dead_pid()
    stale = [f"nianbao-{host}-{dead}-0123abcd-{n}" for n in (1, 5)] + [f"nianbao-{host}-{dead}-0123abcd.json"]
    kept = [f"nianbao-{atomic.writer()}-89abcdef-1", f"nianbao-elsewhere-{dead}-0123abcd.json",
            "nianbao-3369b27fb04f-1", "kernel-1234.json"]  # fmt: skip
    for name in stale + kept:
        (tmp_path / name).write_text("", encoding="utf-8")
    config = kernels.kernel_config()["KernelManager"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    assert config["connection_file"].startswith(str(tmp_path / f"nianbao-{atomic.writer()}-"))


def test_module_fingerprint_sees_rebinding_and_in_place_changes(monkeypatch):
    from nianbao.format import schema
    from nianbao.rules import metrics

    before = module_state.fingerprint()
    assert module_state.changes(before, module_state.fingerprint()) == []
    monkeypatch.setattr(metrics, "round_half_up", metrics.truncate)
    monkeypatch.setattr(metrics.percent, "__defaults__", (0,))
    monkeypatch.setattr(metrics.Change, "words", lambda self, base_year=None: "")
    monkeypatch.setitem(schema.TABLE_C_COLUMN_LABEL, "new", "新")
    changed = module_state.changes(before, module_state.fingerprint())
    for name in ("rules.metrics.round_half_up", "rules.metrics.percent", "rules.metrics.Change",
                 "format.schema.TABLE_C_COLUMN_LABEL"):  # fmt: skip
        assert f"nianbao.{name}" in changed, changed
    monkeypatch.undo()
    assert module_state.changes(before, module_state.fingerprint()) == []
    registry = vars(metrics).setdefault("__warningregistry__", {})  # a library's warning, raised from nianbao
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.warn_explicit("seen", UserWarning, metrics.__file__, 1, registry=registry)
    assert module_state.changes(before, module_state.fingerprint()) == []


def test_kernels_are_bound_to_the_main_thread_only():
    command = ["python", "-m", "ipykernel_launcher", "-f", "c.json"]
    bound = lifeline.bound_command(command)
    assert bound[-len(command) :] == command and str(os.getpid()) in bound and len(bound) > len(command)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(lifeline.bound_command(command)))
    thread.start()
    thread.join()
    assert seen == [command]  # a thread may end before its process: no parent-death signal tied to it


# ---------------------------------------------------------------------------------------------
# killed, interrupted, terminated
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_killed_report_takes_its_workers_and_kernels_with_it(world, leftovers):
    proc, tree = start_busy(world, report_command(world, "--sections", "1,2", "--formats", "html"), leftovers)
    assert_killed_leaves_nothing(proc, tree)


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_stopped_report_cleans_up_before_exiting(world, stop, leftovers):
    world["folder"].mkdir(parents=True)
    left_before = world["folder"] / temporary_name("02_proactive", dead_pid())  # by a run killed before
    left_before.write_text("{}", encoding="utf-8")
    proc, tree = start_busy(world, report_command(world, "--sections", "1,2", "--formats", "html"), leftovers)
    workers = [p for p in tree if "spawn_main" in command_line(p)]
    for process in workers:  # what a worker stopped while writing leaves
        (world["folder"] / temporary_name("02_proactive", process.pid)).write_text("{}", encoding="utf-8")
    assert_stopped_cleanly(proc, tree, stop)
    assert temporaries(world["folder"]) == [] and not left_before.exists()


# ---------------------------------------------------------------------------------------------
# kernels reused: exactly what a fresh kernel gives, and no history errors
# ---------------------------------------------------------------------------------------------


def shown_values(folder: Path, stem: str) -> tuple[str, str]:
    page = (folder / f"{stem}.html").read_text(encoding="utf-8")
    return re.search(r"<p id=.values.>(.*?)</p>", page).group(1), re.search(r"<p id=.pid.>(\d+)</p>", page).group(1)


@pytest.mark.slow
def test_reused_kernel_gives_what_a_fresh_kernel_gives(world):
    notebooks = world["spec"].parent
    (notebooks / "01_overview.ipynb").write_text(json.dumps(notebook(TAMPER)), encoding="utf-8")
    (notebooks / "02_proactive.ipynb").write_text(json.dumps(notebook(UNTOUCHED, "第二部分")), encoding="utf-8")
    options = {"data_dir": world["data"], "spec": world["spec"], "formats": ["html"], "workers": 1}
    fresh = build_report("demo", 2020, out=world["root"] / "fresh", sections=[2], **options)
    assert fresh.ok, [s.describe() for s in fresh.sections]
    expected, _ = shown_values(world["root"] / "fresh" / "demo" / "2020", "02_proactive")
    assert expected == "41.53 | 28.13 | 0.1428571428571428571428571429 | —"

    reused = build_report("demo", 2020, out=world["out"], sections=[1, 2], **options)  # one worker: one kernel
    assert reused.ok, [s.describe() for s in reused.sections]
    tamperer = reused.sections[0]
    for name in ("rules.metrics.percent", "format.schema.UNKNOWN_MARK"):
        assert f"nianbao.{name}" in tamperer.warning, tamperer.warning
    assert "warning: " in tamperer.describe() and reused.sections[1].warning is None
    assert shown_values(world["folder"], "02_proactive")[0] == expected


@pytest.mark.slow
def test_executed_notebooks_hold_no_history_errors(world, monkeypatch):
    """A reused kernel numbers its cells from 1 again, which IPython's history database took for
    repeats of the notebook before's, and said so in the next notebook's first cell. (It reaches
    a cell when the history's thread is started within it: again after a fork, for one.)"""
    fork = "if os.fork() == 0:\n    os._exit(0)\nos.wait()"  # stops IPython's history thread
    for stem in STEMS[:3]:
        nb = notebook(f"import os, time\n{fork}", heading=stem)
        nb["cells"][0]["source"] += "import time\ntime.sleep(0.2)\n"  # time for the history to be written
        (world["spec"].parent / f"{stem}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setenv("IPYTHONDIR", str(world["root"] / "ipython"))  # a history database of its own
    result = build_report("demo", 2020, out=world["out"], data_dir=world["data"], spec=world["spec"],
                          sections=[1, 2, 3], formats=["html"], workers=1)  # fmt: skip
    assert result.ok, [s.describe() for s in result.sections]
    executed = sorted(world["folder"].glob("*.ipynb"))
    assert len(executed) == 3
    assert [p.name for p in executed if HISTORY_ERROR in p.read_text(encoding="utf-8")] == []
