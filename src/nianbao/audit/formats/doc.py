"""DOC and WPS files: converted to DOCX by LibreOffice headless, then read as DOCX.

Each conversion runs with a user profile of its own in a temporary folder (so conversions can run
side by side and never touch the user's LibreOffice), in a process group of its own that is
killed when the conversion takes longer than the timeout; the temporary folder, profile included,
is removed whatever happens.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from nianbao.audit.formats.errors import FormatError, ToolMissing

TIMEOUT = 60.0  # seconds for one conversion
INSTALL = "install LibreOffice Writer: apt-get install libreoffice-writer-nogui (Debian/Ubuntu)"


def soffice() -> str:
    """The LibreOffice program; :class:`ToolMissing` saying how to install it when there is none."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ToolMissing(f"LibreOffice is needed to read DOC and WPS files and was not found: {INSTALL}")
    return found


def read_doc(path: Path, format: str = "doc", *, timeout: float = TIMEOUT):
    from nianbao.audit.formats.detect import detect
    from nianbao.audit.formats.docx import read_docx

    # WPS Office saves the Word binary format: handed over as .doc, LibreOffice picks its Word filter
    suffix = ".doc" if "WordDocument" in detect(path).how else (path.suffix.lower() or ".doc")
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        converted = convert(path, Path(tmp), "docx", timeout=timeout, suffix=suffix)
        document = read_docx(converted, format=format, how="LibreOffice → DOCX", shown=path)
    return document


def convert(path: Path, folder: Path, to: str = "docx", *, timeout: float = TIMEOUT, suffix: str | None = None) -> Path:
    """``path`` converted by LibreOffice into ``folder`` (which also holds its profile), handed
    over under the extension ``suffix`` (default: its own); the converted file's path."""
    program = soffice()
    work = folder / "in"
    work.mkdir()
    source = work / f"document{suffix or path.suffix}"
    shutil.copyfile(path, source)  # an ASCII name: LibreOffice's command line and output naming stay simple
    out = folder / "out"
    profile = folder / "profile"
    command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", to, "--outdir", str(out), str(source)]  # fmt: skip
    env = {**os.environ, "HOME": str(folder)}  # anything it writes outside the profile stays in the folder
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               env=env, start_new_session=True)  # fmt: skip
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise FormatError(
            f"{path}: LibreOffice did not convert the document within {timeout:g} s (stopped); "
            "the file may be damaged or very large",
            path=path,
        ) from None
    finally:
        _kill_group(process)  # oosplash may leave soffice.bin behind: the whole group goes
    converted = out / f"{source.stem}.{to}"
    if process.returncode != 0 or not converted.exists():
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise FormatError(
            f"{path}: LibreOffice could not convert the document to {to.upper()} (exit code {process.returncode}"
            + (f": {detail[-1]}" if detail else "")
            + "); the file may be damaged or not a Word/WPS document",
            path=path,
        )
    return converted


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
