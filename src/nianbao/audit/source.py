"""Reading a saved page or text file: its bytes decoded, whatever the encoding.

Pages of Chinese government sites come in UTF-8, GBK/GB2312 (read as GB18030, its superset) and
now and then a mix of both (a UTF-8 template around GBK-encoded content). The declared charset is
tried first, then UTF-8, then GB18030; a file that fits neither is decoded line by line and each
line that needed the other encoding, or had to be repaired, is reported by number.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import DataError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_HINT = re.compile(r"<\s*(html|body|table|p|div|br|td|tr|head|meta)\b", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "utf8": "utf-8"}
MAX_BYTES = 50_000_000


class SourceError(DataError):
    """A file that cannot be audited at all (missing, empty, binary, too large)."""


@dataclass
class Source:
    path: Path
    text: str
    encoding: str  # what was used: "utf-8", "gb18030", "mixed (utf-8 + gb18030)"
    is_html: bool
    problems: list[str] = field(default_factory=list)  # located notes on the decoding


def read_source(path: Path | str) -> Source:
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file", path=path)
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a page", path=path)
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{path}: the file is empty: nothing to audit", path=path)
    if len(data) > MAX_BYTES:
        raise SourceError(f"{path}: {len(data)} bytes is too large for a saved report page", path=path)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or data[:5] == b"%PDF-":
        from nianbao.audit.formats.detect import detect_bytes  # documents have readers of their own

        found = detect_bytes(data[:8192], path)
        what = (
            (
                f"a {found.format.upper()} document, not a web page or text: read it with "
                "nianbao.audit.formats.read_document (as `nianbao audit` does)"
            )
            if found.ok
            else found.reason
        )
        raise SourceError(f"{path}: {what}", path=path)  # fmt: skip
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(f"{path}: a binary file (it contains NUL bytes), not a web page or text", path=path)
    text, encoding, problems = decode(data)
    return Source(path, text, encoding, bool(_HTML_HINT.search(text[:20000])), problems)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name, []
    declared = _declared(data)
    note = []
    try:  # strict UTF-8 almost never accepts GBK bytes: a file it reads is UTF-8, whatever it declares
        text = data.decode("utf-8")
        if declared and declared != "utf-8" and not data.isascii():
            note.append(f"the page declares charset {declared} but is encoded in utf-8")
        return text, "utf-8", note
    except UnicodeDecodeError:
        pass
    if not any(_is_utf8(line) for line in data.split(b"\n") if not line.isascii()):
        name = declared if declared not in (None, "utf-8") else "gb18030"
        if declared and declared != name:
            note.append(f"the page declares charset {declared} but is encoded in {name}")
        try:
            return data.decode(name), name, note
        except (UnicodeDecodeError, LookupError):
            pass
    return _decode_mixed(data)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _declared(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def _decode_mixed(data: bytes) -> tuple[str, str, list[str]]:
    """Line by line: UTF-8 where it fits, else GB18030, else UTF-8 with replacement characters."""
    lines, used, repaired, other = [], set(), [], []
    first, second = "utf-8", "gb18030"
    for number, raw in enumerate(data.split(b"\n"), start=1):
        for name in (first, second):
            try:
                lines.append(raw.decode(name))
                used.add(name)
                if name != first:
                    other.append(number)
                break
            except UnicodeDecodeError:
                continue
        else:
            lines.append(raw.decode(first, errors="replace"))
            repaired.append(number)
    problems = []
    if other:
        problems.append(f"the file mixes encodings: line(s) {_ranges(other)} are {second}, the rest {first}")
    if repaired:
        problems.append(f"line(s) {_ranges(repaired)} fit no encoding; unreadable bytes were replaced by �")
    return "\n".join(lines), f"mixed ({' + '.join(sorted(used)) or first})", problems


def _ranges(numbers: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")
