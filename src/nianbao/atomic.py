"""The one way nianbao writes a file: atomically, with the usual file mode.

Every file is written beside its target under a hidden temporary name and renamed over it only
when complete (:func:`os.replace`), so a reader sees the old file or the whole new one, never a
part, and an interrupted write leaves the old file as it was. New files get the mode an ordinary
``open()`` would give them (0666 less the umask), not the 0600 of :func:`tempfile.mkstemp`.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
    real suffix, e.g. ``.ipynb``): ``.<stem>.<random>.running<suffix>``."""
    fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".running{suffix}", dir=folder)
    os.close(fd)
    os.unlink(name)
    return Path(name)
