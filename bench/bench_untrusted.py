"""Time and peak memory of `nianbao import` and `nianbao check` on large and hostile inputs.

The target (issue 10): any input up to 20 MB is handled (read, or refused with a message) in
under 30 s and 1 GB. Builds each input in a temporary folder, then runs the real command in a
fresh process and reports its wall time, its peak resident memory (the child's own, from
wait4), its exit code and the first line it printed. Not a test.

    .venv/bin/python bench/bench_untrusted.py [--only NAME] [--keep] [--source OTHER/src]

Inputs: a filled template with an extra sheet of 8 MB and of 20 MB (text that does not
compress, as exported data does); a filled template whose 表二 goes on for 20 MB of rows below
the table; a shared string of 50 MB (under the limit: read) and one of 1 GB (a 1 MB file: refused
by its declared size); a data file of 3.9 MB (read) and of 20 MB (refused).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
TIMEOUT = 300  # seconds one command may take here
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
sys.path.insert(0, str(ROOT / "tests"))

from malformed.catalogue import good_workbook  # noqa: E402  (the tests' valid workbook)


def _rows_xml(rows: int, first_row: int, rng: random.Random) -> bytes:
    """Rows of inline strings that do not compress (random letters), as exported data looks."""
    out = []
    for r in range(first_row, first_row + rows):
        cells = "".join(
            f'<c r="{col}{r}" t="inlineStr"><is><t>{"".join(rng.choices(string.ascii_letters, k=24))}</t></is></c>'
            for col in "ABCDEF"
        )
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out).encode()


def rewrite(path: Path, target: Path, changes: dict) -> Path:
    """A copy of the workbook with parts changed: name → function(old bytes or None) → new bytes,
    or → a file to copy in (streamed)."""
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        names = [i.filename for i in old.infolist()]
        for name in names + [n for n in changes if n not in names]:
            change = changes.get(name)
            if isinstance(change, Path):
                with change.open("rb") as src, new.open(name, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            else:
                content = old.read(name) if name in names else None
                new.writestr(name, change(content) if change else content)
    return target


def extra_sheet(path: Path, target: Path, megabytes: int) -> Path:
    """The workbook with one more sheet of incompressible rows, to make the file ``megabytes`` big."""
    rows = megabytes * 1_000_000 // 140  # a row is 250 bytes of XML, about 140 once compressed
    sheet = (
        b'<worksheet xmlns="'
        + MAIN.encode()
        + b'"><sheetData>'
        + _rows_xml(rows, 1, random.Random(1))
        + b"</sheetData></worksheet>"
    )
    rel = b'<Relationship Id="rIdBig" Target="worksheets/big.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    return rewrite(path, target, {
        "xl/worksheets/big.xml": lambda _: sheet,
        "xl/workbook.xml": lambda old: old.replace(b"</sheets>", '<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="明细" sheetId="99" r:id="rIdBig"/></sheets>'.encode()),
        "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", rel + b"</Relationships>"),
        "[Content_Types].xml": lambda old: old.replace(b"</Types>", b'<Override PartName="/xl/worksheets/big.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    })  # fmt: skip


def long_table_sheet(path: Path, target: Path, megabytes: int) -> Path:
    """The workbook whose 表二 (sheet3) goes on below the table for ``megabytes`` of rows."""
    rows = megabytes * 1_000_000 // 140

    def change(old: bytes) -> bytes:
        head, _, tail = old.partition(b"</sheetData>")
        return head + _rows_xml(rows, 100, random.Random(2)) + b"</sheetData>" + tail

    return rewrite(path, target, {"xl/worksheets/sheet3.xml": change})


def shared_string(path: Path, target: Path, megabytes: int, scratch: Path) -> Path:
    """The workbook with a shared-strings part holding one string of ``megabytes`` (streamed)."""
    part = scratch / "sst.xml"
    with part.open("wb") as fh:
        fh.write(b'<sst xmlns="' + MAIN.encode() + b'" count="1" uniqueCount="1"><si><t>')
        chunk = b"A" * (1 << 20)
        for _ in range(megabytes):
            fh.write(chunk)
        fh.write(b"</t></si></sst>")
    rel = b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    try:
        return rewrite(path, target, {
            "xl/sharedStrings.xml": part,
            "xl/_rels/workbook.xml.rels": lambda old: old.replace(b"</Relationships>", rel + b"</Relationships>"),
            "[Content_Types].xml": lambda old: old.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
        })  # fmt: skip
    finally:
        part.unlink()


def big_data_file(data: Path, megabytes: float) -> Path:
    """The fixture's 2022 data file with narrative texts added up to ``megabytes``."""
    path = data / "units" / "demo_district" / "2022.yaml"
    text = path.read_text(encoding="utf-8")
    item = "    - 本年度持续推进政府信息公开工作，" + "依法依规答复申请并做好解释说明" * 40 + "。\n"  # paragraphs
    count = int(megabytes * 1_000_000 / len(item.encode()))
    head, _, rest = text.partition("narrative:\n")
    body = "narrative:\n  other:\n" + item * count
    path.write_text(head + body, encoding="utf-8")
    return path


# The command run in a fresh interpreter that reports its own peak resident memory (VmHWM: the
# high-water mark of its own memory map; the rusage of a child would count this process's, from
# before the exec).
WRAPPER = """
import re, sys
from nianbao.cli import main
try:
    code = main(sys.argv[1:])
finally:
    status = open("/proc/self/status").read()
    print("PEAK_KB", re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
sys.exit(code)
"""


def measure(args: list[str], cwd: Path, source: Path | None = None) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, first line) of one command in a fresh process (with the
    package from ``source``, another checkout's ``src/``, when given)."""
    env = {**os.environ, "PYTHONPATH": str(source)} if source else None
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-c", WRAPPER, *args], cwd=cwd, capture_output=True, text=True,
                              env=env, timeout=TIMEOUT)  # fmt: skip
    except subprocess.TimeoutExpired:
        return TIMEOUT, float("nan"), -1, f"stopped after {TIMEOUT} s"
    seconds = time.perf_counter() - started
    peak = re.search(r"PEAK_KB (\d+)", proc.stderr)
    output = proc.stdout + re.sub(r"PEAK_KB \d+\n?", "", proc.stderr)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    first = " | ".join(lines[:2]).replace(str(cwd) + "/", "")
    return seconds, int(peak.group(1)) / 1024 if peak else float("nan"), proc.returncode, first[:160]


def fresh_data(tmp: Path) -> Path:
    data = tmp / f"data-{time.monotonic_ns()}"
    shutil.copytree(FIXTURE_DATA, data)
    return data


def cases(tmp: Path):
    """(name, input path, arguments) for each input, built as needed."""
    data = fresh_data(tmp)
    good = good_workbook(tmp, data)
    yield "workbook, filled (reference)", good, ["import", str(good), "--data", str(fresh_data(tmp))]
    for mb in (8, 20):
        book = extra_sheet(good, tmp / f"extra{mb}.xlsx", mb)
        yield f"workbook + extra sheet ({mb} MB file)", book, ["import", str(book), "--data", str(fresh_data(tmp))]
    book = long_table_sheet(good, tmp / "long.xlsx", 20)
    yield "workbook, 表二 with 20 MB of rows below", book, ["import", str(book), "--data", str(fresh_data(tmp))]
    for mb in (50, 1000):
        book = shared_string(good, tmp / f"sst{mb}.xlsx", mb, tmp)
        yield f"workbook, a shared string of {mb} MB", book, ["import", str(book), "--data", str(fresh_data(tmp))]
    for mb in (3.9, 20):
        folder = fresh_data(tmp)
        path = big_data_file(folder, mb)
        yield f"data file of {mb} MB, check", path, ["check", "--data", str(folder), "--quiet"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the inputs whose name contains this text")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--source", type=Path, help="run another version's package (its src/ folder), to compare")
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-untrusted-"))
    print(f"{'input':<44} {'file':>9} {'exit':>4} {'time':>7} {'peak':>8}  message")
    try:
        for name, path, args in cases(tmp):
            if options.only and options.only not in name:
                continue
            seconds, peak, code, first = measure(args, tmp, options.source)
            size = path.stat().st_size / 1e6
            print(f"{name:<44} {size:7.2f}MB {code:>4} {seconds:6.1f}s {peak:6.0f}MB  {first}", flush=True)
    finally:
        if options.keep:
            print(f"inputs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
