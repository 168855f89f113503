"""A corpus audited into one dataset (``nianbao audit PATH...``): the four tables as the issue lists
them, consistent with each other; a folder of mixed files with broken ones; the resume; files that
hang; Ctrl-C and SIGTERM in the middle of a run; the CSVs' formula safety; ``--import``."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import corpus_fixtures as cf
import psutil
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from nianbao.audit.corpus import CorpusOptions, audit_corpus
from nianbao.audit.corpus import tables as t
from nianbao.audit.corpus.dataset import file_names, read_manifest
from nianbao.audit.corpus.pool import LocalPool
from nianbao.audit.corpus.progress import Progress
from nianbao.audit.corpus.store import HIDDEN, Store
from nianbao.audit.corpus.task import Done, Task, reader_digest
from nianbao.cli import main
from nianbao.errors import NianbaoError

PAGES = Path(__file__).parent / "fixtures" / "pages"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def run(paths, out: Path, **options):
    return audit_corpus(list(paths), CorpusOptions(out, **options), Progress(io.StringIO(), bar=False))


def table(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def by_name(out: Path) -> dict[str, dict]:
    return {d["name"]: d for d in table(out, "documents")}


def write_report(folder: Path, unit: str, year: int, seed: int, suffix: str = "html", defects=None) -> Path:
    """A synthetic report (tests/corpus_fixtures.py) as a web page or a plain-text copy."""
    (report,) = cf.unit_reports(unit, [year], seed)
    if defects is not None:
        report.defects = list(defects)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{unit}_{year}.{suffix}"
    path.write_text(cf.page_html(report) if suffix == "html" else cf.page_text(report), encoding="utf-8")
    return path


def hanging_soffice(folder: Path) -> Path:
    """A LibreOffice that never ends (with a child of its own), first on PATH."""
    stub = folder / "bin" / "soffice"
    stub.parent.mkdir(parents=True)
    sleep = shutil.which("sleep")
    stub.write_text(f"#!/bin/sh\n{sleep} 171 &\n{sleep} 171\n")
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return stub.parent


def a_doc(path: Path) -> Path:
    path.write_bytes(OLE2 + "WordDocument".encode("utf-16-le") + b"\0\0" + b"\0" * 600)
    return path


def sleepers() -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["cmdline"]) if "171" in (p.info["cmdline"] or [])[-1:]]


def workers(parent: int) -> list[psutil.Process]:
    """The corpus workers started by the process ``parent`` (its pid is their last argument), alive
    or orphaned; other corpus runs on the machine are not this test's business."""
    return [
        p
        for p in psutil.process_iter(["cmdline"])
        if "nianbao.audit.corpus.worker" in (p.info["cmdline"] or []) and p.info["cmdline"][-1] == str(parent)
    ]


@pytest.fixture
def mixed(tmp_path) -> Path:
    """The project's pages (HTML, text, GBK HTML), a copy under another name, and files that are
    no report: a damaged PDF, a workbook, random bytes, an empty file."""
    import openpyxl

    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    for page in PAGES.iterdir():
        shutil.copy(page, folder / page.name)
    shutil.copy(PAGES / "district_2021.html", folder / "sub" / "same_content.html")
    (folder / "sub" / "broken.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    openpyxl.Workbook().save(folder / "sub" / "figures.xlsx")
    (folder / "sub" / "noise.bin").write_bytes(bytes(range(256)) * 40)
    (folder / ".hidden.html").write_text("<p>not part of the corpus</p>", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# the dataset
# ---------------------------------------------------------------------------------------------


def test_a_folder_of_mixed_files_with_broken_ones(mixed, tmp_path):
    out = tmp_path / "out"
    done = run([mixed], out)
    docs = by_name(out)
    assert set(docs) == {"city_2020.txt", "county_2020_gbk.html", "district_2021.html", "district_2022.txt",
                         "same_content.html", "broken.pdf", "figures.xlsx", "noise.bin"}  # fmt: skip
    assert done.audited == 7 and done.failed == 3  # the same content is audited once
    failed = {n: d["reason"] for n, d in docs.items() if d["status"] == t.FAILED}
    assert set(failed) == {"broken.pdf", "figures.xlsx", "noise.bin"}
    assert all(reason and "\n" not in reason and "Traceback" not in reason for reason in failed.values())
    assert "a PDF that cannot be read" in failed["broken.pdf"] and "nianbao import" in failed["figures.xlsx"]
    assert docs["broken.pdf"]["format"] == "pdf" and docs["noise.bin"]["format"] is None
    ok = docs["district_2021.html"]
    assert (ok["format"], ok["unit_name"], ok["year"], ok["format_version"], ok["tables"]) == ("html", "示例区", 2021,
                                                                                              "2021", "A,B,C")  # fmt: skip
    assert (ok["errors"], ok["warnings"], ok["status"], ok["reason"]) == (11, 2, "ok", None)
    assert docs["same_content.html"]["sha256"] == ok["sha256"] and docs["city_2020.txt"]["unit_id"] == "shanghai"


def test_tables_are_typed_consistent_and_the_csvs_match(mixed, tmp_path):
    out = tmp_path / "out"
    run([mixed], out)
    manifest = read_manifest(out)
    assert manifest is not None and set(manifest["files"]) == set(file_names())
    for name, schema in t.SCHEMAS.items():
        parquet = pq.read_table(out / f"{name}.parquet")
        assert parquet.schema.equals(schema, check_metadata=False), name
        assert manifest["rows"][name] == parquet.num_rows
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        csv = pa_csv.read_csv(out / f"{name}.csv")
        assert csv.column_names == schema.names and csv.num_rows == parquet.num_rows
    documents = {d["sha256"] for d in table(out, "documents")}
    for name in t.PER_DOCUMENT:
        assert {r["document"] for r in table(out, name)} <= documents


def test_cells_keep_what_each_cell_held(mixed, tmp_path):
    out = tmp_path / "out"
    run([mixed], out)
    sha = by_name(out)["district_2021.html"]["sha256"]
    cells = [c for c in table(out, "cells") if c["document"] == sha]
    assert len(cells) == 200
    fee = next(c for c in cells if c["row_id"] == "fees")
    assert (fee["text"], fee["value"], fee["held"], fee["page_table"], fee["table_row"]) == (
        "251000元",
        None,
        "text",
        1,
        14,
    )
    blank = next(c for c in cells if (c["table_id"], c["row_id"], c["column_id"]) == ("B", "granted", "natural_person"))
    assert (blank["held"], blank["value"], blank["row_label"], blank["column_label"]) == (
        "blank",
        None,
        "（一）予以公开",
        "自然人",
    )
    total = next(c for c in cells if (c["row_id"], c["column_id"]) == ("withheld_prohibited", "total"))
    assert (total["text"], int(total["value"]), total["held"]) == ("29", 29, "number")
    assert {c["held"] for c in cells} == {"number", "zero", "blank", "text"}
    statements = [s for s in table(out, "statements") if s["document"] == sha]
    share = next(s for s in statements if s["label"] == "无法提供占比")
    assert (share["value"], int(share["numerator"]), int(share["base"]), share["verdict"]) == (
        "14.58",
        97,
        665,
        "截尾取值",
    )
    assert share["paragraph"] == 8 and "无法提供97件" in share["quote"]
    findings = [f for f in table(out, "findings") if f["document"] == sha]
    t1 = next(f for f in findings if f["rule"] == "T1")
    assert (t1["severity"], t1["found"], t1["expected"], t1["year"], t1["unit_name"]) == (
        "error",
        "672",
        "671",
        2021,
        "示例区",
    )


def test_the_csvs_are_formula_safe(tmp_path):
    page = (PAGES / "district_2021.html").read_text(encoding="utf-8")
    page = page.replace("251000元", '=HYPERLINK("http://example.invalid")').replace(">3541<", ">-12<")
    page = page.replace(
        "2021年示例区政府信息公开工作年度报告</h1>", "2021年示例区政府信息公开工作年度报告</h1><p>@SUM(A1)</p>"
    )
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(page, encoding="utf-8")
    (folder / "b.html").write_text(page.replace("<td>9</td><td>2</td><td>3</td>", "<td>+9</td><td>2</td><td>3</td>"),
                                   encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    run([folder], out)
    cells = (out / "cells.csv").read_text(encoding="utf-8-sig")
    findings = (out / "findings.csv").read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://example.invalid"")"' in cells and ',"=HYPERLINK' not in cells
    assert "'=HYPERLINK" in findings
    parquet = [c["text"] for c in table(out, "cells")]
    assert '=HYPERLINK("http://example.invalid")' in parquet and "+9" in parquet  # as published
    fields = [f for name in file_names() if name.endswith(".csv")
              for row in csv.reader(io.StringIO((out / name).read_text(encoding="utf-8-sig"))) for f in row]  # fmt: skip
    assert "'+9" in fields and "-12" in fields  # a number stays a number
    assert not [f for f in fields if f.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [f for f in fields if f.startswith("-") and not f[1:].replace(".", "").isdigit()]


# ---------------------------------------------------------------------------------------------
# a rerun, and what a run leaves behind
# ---------------------------------------------------------------------------------------------


def test_a_rerun_audits_only_new_and_changed_files(tmp_path):
    folder = tmp_path / "in"
    first = [write_report(folder, name, 2022, seed) for seed, name in enumerate(("黄浦区", "徐汇区", "长宁区"))]
    out = tmp_path / "out"
    assert run([folder], out).audited == 3
    write_report(folder, "静安区", 2022, 9)
    first[0].write_text(
        first[0].read_text(encoding="utf-8").replace("政策解读形式较为单一", "政策解读形式单一"), encoding="utf-8"
    )
    shutil.copy(first[1], folder / "copy.html")
    again = run([folder], out)
    assert (again.audited, again.reused) == (2, 2)  # the new file and the changed one; the copy is known
    docs = by_name(out)
    assert len(docs) == 5 and all(d["status"] == "ok" for d in docs.values())
    assert {d["unit_id"] for d in docs.values()} == {"huangpu", "xuhui", "changning", "jingan"}
    cells = table(out, "cells")
    assert {c["document"] for c in cells} == {d["sha256"] for d in docs.values()}
    assert len(cells) == 4 * len([c for c in cells if c["document"] == docs["静安区_2022.html"]["sha256"]])
    assert run([folder], out).audited == 0
    first[2].unlink()
    run([folder], out)
    assert set(by_name(out)) == {"黄浦区_2022.html", "徐汇区_2022.html", "静安区_2022.html", "copy.html"}
    assert len({c["document"] for c in table(out, "cells")}) == 3


def test_a_rerun_that_only_adds_files_extends_the_dataset_as_a_fresh_run_writes_it(tmp_path):
    folder = tmp_path / "in"
    for seed, name in enumerate(("黄浦区", "徐汇区")):
        write_report(folder, name, 2022, seed, defects=["received"])
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    run([folder], out)
    write_report(folder, "长宁区", 2023, 7, suffix="txt", defects=["fee_text"])
    assert run([folder], out).written is not None
    run([folder], fresh)
    for name in file_names():
        if name.startswith("documents"):  # its timings differ
            continue
        if name.endswith(".csv"):
            ours, theirs = ((o / name).read_bytes() for o in (out, fresh))
            assert ours.count(b"\xef\xbb\xbf") == 1 and ours.startswith(b"\xef\xbb\xbf")
            assert sorted(ours.splitlines()) == sorted(theirs.splitlines()), name
        else:
            key = sorted(map(repr, (sorted(r.items()) for r in table(out, name[: -len(".parquet")]))))
            assert key == sorted(map(repr, (sorted(r.items()) for r in table(fresh, name[: -len(".parquet")])))), name
    assert run([folder], out).written is None  # nothing new: nothing written


def test_rerun_and_retry_failed(mixed, tmp_path):
    out = tmp_path / "out"
    run([mixed], out)
    assert run([mixed], out).audited == 0
    assert run([mixed], out, retry_failed=True).audited == 3
    assert run([mixed], out, rerun=True).audited == 7


def test_a_second_run_on_the_same_folder_is_refused(mixed, tmp_path):
    out = tmp_path / "out"
    holder = Store(out, reader_digest(None))
    holder.lock()
    try:
        with pytest.raises(NianbaoError, match="another `nianbao audit` is writing this corpus"):
            run([mixed], out)
    finally:
        holder.unlock()


def test_the_output_folder_inside_the_corpus_is_not_audited(mixed):
    out = mixed / "dataset"
    run([mixed], out)
    run([mixed], out)
    assert not any(str(out) in d["path"] for d in table(out, "documents"))


# ---------------------------------------------------------------------------------------------
# files that hang, workers that die, Ctrl-C
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_hanging_file_is_stopped_and_reported(mixed, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{hanging_soffice(tmp_path)}{os.pathsep}{os.environ['PATH']}")
    a_doc(mixed / "sub" / "hangs.doc")
    out = tmp_path / "out"
    started = time.monotonic()
    done = run([mixed], out, workers=2, file_timeout=3)
    assert time.monotonic() - started < 60
    hung = by_name(out)["hangs.doc"]
    assert hung["status"] == "failed" and "timed out after 3 s" in hung["reason"] and hung["format"] == "doc"
    assert by_name(out)["district_2021.html"]["status"] == "ok" and done.audited == 8
    assert sleepers() == []  # LibreOffice and its child went with the file


def _stubborn(task: Task) -> Done:
    """A file that hangs where no alarm reaches it (signals blocked), for the pool's own kill."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
    if task.path.endswith("hang"):
        time.sleep(600)
    from nianbao.audit.corpus import rows

    return Done(rows.failed(task.sha256, "not a report", task.reader, 0.0))


@pytest.mark.slow
def test_a_worker_stuck_beyond_its_timeout_is_killed(tmp_path):
    pool = LocalPool(2, grace=1.0, target=_stubborn)
    tasks = [Task(name, f"{i:064x}", "r", timeout=1.0) for i, name in enumerate(("a", "b-hang", "c", "d"))]
    started = time.monotonic()
    results = {task.path: done.entry.facts["reason"] for task, done in pool.run(tasks)}
    assert time.monotonic() - started < 30
    assert "timed out after 1 s: its process was stopped" in results["b-hang"]
    assert results["a"] == results["c"] == results["d"] == "not a report"
    assert workers(os.getpid()) == []


def _dies(task: Task) -> Done:
    os._exit(3)


def test_a_worker_that_dies_is_replaced_and_its_file_reported(tmp_path):
    pool = LocalPool(1, target=_dies)
    ((task, done),) = list(pool.run([Task("x", "0" * 64, "r", timeout=30)]))
    assert "its worker process died twice" in done.entry.facts["reason"] and "exit code 3" in done.entry.facts["reason"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_the_dataset_and_a_rerun_completes_it(sig, tmp_path):
    folder = tmp_path / "in"
    for seed in range(3):
        write_report(folder, f"单位{seed}", 2022, seed)
    out = tmp_path / "out"
    run([folder], out)
    before = {name: (out / name).read_bytes() for name in file_names()}
    for seed in range(3, 9):
        write_report(folder, f"单位{seed}", 2022, seed)
    a_doc(folder / "单位5_2022.zz.doc")  # sorted among the new pages: the run hangs on it
    env = {**os.environ, "PATH": f"{hanging_soffice(tmp_path)}{os.pathsep}{os.environ['PATH']}"}
    child = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "audit", str(folder), "--out", str(out),
                              "--workers", "1", "--no-report"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    store = Store(out, reader_digest(None)).folder
    deadline = time.monotonic() + 90
    while sum(p.is_file() for p in store.glob("*/*")) < 6 and time.monotonic() < deadline:  # 3 before + 3 new ones
        time.sleep(0.2)
    while not sleepers() and time.monotonic() < deadline:
        time.sleep(0.2)
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err.decode()
    assert "interrupted" in err.decode() and "Run the same command again" in err.decode()
    assert {name: (out / name).read_bytes() for name in file_names()} == before  # the previous dataset, whole
    assert read_manifest(out) is not None and not list((out / HIDDEN).glob("staging-*"))
    assert sleepers() == [] and workers(child.pid) == []
    (folder / "单位5_2022.zz.doc").unlink()
    again = run([folder], out)
    assert again.audited == 3 and again.reused == 6  # only what the interrupted run had not finished
    assert len(table(out, "documents")) == 9


# ---------------------------------------------------------------------------------------------
# the command, and --import
# ---------------------------------------------------------------------------------------------


def test_the_command_in_corpus_mode(mixed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["audit", str(mixed), "--out", str(out), "--no-report"]) == 1  # broken files and errors
    printed = capsys.readouterr().out
    assert "8 files in" in printed and "3 could not be audited" in printed and "documents 8" in printed
    assert main(["audit", str(mixed), "--out", str(out), "--json", "x.json"]) == 2
    assert "--json" in capsys.readouterr().err
    assert main(["audit", str(PAGES / "district_2021.html"), str(PAGES / "district_2022.txt"), "--out", str(out),
                 "--no-report"]) == 1  # fmt: skip
    assert len(table(out, "documents")) == 2


def test_import_writes_only_unit_years_without_errors(tmp_path, capsys):
    folder = tmp_path / "in"
    write_report(folder, "上海市教育委员会", 2022, 1, defects=[])
    write_report(folder, "上海市民政局", 2022, 2, defects=["received"])  # T1: an error
    write_report(folder, "上海市某某研究所", 2022, 3, defects=[])  # not in the registry
    write_report(folder, "黄浦区", 2022, 4, defects=[])
    write_report(folder / "again", "黄浦区", 2022, 5, defects=[])  # a second, different report on 黄浦区 2022
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n")
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    assert main(["audit", str(folder), "--out", str(out), "--data", str(data), "--no-report", "--import"]) == 1
    printed = capsys.readouterr().out
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*.yaml")) == ["units/education/2022.yaml"]
    assert "imported education 2022" in printed
    assert "上海市民政局_2022.html: its audit found 1 error(s)" in printed
    assert "上海市某某研究所_2022.html: the unit (上海市某某研究所) is not in the unit registry" in printed
    assert printed.count("2 different documents report on huangpu 2022") == 2
    assert "broken.pdf: not audited:" in printed
    assert "1 unit-year(s) imported, 5 document(s) not imported" in printed
