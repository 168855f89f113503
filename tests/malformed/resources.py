"""Input that would exhaust the machine, or that only looks like a workbook: parts that unpack to
far more than a workbook needs, extra sheets and rows nianbao does not read, merged ranges over
a whole sheet, a password-protected workbook, an oversized data file. nianbao reads only what it
needs (and says so when the honest answer is a size limit); bench/bench_untrusted.py measures the
large versions of these inputs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from malformed.catalogue import HERE, case, good_workbook
from malformed.errors import DATA_FILE

PROTECTED = HERE / "workbooks" / "protected.xlsx"
HUGE = 70_000_000  # bytes a part unpacks to: more than the 64 MB nianbao reads


def _with_parts(changes: dict) -> callable:
    """The good workbook with parts of its package changed: ``changes`` maps a part's name to a
    function of its old content (None for a new part) that returns the new content."""

    def build(tmp: Path, data: Path) -> list[str]:
        path = good_workbook(tmp, data)
        with zipfile.ZipFile(path) as old:
            parts = {info.filename: old.read(info) for info in old.infolist()}
        for name, change in changes.items():
            parts[name] = change(parts.get(name))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            for part, content in parts.items():
                new.writestr(part, content)
        return ["import", str(path), "--data", str(data)]

    return build


def _huge_strings(old: bytes | None) -> bytes:
    """A shared-strings part (as Excel writes them) with one string of :data:`HUGE` characters."""
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + sst + b"<si><t>" + b"A" * HUGE + b"</t></si></sst>"
    )


def _register_strings(old: bytes) -> bytes:
    """[Content_Types].xml naming the shared-strings part."""
    return old.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )


def _relate_strings(old: bytes) -> bytes:
    """The workbook's relationships with its shared strings."""
    return old.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )


def _huge_styles(old: bytes) -> bytes:
    return old.replace(b"</styleSheet>", b"<!-- " + b"x" * HUGE + b" --></styleSheet>")


def _merge_to_the_end(old: bytes) -> bytes:
    """表二 (the third sheet) with one more merged range: from input cell D9 to the sheet's end."""
    assert b"<mergeCells" in old
    head, _, tail = old.partition(b"</mergeCells>")
    return head + b'<mergeCell ref="D9:XFD1048576"/></mergeCells>' + tail


case("size-wb-shared-string", "one shared string of 70 MB (the file is under 100 KB)", 1,
     "its part xl/sharedStrings.xml unpacks to 70 MB, more than the 64 MB nianbao reads")(
    _with_parts({"xl/sharedStrings.xml": _huge_strings, "[Content_Types].xml": _register_strings,
                 "xl/_rels/workbook.xml.rels": _relate_strings}))  # fmt: skip
case("size-wb-styles", "a style sheet that unpacks to 70 MB", 1, "its part xl/styles.xml unpacks to 70 MB")(
    _with_parts({"xl/styles.xml": _huge_styles})
)
case(
    "size-wb-password",
    "a password-protected (encrypted) workbook",
    1,
    "protected.xlsx: cannot import",
    "protected by a password",
    "remove the password",
)(  # fmt: skip
    lambda tmp, data: ["import", str(PROTECTED), "--data", str(data)]
)


def _extra_sheet(tmp: Path, data: Path) -> list[str]:
    path = good_workbook(tmp, data)
    wb = openpyxl.load_workbook(path)
    extra = wb.create_sheet("附表（明细）")
    for row in range(1, 20_001):
        extra.append([row, f"明细{row}", row * 3, "备注文字" * 3, None])
    wb["表二"]["A2000"] = "（表外备注，导入时不读）"  # far below the table: outside what nianbao reads
    wb.save(path)
    return ["import", str(path), "--data", str(data)]


case("size-wb-extra-sheet", "a filled workbook with an extra sheet of 20,000 rows and a note far below 表二", 0,
     "wrote", "demo_district/2023.yaml", may_change=("data",))(_extra_sheet)  # fmt: skip


case("size-wb-merge-everything", "one merged range from an input cell to the end of the sheet", 1,
     "表二!D9:XFD1048576: input cells are merged")(_with_parts({"xl/worksheets/sheet3.xml": _merge_to_the_end}))  # fmt: skip


@case(
    "size-data-file",
    "a data file of 5 MB (comments)",
    1,
    "MB is too large for a data file (at most 4 MB)",
)
def _large_data_file(tmp: Path, data: Path) -> list[str]:
    path = data / DATA_FILE
    path.write_text(path.read_text(encoding="utf-8") + ("# " + "x" * 98 + "\n") * 50_000, encoding="utf-8")
    return ["check", "--data", str(data)]
