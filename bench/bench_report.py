"""Benchmark: ``nianbao report`` against the naive command-line chain, same machine, same sitting.

(a) ``nianbao report --unit shanghai --year 2020`` (all six sections: executed notebook, HTML, PDF
    and the tables as XLSX/CSV for each, plus the combined report.html, report.pdf and
    report.xlsx), wall time.
(b) the naive chain for the same six notebooks, one after the other, as a person would type it:
    ``papermill`` CLI, then ``jupyter nbconvert --to html`` CLI, then ``weasyprint in.html out.pdf``
    CLI, per section (and no combined report).

Both write into a temporary folder (the project's outputs/ is not touched). Run it with the
project's environment, e.g. ``make bench`` or ``.venv/bin/python bench/bench_report.py``;
``--repeat N`` runs both N times, alternating, and reports the medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent  # the environment's command-line tools


def run(cmd: list[str], **kw) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        sys.exit(f"{name} not found next to {sys.executable}; run this with the project's environment")
    return str(path)


def time_nianbao(unit: str, year: int, out: Path) -> float:
    start = time.perf_counter()
    run([tool("nianbao"), "report", "--unit", unit, "--year", str(year), "--out", str(out)])
    return time.perf_counter() - start


def time_naive(unit: str, year: int, out: Path, kernel: str) -> tuple[float, dict[str, float]]:
    from nianbao.run.notebooks import load_report_spec

    out.mkdir(parents=True, exist_ok=True)
    steps = {"papermill": 0.0, "nbconvert": 0.0, "weasyprint": 0.0}
    start = time.perf_counter()
    for section in load_report_spec().sections:
        executed = out / f"{section.stem}.ipynb"
        html = out / f"{section.stem}.html"
        pdf = out / f"{section.stem}.pdf"
        t = time.perf_counter()
        run(
            [
                tool("papermill"),
                str(section.notebook),
                str(executed),
                "-p",
                "unit",
                unit,
                "-p",
                "year",
                str(year),
                "-k",
                kernel,
                "--no-progress-bar",
            ]
        )
        steps["papermill"] += time.perf_counter() - t
        t = time.perf_counter()
        run([tool("jupyter"), "nbconvert", "--to", "html", str(executed), "--output-dir", str(out)])
        steps["nbconvert"] += time.perf_counter() - t
        t = time.perf_counter()
        run([tool("weasyprint"), str(html), str(pdf)])
        steps["weasyprint"] += time.perf_counter() - t
    return time.perf_counter() - start, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="shanghai")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary output folder")
    args = parser.parse_args()

    from nianbao.run.notebooks import load_report_spec
    from nianbao.run.report import resolve_kernel

    kernel = resolve_kernel(load_report_spec().kernel)
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    ours, naive, naive_steps = [], [], []
    try:
        for i in range(args.repeat):
            ours.append(time_nianbao(args.unit, args.year, work / f"nianbao-{i}"))
            total, steps = time_naive(args.unit, args.year, work / f"naive-{i}", kernel)
            naive.append(total)
            naive_steps.append(steps)
            print(f"run {i + 1}: nianbao report {ours[-1]:.1f}s, naive chain {naive[-1]:.1f}s", flush=True)
    finally:
        if args.keep:
            print(f"outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    a, b = statistics.median(ours), statistics.median(naive)
    steps = {k: statistics.median(s[k] for s in naive_steps) for k in naive_steps[0]}
    print()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, kernel {kernel!r}")
    print(
        f"(a) nianbao report --unit {args.unit} --year {args.year}: {a:6.1f} s  "
        "(6 sections × HTML+PDF+tables, plus the combined report)"
    )
    print(
        f"(b) naive chain, 6 × papermill + nbconvert + weasyprint CLI: {b:6.1f} s  "
        f"(papermill {steps['papermill']:.1f} s, nbconvert {steps['nbconvert']:.1f} s, "
        f"weasyprint {steps['weasyprint']:.1f} s; no combined report)"
    )
    print(f"ratio (b)/(a): {b / a:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
