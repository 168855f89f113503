"""Children that die with their parent: worker processes and kernels never outlive a killed run.

Killing ``nianbao report`` (or ``batch``, or a single notebook's run) with SIGKILL gives it no
chance to stop its workers, and a worker killed that way none to stop its kernel. Linux can do it
for them: a process that asked with ``prctl(PR_SET_PDEATHSIG)`` is sent a signal when its parent
dies. nianbao asks for SIGKILL, in two places:

* a worker process, first thing at start (:func:`die_with_parent`, called by the pools'
  initialisers with the parent's pid);
* a kernel, through a launcher that asks, then becomes the kernel's own command (``exec``,
  which keeps the request; :func:`bound_command`). The launcher is a bare
  ``python -I -S`` (about 10 ms, while the kernel starts ahead anyway).

Measured (``bench/bench_faults.py``): after ``kill -9`` of ``nianbao report`` in the middle of a
cell, its workers and kernels are gone within 0.15 s. A kernel whose parent is killed is gone
within 15 ms through the launcher, idle or busy; ipykernel's own parent poller (a thread that
wakes every second) takes about 0.6 s for an idle kernel, and never notices for a kernel busy in
a C call that holds the GIL.

The signal is sent when the *thread* that started the child ends, not the process. Workers are
started by the thread that runs their pool, which outlives them; kernels by a worker's main
thread, which lives as long as the worker. A kernel started from another thread (a Dask worker's
task threads come and go) is launched without the request and relies on ipykernel's parent
poller. All this is Linux's; elsewhere this module does nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

#: Run as ``python -I -S -c LAUNCHER <parent pid> <kernel command...>``: ask for SIGKILL on the
#: parent's death, give up if the parent is already gone, then become the kernel.
LAUNCHER = (
    "import ctypes, os, sys\n"
    f"ctypes.CDLL(None).prctl({PR_SET_PDEATHSIG}, {int(signal.SIGKILL)}, 0, 0, 0)\n"
    "os.getppid() == int(sys.argv[1]) or os._exit(1)\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)


def supported() -> bool:
    return sys.platform.startswith("linux")


def die_with_parent(parent_pid: int) -> bool:
    """Have this process killed when its parent (``parent_pid``) dies; exit at once if it already
    has. Returns whether the request was made (False off Linux)."""
    if not supported():
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent_pid:  # the parent died before the request was made
        os._exit(1)
    return True


def bound_command(command: list[str]) -> list[str]:
    """``command`` (a kernel's) wrapped in the launcher, so that the process it starts is killed
    when this thread's process dies; unchanged when that cannot be promised (not Linux, or not the
    main thread, whose end is the process's)."""
    if not supported() or threading.current_thread() is not threading.main_thread():
        return list(command)
    return [sys.executable, "-I", "-S", "-c", LAUNCHER, str(os.getpid()), *command]
