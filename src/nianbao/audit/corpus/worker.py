"""A worker process of the corpus pool: ``python -m nianbao.audit.corpus.worker FD PARENT``.

It talks to the pool over the socket ``FD`` (a :class:`multiprocessing.connection.Connection`):
first the parent's import path, then the function to run (pickled by reference), then one task at
a time, each answered with its result; ``None`` ends it. It is started as a program rather than a
multiprocessing child so that it runs anywhere, in a Dask worker (a daemonic process) included.

It ignores SIGINT (the pool decides what Ctrl-C means), turns SIGTERM into :class:`Stopped` (the
file is abandoned, its clean-ups run), and ends itself, with its process group, when its parent
``PARENT`` is gone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection

STOP_WAIT = 5.0  # seconds the worker's own group gets to clean up before SIGKILL


class Stopped(BaseException):
    """SIGTERM in a worker: abandon the file (its clean-ups run on the way out)."""


def _stop(signum, frame):
    raise Stopped


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os.killpg(os.getpgid(0), signal.SIGTERM)
            time.sleep(STOP_WAIT)
            os.killpg(os.getpgid(0), signal.SIGKILL)


def serve(conn: Connection) -> None:
    sys.path[:] = conn.recv()
    target = conn.recv()
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        conn.send(target(task))


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    conn = Connection(int(argv[0]))
    threading.Thread(target=_watch_parent, args=(int(argv[1]),), daemon=True).start()
    try:
        serve(conn)
    except (Stopped, BrokenPipeError, ConnectionError, EOFError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
