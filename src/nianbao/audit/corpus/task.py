"""One document audited, as a worker does it (:func:`audit_task`): read, judged, turned into rows;
whatever goes wrong becomes a failed entry with its one-line reason, never an exception.

The per-file timeout is applied here first: an alarm interrupts the audit where Python has
control, and the clean-ups on the way out stop what the audit started (LibreOffice's process
group, Tesseract). A worker stuck where no alarm reaches it is the pool's to kill.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import resource
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from nianbao import __version__
from nianbao.audit.corpus import rows
from nianbao.audit.corpus.rows import Entry
from nianbao.audit.formats import ToolMissing
from nianbao.audit.formats.detect import detect
from nianbao.data.units import registry_for
from nianbao.errors import NianbaoError
from nianbao.roots import PACKAGE_DIR

#: The code an audit's rows depend on (everything else in the package draws pages, runs notebooks or,
#: in the corpus's own folder, moves rows about).
READER_CODE = ("audit", "format", "rules", "data", "__init__.py")
ROWS_CODE = ("rows.py", "tables.py", "task.py")


class FileTimeout(BaseException):
    """The file's time is up (a BaseException: no ``except Exception`` on the way may swallow it)."""


@dataclass(frozen=True)
class Task:
    path: str
    sha256: str
    reader: str
    data_dir: str | None = None
    timeout: float | None = None  # seconds for this file
    want_result: bool = False  # also send back the AuditResult (for --import)


@dataclass
class Done:
    entry: Entry
    result: object | None = None  # the AuditResult, when asked for
    peak_mb: float = 0.0  # the worker process's peak resident memory so far
    children_peak_mb: float = 0.0  # the largest of its finished child processes (LibreOffice, Tesseract)


@functools.lru_cache(maxsize=8)
def reader_digest(data_dir: str | None = None) -> str:
    """The nianbao version and a digest of the audit's code and of the unit registry it matches
    units against: what decides whether a stored audit is still valid."""
    h = hashlib.sha256(__version__.encode())
    for part in READER_CODE:
        base = PACKAGE_DIR / part
        for path in sorted(base.rglob("*.py")) if base.is_dir() else [base]:
            if path.parent.name == "corpus" and path.name not in ROWS_CODE:
                continue
            h.update(str(path.relative_to(PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    registry = registry_for(data_dir or None)
    h.update(repr(sorted((u.id, u.name, u.full_name, tuple(u.aliases)) for u in registry.units.values())).encode())
    return f"{__version__}-{h.hexdigest()[:16]}"


@contextlib.contextmanager
def deadline(seconds: float | None):
    """Raise :class:`FileTimeout` in this (main) thread after ``seconds``."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _peaks() -> tuple[float, float]:
    """This process's peak resident memory (MB) and its largest finished child's."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    try:  # VmHWM starts anew at exec; ru_maxrss keeps the forking parent's peak
        status = Path("/proc/self/status").read_text()
        own = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return own, children


def _reason(exc: BaseException, path: str) -> str:
    """The exception's message in one line, without the path it starts with (the row has it)."""
    text = str(exc)
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return (
        text
        if isinstance(exc, NianbaoError)
        else f"{type(exc).__name__}: {text} (a fault in nianbao: please report it)"
    )


def audit_task(task: Task) -> Done:
    """Audit one file into its entry (a failed one when it cannot be audited)."""
    from nianbao.audit import audit_file

    started = time.perf_counter()
    result = None
    try:
        with deadline(task.timeout):
            result = audit_file(task.path, data_dir=task.data_dir)
            entry = rows.entry_of(result, task.sha256, task.reader, time.perf_counter() - started)
    except FileTimeout:
        reason = f"timed out after {task.timeout:g} s (stopped); give more time with --file-timeout"
        entry = rows.failed(task.sha256, reason, task.reader, time.perf_counter() - started, fmt=_format(task.path))
    except OSError as exc:  # gone or unreadable since it was hashed
        entry = rows.failed(task.sha256, f"cannot be read: {exc.strerror or exc}", task.reader,
                            time.perf_counter() - started, keep=False)  # fmt: skip
    except Exception as exc:  # a file that cannot be audited is a row, not the end of the run
        entry = rows.failed(task.sha256, _reason(exc, task.path), task.reader, time.perf_counter() - started,
                            fmt=_format(task.path), keep=not isinstance(exc, ToolMissing))  # fmt: skip
    own, children = _peaks()
    return Done(entry, result if task.want_result and entry.ok else None, own, children)


def _format(path: str) -> str | None:
    try:
        return detect(path).format
    except OSError:
        return None
