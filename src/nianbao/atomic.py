"""The one way nianbao writes a file: atomically, with the usual file mode.

Every file is written beside its target under a hidden temporary name and renamed over it only
when complete (:func:`os.replace`), so a reader sees the old file or the whole new one, never a
part, and an interrupted write leaves the old file as it was. New files get the mode an ordinary
``open()`` would give them (0666 less the umask), not the 0600 of :func:`tempfile.mkstemp`.

A temporary name carries its writer (host and process id): ``.<name>.<host>-<pid>.<random>.tmp``
(and ``.running.ipynb`` for executed notebooks still being made). A process killed while writing
leaves its temporary behind; :func:`remove_stale` removes those whose writer is gone, so that the
next run in the folder cleans up after the one that was killed.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import tempfile
import time
from pathlib import Path

#: nianbao's temporary files: ``.<name>.<host>-<pid>.<random>.tmp`` or ``….running<suffix>``.
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)-(?P<pid>\d+)\.[a-z0-9_]{8}(\.running\.\w+|\.tmp)$")
#: The same without the writer (written before names carried it): removed once old enough.
_UNOWNED_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}(\.running\.ipynb|\.tmp)$")
UNOWNED_AGE = 24 * 3600  # seconds after which a temporary without its writer's name is stale


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode of a newly written file: 0666 less the umask (0644 with the usual umask)."""
    return 0o666 & ~_umask()


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` atomically; create its folder."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{writer()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def temp_path(folder: Path, stem: str, suffix: str) -> Path:
    """A fresh hidden file name in ``folder`` for a file still being made (papermill wants the
    real suffix, e.g. ``.ipynb``): ``.<stem>.<host>-<pid>.<random>.running<suffix>``."""
    fd, name = tempfile.mkstemp(prefix=f".{stem}.{writer()}.", suffix=f".running{suffix}", dir=folder)
    os.close(fd)
    os.unlink(name)
    return Path(name)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname().split(".")[0])[:24] or "host"


def writer() -> str:
    """This process, as the names of its temporary files carry it: ``<host>-<pid>``."""
    return f"{_host()}-{os.getpid()}"


def writer_gone(host: str, pid: int) -> bool:
    """Whether the process ``pid`` of ``host`` (as :func:`writer` names it) is known to be gone:
    only a process of this host can be, and only when no process has that pid."""
    if host != _host():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process
        return False
    return False


def is_stale(path: Path, now: float | None = None) -> bool:
    """Whether ``path`` is a temporary file of nianbao's whose writer is gone: a process of this
    host that no longer exists, or (for names without a writer) a file older than
    :data:`UNOWNED_AGE`. A temporary of another host is never judged (its writer may be alive)."""
    match = _TEMPORARY.match(path.name)
    if match is not None:
        return writer_gone(match["host"], int(match["pid"]))
    if _UNOWNED_TEMPORARY.match(path.name) is None:
        return False
    try:
        return (now if now is not None else time.time()) - path.lstat().st_mtime > UNOWNED_AGE
    except OSError:
        return False


def remove_stale(folder: Path | str, depth: int = 2) -> list[Path]:
    """Remove the stale temporary files (:func:`is_stale`) in ``folder`` and its subfolders down
    to ``depth`` levels (a report's ``csv/<stem>/``); returns what was removed."""
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder (yet): nothing to clean
        return removed
    now = time.time()
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if depth > 0:
                removed += remove_stale(path, depth - 1)
        elif entry.name.startswith(".") and is_stale(path, now):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
