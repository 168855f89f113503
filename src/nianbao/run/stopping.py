"""Stopping a run on request: SIGTERM (and a closed terminal's SIGHUP) mean what Ctrl-C means,
and neither a second request nor the first one can cut short what must not be cut short.

Within :func:`requests` (``nianbao report``, ``batch``, a single notebook's run), the first
request to stop raises :class:`KeyboardInterrupt` in the main thread; the run then stops its
workers and removes their temporary files, and later requests are only counted
(:func:`count`: the batch stops waiting for its workers at the second). Within :func:`held`
(putting a notebook's files in place), a request waits until the block is done.

Signal handlers belong to the main thread: called from another one, both do nothing. Signals
whose handler is not the default one (ignored under ``nohup``, or set by the program that calls
nianbao) are left alone.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

#: Signals that stop a run as Ctrl-C does.
REQUESTS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)

_state = {"count": 0, "raised": False, "holding": 0}


def _handle(signum, frame):
    _state["count"] += 1
    if not _state["raised"] and not _state["holding"]:
        _state["raised"] = True
        raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def _ours(signum: int) -> bool:
    handler = signal.getsignal(signum)
    default = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
    return handler is _handle or handler is default


def count() -> int:
    """How many requests to stop came within the current :func:`requests` block."""
    return _state["count"]


@contextlib.contextmanager
def requests() -> Iterator[None]:
    """Within: Ctrl-C, SIGTERM and SIGHUP are requests to stop; the first raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _handle) for s in REQUESTS if _ours(s)}
    saved = dict(_state)
    _state.update(count=0, raised=False)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.update(count=saved["count"], raised=saved["raised"])


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Within: a request to stop waits until the block is done, then raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with contextlib.ExitStack() as stack:
        if signal.getsignal(signal.SIGINT) is not _handle:
            stack.enter_context(requests())
        _state["holding"] += 1
        try:
            yield
        finally:
            _state["holding"] -= 1
        if _state["count"] and not _state["raised"] and not _state["holding"]:
            _state["raised"] = True
            raise KeyboardInterrupt("stopped")
