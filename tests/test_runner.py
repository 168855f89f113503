"""The runner on the fixture notebooks, in real kernels: a good run of all six parts, then a
run in which part 3 raises (through the ``nianbao`` CLI), then part 3 fixed again.

The fixture report (tests/fixtures/notebooks/report.toml) has six small notebooks shaped like
the real ones; ``fail.ipynb`` raises in its cell 4 (index 3)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao import atomic
from nianbao.errors import NianbaoError
from nianbao.render.html import external_references
from nianbao.run import notebooks, results
from nianbao.run.notebooks import load_report_spec
from nianbao.run.report import build_report

pypdf = pytest.importorskip("pypdf")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
SPEC = FIXTURES / "report.toml"
DATA = FIXTURES / "data"
STEMS = ["01_overview", "02_proactive", "03_applications", "04_review_litigation", "05_problems", "06_other"]
FAIL_MESSAGE = "表B勾稽关系不成立：一+二≠三+四"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (digest(p), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def failing_spec(tmp_path: Path) -> Path:
    """The fixture report with part 3's notebook replaced by one that raises (same file name)."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in STEMS:
        shutil.copy(FIXTURES / f"{stem}.ipynb", notebooks / f"{stem}.ipynb")
    shutil.copy(FIXTURES / "fail.ipynb", notebooks / "03_applications.ipynb")
    shutil.copy(SPEC, notebooks / "report.toml")
    return notebooks / "report.toml"


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    seen = []
    result = build_report("demo", 2020, out=out, data_dir=DATA, spec=SPEC, workers=2, on_section=seen.append)
    return result, seen


# ---------------------------------------------------------------------------------------------
# a good run
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_good_run_exports_every_section(good_run):
    result, seen = good_run
    assert result.ok, [(s.stem, s.message) for s in result.failed]
    assert [s.stem for s in result.sections] == STEMS
    assert sorted(s.stem for s in seen) == STEMS  # on_section saw each one
    folder = result.folder
    assert folder.parts[-2:] == ("demo", "2020")
    for s in result.sections:
        assert s.status == "ok" and s.seconds > 0 and s.error is None
        assert s.executed == folder / f"{s.stem}.ipynb"
        assert s.outputs == {"html": folder / f"{s.stem}.html", "pdf": folder / f"{s.stem}.pdf"}
        for path in (s.executed, *s.outputs.values()):
            assert path.is_file() and path.stat().st_size > 0
    assert result.combined == {"html": folder / "report.html", "pdf": folder / "report.pdf"}
    assert not list(folder.glob("*.failed.ipynb"))
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")], "temporary files left behind"


@pytest.mark.slow
def test_executed_notebook_has_the_parameters(good_run):
    result, _ = good_run
    nb = json.loads((result.folder / "03_applications.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    source = "".join(injected[0]["source"])
    assert 'unit = "demo"' in source and "year = 2020" in source
    assert f'data_dir = "{DATA}"' in source  # absolute


@pytest.mark.slow
def test_section_html_is_clean(good_run):
    result, _ = good_run
    html = (result.folder / "03_applications.html").read_text(encoding="utf-8")
    assert "<h1>三、收到和处理政府信息公开申请情况</h1>" in html
    assert "29130" in html and "41.53%" in html and "5.17%" in html
    assert 'src="data:image/png;base64,' in html  # the fixture's own matplotlib chart, embedded
    assert "<script" not in html.lower() and external_references(html) == []
    for hidden in ("data_dir", "DataStore", "import ", "loaded demo", "must not reach"):
        assert hidden not in html, hidden


@pytest.mark.slow
def test_section_pdf(good_run):
    result, _ = good_run
    reader = pypdf.PdfReader(result.folder / "03_applications.pdf")
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "三、收到和处理政府信息公开申请情况" in text and "29130" in text and "41.53%" in text
    assert re.search(r"— \d+ —", text)  # the report's page numbers: it is part of report.pdf
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595) <= 1 and abs(float(page.mediabox.height) - 842) <= 1


@pytest.mark.slow
def test_combined_report_has_six_parts_in_order(good_run):
    result, _ = good_run
    reader = pypdf.PdfReader(result.folder / "report.pdf")
    texts = [p.extract_text() for p in reader.pages]
    assert "2020年示例市政府信息公开工作年度报告" in texts[0] and "示例数据" in texts[0]
    assert re.sub(r"\s", "", texts[1]).startswith("目录")
    spec = load_report_spec(SPEC)
    from nianbao.data.store import DataStore

    uy = DataStore(DATA).load("demo", 2020)
    headings = [uy.heading(s.part) for s in spec.sections]
    firsts = [next(i for i, t in enumerate(texts) if i > 1 and t.lstrip().startswith(h)) for h in headings]
    assert firsts == sorted(firsts) and len(set(firsts)) == 6
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [t for t in top if t in headings] == headings
    html = (result.folder / "report.html").read_text(encoding="utf-8")
    assert [html.index(h) for h in headings] == sorted(html.index(h) for h in headings)
    assert "<script" not in html.lower() and external_references(html) == []


# ---------------------------------------------------------------------------------------------
# a section that fails
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_failing_section_through_the_cli(good_run, tmp_path):
    result, _ = good_run
    out = tmp_path / "out"
    folder = out / "demo" / "2020"
    shutil.copytree(result.folder, folder)
    before = snapshot(folder)
    spec = failing_spec(tmp_path)

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao.cli",
            "report",
            "--unit",
            "demo",
            "--year",
            "2020",
            "--data",
            str(DATA),
            "--spec",
            str(spec),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    stdout = proc.stdout
    # the run names the notebook, the cell and the error, with the cell's source
    failed_line = next(line for line in stdout.splitlines() if line.startswith("03_applications"))
    assert "FAILED" in failed_line and "03_applications.ipynb" in failed_line
    assert re.search(r"cell 4, line 2 \(In \[\d+\]\): ValueError: " + re.escape(FAIL_MESSAGE), stdout)
    assert 'raise ValueError("' in stdout
    assert "03_applications.failed.ipynb" in stdout
    assert "Traceback" not in proc.stderr
    for stem in STEMS:
        if stem != "03_applications":
            assert re.search(rf"^{stem}\s+ok\s", stdout, re.MULTILINE), stem
    assert "not rebuilt because a section failed" in stdout

    after = snapshot(folder)
    # the failed executed notebook is kept, with the error in it
    failed_nb = json.loads((folder / "03_applications.failed.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in failed_nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "ValueError" and FAIL_MESSAGE in errors[0]["evalue"]
    # the earlier good outputs of part 3 and the combined report are untouched
    for name in ("03_applications.ipynb", "03_applications.html", "03_applications.pdf", "report.html", "report.pdf"):
        assert after[name] == before[name], name
    # the other sections were exported again
    for stem in STEMS:
        if stem != "03_applications":
            for ext in ("ipynb", "html", "pdf"):
                name = f"{stem}.{ext}"
                assert after[name][1] > before[name][1], f"{name} not rewritten"
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_failure_result_then_fixed(tmp_path):
    """Through the API, one section (one worker): the failing cell is located in the committed
    notebook; fixing the notebook removes the .failed.ipynb."""
    spec = failing_spec(tmp_path)
    out = tmp_path / "out"
    failed = build_report("demo", 2020, out=out, data_dir=DATA, spec=spec, sections=["applications"])
    assert not failed.ok
    (s,) = failed.sections
    assert s.status == "failed" and s.stage == "execute"
    assert s.error is not None
    assert s.error.cell_index == 3 and s.error.cell_number == 4
    assert s.error.executed_index == 4  # after papermill's injected-parameters cell
    assert s.error.ename == "ValueError" and s.error.evalue == FAIL_MESSAGE
    assert s.error.line == 2
    assert '→ raise ValueError("' in s.error.source and "total = 29130" in s.error.source
    assert s.executed == failed.folder / "03_applications.failed.ipynb" and s.executed.exists()
    assert s.outputs == {}
    assert not (failed.folder / "03_applications.html").exists()
    assert not (failed.folder / "03_applications.pdf").exists()
    assert not (failed.folder / "03_applications.ipynb").exists()
    assert not failed.combined

    shutil.copy(FIXTURES / "03_applications.ipynb", spec.parent / "03_applications.ipynb")
    fixed = build_report("demo", 2020, out=out, data_dir=DATA, spec=spec, sections=["3"], formats=["html"])
    assert fixed.ok
    assert set(fixed.sections[0].outputs) == {"html"}
    assert not (fixed.folder / "03_applications.failed.ipynb").exists()
    assert (fixed.folder / "03_applications.ipynb").exists()
    assert not fixed.combined and "only some parts" in fixed.combined_skipped


# ---------------------------------------------------------------------------------------------
# arguments and usage errors (no kernels)
# ---------------------------------------------------------------------------------------------


def test_select_sections():
    spec = load_report_spec(SPEC)
    assert [s.part for s in notebooks.select_sections(spec, None)] == [1, 2, 3, 4, 5, 6]
    assert [s.part for s in notebooks.select_sections(spec, ["4", "3"])] == [3, 4]  # report order
    assert [s.part for s in notebooks.select_sections(spec, [" applications", 4, "04_review_litigation"])] == [3, 4]
    with pytest.raises(NianbaoError, match="no section '9'"):
        notebooks.select_sections(spec, ["9"])


def test_installed_kernels_are_those_jupyter_finds(tmp_path, monkeypatch):
    """The quick lookup (no jupyter_client import in the parent) finds what jupyter_client finds,
    also with a kernel of our own on JUPYTER_PATH and a folder without kernel.json."""
    from jupyter_client.kernelspec import KernelSpecManager

    own = tmp_path / "kernels" / "nianbao-probe"
    own.mkdir(parents=True)
    (own / "kernel.json").write_text('{"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], '
                                     '"display_name": "probe", "language": "python"}')  # fmt: skip
    (tmp_path / "kernels" / "not-a-kernel").mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert notebooks.installed_kernels() == set(KernelSpecManager().find_kernel_specs())
    assert "nianbao-probe" in notebooks.installed_kernels()


def test_default_workers_leave_a_core_to_the_layout(monkeypatch):
    from nianbao.run import report

    for cores, laying_out, expected in [(1, True, 1), (2, True, 1), (2, False, 2), (3, True, 2), (8, True, 2)]:
        monkeypatch.setattr(report.os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        assert report.default_workers(laying_out) == expected, (cores, laying_out)


def test_kernel_fallback():
    assert notebooks.resolve_kernel("no-such-kernel-xyz") == "python3"
    with pytest.raises(NianbaoError, match="no Jupyter kernel"):
        notebooks.resolve_kernel("no-such-kernel-xyz", explicit=True)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--unit", "no-such-unit"], "unknown unit"),
        (["--unit", "demo", "--year", "1999"], "no data for unit 'demo', year 1999"),
        (["--unit", "demo", "--sections", "3,9"], "no section '9'"),
        (["--unit", "demo", "--formats", "html,docx"], "unknown format"),
        (["--unit", "demo", "--spec", "/nonexistent/report.toml"], "no report declaration"),
    ],
)
def test_cli_usage_and_data_errors_exit_2(args, message, tmp_path, capsys):
    from nianbao.cli import main

    code = main(["report", "--data", str(DATA), "--out", str(tmp_path), *args])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert not list(tmp_path.iterdir())  # nothing run, nothing written


def test_cli_bad_option_exits_2(capsys):
    from nianbao.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["report", "--workers", "0"])
    assert exc.value.code == 2


def test_cli_registry_has_report():
    from nianbao import cli

    parser = cli.build_parser()
    assert "report" in cli.COMMANDS
    args = parser.parse_args(["report", "--sections", "3,4", "--formats", "pdf"])
    assert args.sections == ["3", "4"] and args.formats == ["pdf"] and args.unit == "shanghai" and args.year == 2020


def test_excerpt_around_the_failing_line():
    source = "\n".join(f"line_{n} = {n}" for n in range(1, 21))
    excerpt = results.excerpt(source, 10).splitlines()
    assert "→ line_10 = 10" in excerpt
    assert excerpt[0] == "  ..." and excerpt[-1] == "  ..."
    assert any("line_4 = 4" in x for x in excerpt) and not any("line_3 = 3" in x for x in excerpt)
    assert results.excerpt("a = 1\nb = 2") == "a = 1\nb = 2"


def test_error_line_from_ipython_traceback():
    tb = ["\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[4]\x1b[39m\x1b[32m, line 2\x1b[39m\n..."]
    assert results.error_line(tb, 4) == 2
    assert results.error_line(["no cell here"], 4) is None


def test_write_atomic_leaves_no_partial_file(tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")

    atomic.write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(TypeError):
        atomic.write_atomic(target, 12345)  # type: ignore[arg-type]
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


# ---------------------------------------------------------------------------------------------
# the scheduler writes report.pdf once
# ---------------------------------------------------------------------------------------------


def test_report_pdf_is_written_once_when_several_layouts_end_with_the_book_complete():
    """Two layout futures can be handled after the last part is laid out: both see the book
    complete, and only the first may start writing report.pdf (a second write cost 0.9 s)."""
    from concurrent.futures import Future
    from types import SimpleNamespace

    from nianbao.run.scheduler import ReportScheduler

    submitted = []
    scheduler = ReportScheduler(None, 1, [], None, "报告", combined=False)
    scheduler.book = SimpleNamespace(complete=True)
    scheduler.tasks = [SimpleNamespace(part=1, info=None)]
    scheduler._parts = lambda: []
    scheduler._layout = SimpleNamespace(submit=lambda fn, *args: submitted.append(fn) or Future())
    for _ in range(2):
        done = Future()
        done.set_result([6])
        scheduler._on_layout(done, None)
    assert len(submitted) == 1
