"""How fast `nianbao audit PATH...` audits a corpus, on this machine. Not a test: it prints what it
measured.

    .venv/bin/python bench/bench_corpus.py               # 10,000 documents (built once, then cached)
    .venv/bin/python bench/bench_corpus.py --scale 0.02  # 200 documents: a quick run

The corpus is built once (in parallel) and kept in ``outputs/bench/corpus-N/`` (not in git):
synthetic reports in the layout of the project's own page (tests/corpus_fixtures.py: varied figures,
consistent totals and shares, planted defects, units from the registry and its districts'
departments and streets, several years per unit), in these shares: 60% web pages (HTML, one in ten
of them saved as plain text), 30% PDF with a text layer (WeasyPrint), 2.5% DOCX (python-docx),
2.5% DOC (LibreOffice), 5% scans (the PDF rasterised at 300 dpi, an image-only PDF: OCR). The
format folders are audited in this order, so each format is a phase of the run.

Measured, with ``--workers`` (default 2) local worker processes:

- documents per second per format: a format's documents divided by the time from the end of the
  previous phase to the end of its own (and, beside it, the mean audit time of one document);
- peak resident memory per worker process, and the largest of the programs it ran (LibreOffice,
  Tesseract);
- a rerun with 10 new files (6 HTML, 3 PDF, 1 DOCX) added to the corpus, dataset only;
- the corpus notebook on the whole dataset (papermill, then HTML and PDF).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import corpus_fixtures as pages  # noqa: E402

SHARES = {"html": 54.0, "text": 6.0, "pdf": 30.0, "docx": 2.5, "doc": 2.5, "scan": 5.0}
FOLDERS = {"html": "1_html", "text": "2_text", "pdf": "3_pdf", "docx": "4_docx", "doc": "5_doc", "scan": "6_scan"}
SUFFIX = {"html": "html", "text": "txt", "pdf": "pdf", "docx": "docx", "doc": "doc", "scan": "pdf"}
YEARS = list(range(2021, 2026))
NEW = ("html",) * 6 + ("pdf",) * 3 + ("docx",)


def plan_corpus(n: int, seed: int = 2024) -> list[tuple[int, str, list[int]]]:
    """(unit number, name, consecutive years) until ``n`` reports: most units over several years."""
    rng = random.Random(seed)
    names = pages.units(n)
    out, total = [], 0
    for i, name in enumerate(names):
        if total >= n:
            break
        span = min(rng.choice((1, 2, 3, 4, 5, 5, 5)), n - total)
        first = rng.randint(YEARS[0], YEARS[-1] - span + 1)
        out.append((i, name, list(range(first, first + span))))
        total += span
    return out


def formats_for(n: int, seed: int = 2025) -> list[str]:
    counts = {fmt: int(n * share / 100) for fmt, share in SHARES.items()}
    counts["html"] += n - sum(counts.values())
    chosen = [fmt for fmt, k in counts.items() for _ in range(k)]
    random.Random(seed).shuffle(chosen)
    return chosen


def build_unit(folder: str, unit: int, name: str, years: list[int], formats: list[str]) -> list[str]:
    """Write one unit's reports, each in its format; the DOCX of each DOC waits in docx-for-doc/."""
    import formats_fixtures as fx

    root, made = Path(folder), []
    for report, fmt in zip(pages.unit_reports(name, years, seed=unit), formats):
        target = root / FOLDERS[fmt] / f"{unit:05d}_{report.year}.{SUFFIX[fmt]}"
        if fmt == "doc":
            target = root / "docx-for-doc" / f"{unit:05d}_{report.year}.docx"
        if target.exists() or (fmt == "doc" and (root / FOLDERS["doc"] / f"{target.stem}.doc").exists()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        html = pages.page_html(report)
        if fmt == "html":
            target.write_text(html, encoding="utf-8")
        elif fmt == "text":
            target.write_text(pages.page_text(report), encoding="utf-8")
        elif fmt == "pdf":
            fx.html_to_pdf(html, target)
        elif fmt in ("docx", "doc"):
            fx.page_to_docx(html, target)
        else:
            with tempfile.TemporaryDirectory(prefix="nianbao-bench-scan-") as tmp:
                pdf = fx.html_to_pdf(html, Path(tmp) / "page.pdf")
                fx.images_to_pdf(fx.rasterise(pdf, Path(tmp) / "png", dpi=300), target, dpi=300)
        made.append(fmt)
    return made


def convert_docs(folder: Path, batch: int = 40) -> None:
    """The waiting DOCX files converted to DOC by LibreOffice, many per start."""
    waiting = sorted((folder / "docx-for-doc").glob("*.docx"))
    out = folder / FOLDERS["doc"]
    out.mkdir(exist_ok=True)
    for start in range(0, len(waiting), batch):
        chunk = waiting[start : start + batch]
        with tempfile.TemporaryDirectory(prefix="nianbao-bench-lo-") as profile:
            subprocess.run(
                [shutil.which("soffice") or "soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                 "--norestore", "--convert-to", "doc", "--outdir", str(out), *map(str, chunk)],
                check=True, timeout=600, capture_output=True, env={**os.environ, "HOME": profile},
            )  # fmt: skip
        for path in chunk:
            if (out / f"{path.stem}.doc").exists():
                path.unlink()
    if (folder / "docx-for-doc").is_dir() and not any((folder / "docx-for-doc").iterdir()):
        (folder / "docx-for-doc").rmdir()


def build(folder: Path, n: int, jobs: int) -> Counter:
    """The corpus of ``n`` documents in ``folder`` (what is already there is kept)."""
    marker = folder / ".built.json"  # hidden: not part of the corpus
    if marker.exists():
        return Counter(json.loads(marker.read_text())["formats"])
    units, formats = plan_corpus(n), formats_for(n)
    started, at, made = time.perf_counter(), 0, Counter()
    with ProcessPoolExecutor(jobs) as pool:
        futures = []
        for unit, name, years in units:
            futures.append(pool.submit(build_unit, str(folder), unit, name, years, formats[at : at + len(years)]))
            at += len(years)
        for k, future in enumerate(as_completed(futures), start=1):
            made.update(future.result())
            if k % 200 == 0:
                print(f"  built {k}/{len(futures)} units ({time.perf_counter() - started:.0f} s)", flush=True)
    convert_docs(folder)
    counts = Counter(fmt for fmt in formats)
    marker.write_text(json.dumps({"documents": n, "formats": counts, "seconds": time.perf_counter() - started}))
    print(f"built {n} documents in {time.perf_counter() - started:.0f} s ({dict(made)} new)")
    return counts


def new_files(folder: Path) -> Path:
    """Ten reports not in the corpus (units of their own), in ``folder/new-10``."""
    out = folder.parent / f"{folder.name}-new-10"
    if out.exists():
        shutil.rmtree(out)
    names = pages.units(30_000)[-len(NEW) :]
    for k, (fmt, name) in enumerate(zip(NEW, names)):
        build_unit(str(out), 90_000 + k, name, [2024], [fmt])
    return out


def phases(finished: list[tuple[str, str | None, float, float]]) -> list[tuple[str, int, float, float]]:
    """Per format folder, in audit order: documents, seconds of its phase, mean audit seconds."""
    by_folder: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for path, _, done_at, seconds in finished:
        by_folder[Path(path).parent.name].append((done_at, seconds))
    out, previous_end = [], 0.0
    for name in sorted(by_folder):
        times = by_folder[name]
        end = max(t for t, _ in times)
        out.append((name, len(times), end - previous_end, sum(s for _, s in times) / len(times)))
        previous_end = end
    return out


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers, once a run has ended)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    from nianbao.audit.corpus import CorpusOptions, audit_corpus
    from nianbao.audit.corpus.export import export_corpus_report
    from nianbao.audit.corpus.progress import Progress

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 10,000 documents (default 1)")
    parser.add_argument("--cache", type=Path, default=ROOT / "outputs" / "bench", help="where the corpus is kept")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2, help="processes that build the corpus")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the dataset of an earlier run (its first run then audits only what is left)",
    )
    args = parser.parse_args(argv)
    n = max(len(SHARES), round(10_000 * args.scale))
    folder = args.cache / f"corpus-{n}"
    print(f"corpus of {n} documents in {folder} ({load()})")
    counts = build(folder, n, args.jobs)
    print("formats: " + ", ".join(f"{fmt} {counts[fmt]}" for fmt in SHARES))
    if args.build_only:
        return 0
    out = args.cache / f"dataset-{n}"
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    options = CorpusOptions(out, workers=args.workers)

    print(f"\nfirst run, {args.workers} workers ({load()})")
    started, cpu = time.perf_counter(), cpu_seconds()
    run = audit_corpus([folder], options, Progress(bar=False))
    total, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    print(f"  {len(run.files)} files in {total:.0f} s (CPU {cpu:.0f} s): plan {run.seconds['plan']:.1f} s, audit {run.seconds['audit']:.0f} s, "
          f"dataset {run.seconds['write']:.1f} s; {run.failed} could not be audited ({load()})")  # fmt: skip
    for name, docs, seconds, mean in phases(run.finished):
        print(f"  {name:<8} {docs:6d} documents in {seconds:7.1f} s: {docs / seconds:6.2f} documents/s "
              f"(one document: {mean * 1000:.0f} ms in its worker)")  # fmt: skip
    for k, (own, children) in enumerate(run.peaks, start=1):
        print(f"  worker {k}: peak {own:.0f} MB (the largest program it ran: {children:.0f} MB)")
    print(f"  dataset: {run.written.rows}; files {sum(run.written.files.values()) / 1e6:.0f} MB")

    added = new_files(folder)
    started, cpu = time.perf_counter(), cpu_seconds()
    again = audit_corpus([folder, added], options, Progress(bar=False))
    print(f"\nrerun with 10 new files: {time.perf_counter() - started:.1f} s, CPU {cpu_seconds() - cpu:.1f} s "
          f"({again.audited} audited, {again.reused} reused; plan {again.seconds['plan']:.1f} s, audit "
          f"{again.seconds.get('audit', 0):.1f} s, dataset {again.seconds['write']:.1f} s; {load()})")  # fmt: skip
    started, cpu = time.perf_counter(), cpu_seconds()
    audit_corpus([folder, added], options, Progress(bar=False))
    print(f"rerun with nothing new: {time.perf_counter() - started:.1f} s, CPU {cpu_seconds() - cpu:.1f} s")

    started = time.perf_counter()
    written = export_corpus_report(out)
    print(f"\ncorpus notebook on the whole dataset (papermill in a fresh worker, then HTML and PDF): "
          f"{time.perf_counter() - started:.1f} s "
          f"({', '.join(f'{k} {v.stat().st_size / 1e3:.0f} KB' for k, v in written.items())}; {load()})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
