"""The same report in every format, through the corpus path, gives the same rows: the project's own
page as HTML, PDF (ruled, unruled, 表二 split over pages), DOCX, DOC and WPS (LibreOffice), a scan
and a page image (OCR) — and the same corpus on a Dask cluster gives the same dataset."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import formats_fixtures as fx
import psutil
import pyarrow.parquet as pq
import pytest

from nianbao.audit.corpus import CorpusOptions, audit_corpus
from nianbao.audit.corpus.progress import Progress

pytestmark = pytest.mark.slow

PAGE = "district_2021.html"
SAME = ("html", "pdf", "pdf_split", "pdf_unruled", "docx", "doc", "wps")


@pytest.fixture(scope="module")
def every_format(tmp_path_factory) -> dict[str, Path]:
    """One folder holding the page in every format (tests/formats_fixtures.py), by kind."""
    work, folder = tmp_path_factory.mktemp("build"), tmp_path_factory.mktemp("corpus")
    built = fx.build_all(work, PAGE)
    kinds = {"html": fx.PAGES / PAGE, **{k: built[k] for k in ("pdf", "pdf_split", "pdf_unruled", "scan", "png",
                                                                "docx", "doc")}}  # fmt: skip
    out = {kind: Path(shutil.copyfile(path, folder / f"{kind}{path.suffix}")) for kind, path in kinds.items()}
    # a WPS file of other bytes than the DOC (the same content would be audited once): a sector
    # after the compound file's end carries the name of WPS Office's own stream
    marker = "WpsCustomData".encode("utf-16-le")
    (folder / "wps.wps").write_bytes(built["doc"].read_bytes() + marker + b"\0" * (512 - len(marker)))
    out["wps"] = folder / "wps.wps"
    return out


@pytest.fixture(scope="module")
def dataset(every_format, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    folder = every_format["html"].parent
    audit_corpus([folder], CorpusOptions(out, workers=2), Progress(io.StringIO(), bar=False))
    return out


def _rows(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def _by_kind(out: Path, name: str, columns: tuple[str, ...]) -> dict[str, set]:
    kind_of = {d["sha256"]: Path(d["name"]).stem for d in _rows(out, "documents")}
    found: dict[str, set] = {}
    for row in _rows(out, name):
        found.setdefault(kind_of[row["document"]], set()).add(tuple(row[c] for c in columns))
    return found


def test_every_format_is_recognised_and_audited(dataset):
    documents = {Path(d["name"]).stem: d for d in _rows(dataset, "documents")}
    assert {k: d["format"] for k, d in documents.items()} == {
        "html": "html", "pdf": "pdf", "pdf_split": "pdf", "pdf_unruled": "pdf", "scan": "pdf", "png": "image",
        "docx": "docx", "doc": "doc", "wps": "wps"}  # fmt: skip
    assert all(d["status"] == "ok" for d in documents.values())
    assert documents["scan"]["read_as"] == "OCR (no text layer)" and documents["scan"]["pages"] == 3
    assert documents["pdf"]["pages"] == 3 and documents["html"]["pages"] is None
    assert "LibreOffice" in documents["doc"]["read_as"] and "LibreOffice" in documents["wps"]["read_as"]
    assert len({(d["unit_name"], d["year"], d["format_version"]) for k, d in documents.items() if k in SAME}) == 1


def test_same_findings_and_cells_in_every_format(dataset):
    findings = _by_kind(dataset, "findings", ("rule", "severity", "table_id", "row_label", "column_label", "cell",
                                              "quote", "expected", "found"))  # fmt: skip
    cells = _by_kind(dataset, "cells", ("table_id", "row_id", "column_id", "value", "held"))
    statements = _by_kind(dataset, "statements", ("kind", "label", "value", "verdict", "paragraph"))
    for kind in SAME[1:]:
        assert findings[kind] == findings["html"], kind
        assert cells[kind] == cells["html"], kind
        assert statements[kind] == statements["html"], kind
    assert len(findings["html"]) == 13 and len(cells["html"]) == 200


def test_pages_and_ocr_confidence_are_kept(dataset):
    sha = {Path(d["name"]).stem: d["sha256"] for d in _rows(dataset, "documents")}
    cells = _rows(dataset, "cells")
    pdf = [c for c in cells if c["document"] == sha["pdf_split"] and c["table_id"] == "B"]
    assert {c["page"] for c in pdf} == {1, 2, 3} and all(c["ocr_confidence"] is None for c in pdf)
    scan = [c for c in cells if c["document"] == sha["scan"]]
    assert scan and all(c["page"] in (1, 2) and 0 <= c["ocr_confidence"] <= 100 for c in scan if c["text"])
    html_b = {
        (c["row_id"], c["column_id"], c["value"])
        for c in cells
        if c["document"] == sha["html"] and c["table_id"] in "BC"
    }
    scan_b = {(c["row_id"], c["column_id"], c["value"]) for c in scan if c["table_id"] in "BC"}
    assert scan_b == html_b  # the same figures read from the scan
    statements = [s for s in _rows(dataset, "statements") if s["document"] == sha["pdf"]]
    assert statements and all(s["page"] in (1, 2, 3) for s in statements)
    image = {
        (c["row_id"], c["column_id"], c["value"]) for c in cells if c["document"] == sha["png"] and c["table_id"] == "C"
    }
    assert image == {x for x in html_b if x[0] in ("review", "litigation_direct", "litigation_after_review")}


def test_a_dask_cluster_gives_the_same_dataset(every_format, dataset, tmp_path):
    from distributed import LocalCluster

    folder = every_format["html"].parent
    out = tmp_path / "dask"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        done = audit_corpus([folder], CorpusOptions(out, scheduler=cluster.scheduler_address),
                            Progress(io.StringIO(), bar=False))  # fmt: skip
        assert done.audited == 9 and done.failed == 0
    for name in ("cells", "statements", "findings"):
        local = sorted(map(repr, (sorted(r.items()) for r in _rows(dataset, name))))
        remote = sorted(map(repr, (sorted(r.items()) for r in _rows(out, name))))
        assert local == remote, name
    assert not [
        p for p in psutil.process_iter(["cmdline"]) if "nianbao.audit.corpus.worker" in (p.info["cmdline"] or [])
    ]
