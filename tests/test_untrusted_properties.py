"""Property-based tests of untrusted input (Hypothesis): random workbooks for ``nianbao import``,
random data files for ``nianbao check`` and random pages for ``nianbao audit --import``.

Whatever the input, the command ends with exit code 0, 1 or 2 and a message, never a traceback or
an internal error; it writes nothing outside the data folder, and inside it only
``units/<unit id>/<year>.yaml``; it stays within a time per input and does not raise the
process's peak memory by more than :data:`MEMORY_MB`. The examples are derandomized (the same on
every run, so CI is stable); ``NIANBAO_EXPLORE=1`` draws new ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import resource
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.cli import main
from nianbao.data.store import DataStore
from nianbao.data.writing import dump_unit_year

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
GOOD_PAGE = ROOT / "tests" / "fixtures" / "pages" / "district_2021.html"
MEMORY_MB = 300
WRITABLE = re.compile(r"^units/[a-z][a-z0-9_-]{0,63}/\d{4}\.yaml$")


def examples(default: int) -> settings:
    """Hypothesis's settings with ``default`` inputs (``NIANBAO_EXAMPLES`` overrides), within
    about 30 s for the three properties together."""
    return settings(
        max_examples=int(os.environ.get("NIANBAO_EXAMPLES", default)),
        deadline=15_000,  # ms per input: a slow input is a failure too
        derandomize=os.environ.get("NIANBAO_EXPLORE") != "1",
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_untrusted(build) -> None:
    """Make a world, let ``build(world, data)`` put the input in it and return the arguments, run
    nianbao, and check the properties."""
    with tempfile.TemporaryDirectory(prefix="nianbao-prop-") as tmp:
        world = Path(tmp)
        data = world / "data"
        store = DataStore(FIXTURE_DATA)
        for year in (2021, 2022):
            target = data / "units" / "demo_district" / f"{year}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_unit_year(store.load("demo_district", year)), encoding="utf-8")
        (world / "cwd").mkdir()
        argv = build(world, data)
        before, data_before = _digest(world / "cwd"), _digest(data)
        out, err = io.StringIO(), io.StringIO()
        peak = _peak_mb()
        cwd = os.getcwd()
        os.chdir(world / "cwd")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:
                    code = exc.code
        finally:
            os.chdir(cwd)
        text = out.getvalue() + err.getvalue()
        assert code in (0, 1, 2), text
        assert "Traceback" not in text and "internal error" not in text, text
        assert _peak_mb() - peak < MEMORY_MB, f"the peak memory grew by {_peak_mb() - peak:.0f} MB"
        assert _digest(world / "cwd") == before, "wrote into the working directory"
        assert {p.name for p in world.iterdir()} <= {"cwd", "data", "input"}, "wrote beside the data folder"
        changed = {k for k, v in _digest(data).items() if data_before.get(k) != v and v != "dir"}
        assert all(WRITABLE.match(name) for name in changed), changed


# ---------------------------------------------------------------------------------------------
# workbooks
# ---------------------------------------------------------------------------------------------

_TEMPLATE: dict[str, bytes] = {}


def template_bytes() -> bytes:
    """The template for demo_district 2023, made once."""
    if "book" not in _TEMPLATE:
        from nianbao.excel.template import build_workbook
        from nianbao.excel.template import template_bytes as to_bytes

        _TEMPLATE["book"] = to_bytes(build_workbook("demo_district", "示例区", 2023, "2021"))
    return _TEMPLATE["book"]


SHEETS = ["说明", "表一", "表二", "表三", "nianbao"]
TEXTS = st.lists(
    st.sampled_from(list("0123456789０１２３,.-—元件%¹²⑫½٣ 三十\n") + ["=SUM(A1:A2)", "#REF!", "../", "/tmp", "表二"]),
    max_size=20,
).map("".join)
CELL_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**13), 10**13), st.floats(allow_nan=True, allow_infinity=True),
    TEXTS, st.text(max_size=300), st.sampled_from(["nianbao workbook 1", "demo_district", "../../x", 2023, -5, "2021"]),
)  # fmt: skip
CELLS = st.tuples(st.sampled_from(SHEETS), st.integers(1, 40), st.integers(1, 16), CELL_VALUES)
EDITS = st.one_of(
    st.tuples(st.just("set"), CELLS),
    st.tuples(st.just("rename"), st.sampled_from(SHEETS), st.sampled_from(["Sheet1", "表二", "表三", "nianbao", "x"])),
    st.tuples(st.just("drop"), st.sampled_from(SHEETS)),
    st.tuples(st.just("merge"), st.sampled_from(SHEETS[1:4]), st.integers(1, 30), st.integers(1, 12)),
)
BYTE_EDITS = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 20_000)),
    st.tuples(st.just("flip"), st.integers(0, 20_000), st.integers(0, 255)),
)


def _edited_workbook(edits: list) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    for edit in edits:
        kind = edit[0]
        if kind == "set" and edit[1][0] in wb.sheetnames:
            sheet, row, col, value = edit[1]
            try:
                wb[sheet].cell(row, col).value = value
            except Exception:  # openpyxl refuses control characters, and writing into a merged cell
                pass
        elif kind == "rename" and edit[1] in wb.sheetnames and edit[2] not in wb.sheetnames:
            wb[edit[1]].title = edit[2]
        elif kind == "drop" and edit[1] in wb.sheetnames and len(wb.sheetnames) > 1:
            del wb[edit[1]]
        elif kind == "merge" and edit[1] in wb.sheetnames:
            row, col = edit[2], edit[3]
            wb[edit[1]].merge_cells(start_row=row, start_column=col, end_row=row + 2, end_column=col + 1)
    if all(ws.sheet_state != "visible" for ws in wb.worksheets):
        wb.worksheets[0].sheet_state = "visible"  # openpyxl saves no workbook whose sheets are all hidden
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@examples(30)
@given(edits=st.lists(EDITS, max_size=8), damage=st.lists(BYTE_EDITS, max_size=2), unit=st.sampled_from([None, "demo_district", "../x", "示例区"]))  # fmt: skip
def test_random_workbooks_are_imported_or_refused_cleanly(edits, damage, unit):
    def build(world: Path, data: Path) -> list[str]:
        content = bytearray(_edited_workbook(edits))
        for edit in damage:
            if edit[0] == "cut":
                del content[edit[1] :]
            elif edit[1] < len(content):
                content[edit[1]] = edit[2]
        (world / "input").mkdir()
        path = world / "input" / "book.xlsx"
        path.write_bytes(bytes(content))
        return ["import", str(path), "--data", str(data), *(["--unit", unit] if unit else [])]

    run_untrusted(build)


# ---------------------------------------------------------------------------------------------
# data files
# ---------------------------------------------------------------------------------------------

KEYS = ["unit", "unit_name", "year", "format_version", "table_a", "table_b", "table_b_groups", "table_c", "figures",
        "statements", "narrative", "compiled_from", "synthetic", "source", "tabel_b", "granted", "total", "id", "value",
        "numerator", "part", "&a", "<<"]  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(), st.sampled_from(KEYS), TEXTS,
    st.sampled_from(["B.total.total", "BG.nope.total", "F.x", "../x", "2021-01-01", ".nan", "~"]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=8), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)),
    max_leaves=40,
)
LINE_EDITS = st.lists(
    st.tuples(st.integers(0, 200), st.sampled_from(["delete", "duplicate", "insert"]), st.text(max_size=60)), max_size=5
)


def _yaml_text(value) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@examples(60)
@given(top=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8), edits=LINE_EDITS, mix=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8", "gb18030", "utf-16"]))  # fmt: skip
def test_random_data_files_are_checked_or_refused_cleanly(top, edits, mix, encoding):
    def build(world: Path, data: Path) -> list[str]:
        path = data / "units" / "demo_district" / "2022.yaml"
        text = path.read_text(encoding="utf-8") if mix else ""
        lines = (text + _yaml_text(top)).splitlines()
        for at, kind, extra in edits:
            if not lines:
                break
            i = at % len(lines)
            if kind == "delete":
                del lines[i]
            elif kind == "duplicate":
                lines.insert(i, lines[i])
            else:
                lines.insert(i, extra)
        path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
        return ["check", "--data", str(data)]

    run_untrusted(build)


# ---------------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------------

LABELS = ["一、本年新收政府信息公开申请数量", "（七）总计", "三、本年度办理结果", "自然人", "总计", "行政复议", "结果维持",
          "规章", "本年收费金额（单位：万元）", "商业企业", ""]  # fmt: skip
PAGE_CELLS = st.tuples(
    st.one_of(st.sampled_from(LABELS), TEXTS, st.integers(-5, 10**10).map(str)),
    st.integers(1, 300), st.integers(1, 300),
)  # fmt: skip
TABLES = st.lists(st.lists(st.lists(PAGE_CELLS, min_size=1, max_size=9), min_size=1, max_size=30), max_size=4)


def _page(title: str, tables: list, words: str) -> str:
    out = [f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1><p>{words}</p>"]
    for table in tables:
        out.append("<table>")
        for row in table:
            cells = "".join(f"<td rowspan='{r}' colspan='{c}'>{text}</td>" for text, r, c in row)
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
    return "".join(out) + "</body></html>"


TITLES = st.one_of(
    st.sampled_from(["2021年示例区政府信息公开工作年度报告", "2021年../../evil政府信息公开工作年度报告",
                     "2021年/tmp/x政府信息公开工作年度报告", "年度报告", ""]),
    st.text(max_size=60),
)  # fmt: skip


@examples(40)
@given(title=TITLES, tables=TABLES, words=TEXTS, from_good=st.booleans(), swaps=st.lists(st.tuples(st.integers(0, 10**6), TEXTS), max_size=6),
       unit=st.sampled_from([None, "demo_district", "../x"]), force=st.booleans())  # fmt: skip
def test_random_pages_are_audited_or_refused_cleanly(title, tables, words, from_good, swaps, unit, force):
    def build(world: Path, data: Path) -> list[str]:
        if from_good:
            text = GOOD_PAGE.read_text(encoding="utf-8")
            cells = [m.start() for m in re.finditer(r"<td[^>]*>", text)]
            for at, new in swaps:
                start = text.index(">", cells[at % len(cells)]) + 1
                end = text.index("</td>", start)
                text = text[:start] + new + text[end:]
                cells = [m.start() for m in re.finditer(r"<td[^>]*>", text)]
        else:
            text = _page(title, tables, words)
        (world / "input").mkdir()
        path = world / "input" / "page.html"
        path.write_text(text, encoding="utf-8")
        args = ["audit", str(path), "--data", str(data), "--import"]
        return args + (["--unit", unit] if unit else []) + (["--force"] if force else [])

    run_untrusted(build)


def test_zip_of_the_template_is_valid():
    """The workbook strategy starts from a valid template (else every example would be refused early)."""
    assert zipfile.ZipFile(io.BytesIO(template_bytes())).testzip() is None


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("NIANBAO_DATA", raising=False)
