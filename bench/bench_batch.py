"""Benchmark suite of the batch issue: (a)-(d), peak memory per worker, the no-change rerun, and
where the time of one report goes. Same machine, one sitting; it prints numbers, asserts nothing.

(a) the naive chain for one unit-year: per section, ``papermill`` CLI, ``jupyter nbconvert --to
    html`` CLI, ``weasyprint`` CLI (bench_report.py's ``time_naive``);
(b) ``nianbao report`` for the same unit-year (CLI, wall time, everything it writes);
(c) ``nianbao batch`` of 20 unit-years of the demo data (4 districts × 2019–2023, all six
    sections, HTML + PDF + tables + combined report), with 1 worker and with 2 workers; the
    peak resident memory of each worker process together with its kernel is sampled meanwhile;
(d) the floor: the six sections' code executed in one warm Python process (IPython, no
    kernel), plus the PDFs of the same pages (b) wrote (six sections and the combined report,
    as nianbao makes them: bench_floor.report_pdfs), warm;
(e) a rerun of a batch of ``--rerun-jobs`` unit-years in which nothing changed (all skipped);
(demo) ``nianbao batch`` of every unit-year of the demo data (165), 2 workers, with the peak
    memory of each worker with its kernel (not in the default parts: it takes minutes);
profile: a timeline of one warm report in this process: when each notebook came back from
    the workers, each part's layout, writing report.pdf and cutting the sections' PDFs.

Run with the project's environment: ``.venv/bin/python bench/bench_batch.py`` (``--parts`` picks
some of a,b,c,d,e,profile). The machine's load is printed before and after, and for (a)-(c) the
CPU time other processes took meanwhile: other work at the same time makes every figure slower
(and the 2-worker run of (c) most of all), so rerun when it shows the machine was not quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import time_naive, tool

BATCH_UNITS = "huangpu,xuhui,changning,jingan"
BATCH_YEARS = "2019-2023"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


class OtherLoad:
    """CPU time that processes other than this benchmark's used while a part ran: the whole
    machine's busy time minus ours (our finished child processes, all of them waited for)."""

    def __enter__(self):
        import resource

        import psutil

        self._psutil, self._resource = psutil, resource
        self.machine, self.ours, self.started = self._busy(), self._ours(), time.perf_counter()
        return self

    def _busy(self) -> float:
        t = self._psutil.cpu_times()
        return t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0)

    def _ours(self) -> float:
        own = self._resource.getrusage(self._resource.RUSAGE_SELF)
        children = self._resource.getrusage(self._resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def __exit__(self, *exc):
        machine, ours = self._busy() - self.machine, self._ours() - self.ours
        self.seconds = max(0.0, machine - ours)
        self.wall = time.perf_counter() - self.started

    def __str__(self) -> str:
        return f"other processes used {self.seconds:.1f} CPU-s meanwhile ({self.seconds / self.wall * 100:.0f}% of one core)"


def ensure_demo() -> None:
    from nianbao.roots import resolve_data_dir

    if not (resolve_data_dir("demo") / "units" / "huangpu" / "2023.yaml").exists():
        subprocess.run([tool("nianbao"), "demo"], check=True, capture_output=True)


# ---------------------------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------------------------


class MemorySampler:
    """Samples, every 0.2 s, the memory of each worker process of ``root`` together with its
    descendants (its kernels); keeps each worker's peak.

    The measure is PSS (proportional set size): pages shared between processes (libraries, and
    a kernel's pages in the instant between its fork and exec) are split between them instead of
    being counted in full for each, so the sums are real memory."""

    def __init__(self, root_pid: int):
        import psutil

        self.root = psutil.Process(root_pid)
        self.peaks: dict[int, float] = {}
        self.kernel_peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                for child in self.root.children():
                    if "spawn_main" not in " ".join(child.cmdline()):
                        continue  # the resource tracker, not a worker
                    own = child.memory_full_info().pss
                    kernels = sum(k.memory_full_info().pss for k in child.children(recursive=True))
                    total = (own + kernels) / 2**20
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0.0), total)
                    self.kernel_peaks[child.pid] = max(self.kernel_peaks.get(child.pid, 0.0), kernels / 2**20)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
            self._stop.wait(0.2)

    def stop(self) -> dict[int, float]:
        self._stop.set()
        self._thread.join()
        return self.peaks


def run_measured(cmd: list[str]) -> tuple[float, dict[int, float]]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = MemorySampler(proc.pid)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    peaks = sampler.stop()
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return seconds, peaks


# ---------------------------------------------------------------------------------------------
# the parts
# ---------------------------------------------------------------------------------------------


def part_a(unit: str, year: int, work: Path, kernel: str) -> float:
    with OtherLoad() as other:
        total, steps = time_naive(unit, year, work / "naive", kernel)
    print(f"(a) naive chain, 6 × papermill + nbconvert + weasyprint CLI: {total:6.1f} s  "
          f"(papermill {steps['papermill']:.1f}, nbconvert {steps['nbconvert']:.1f}, weasyprint {steps['weasyprint']:.1f}); {other}", flush=True)  # fmt: skip
    return total


def part_b(unit: str, year: int, work: Path, repeat: int) -> tuple[float, dict[int, float]]:
    times, peaks = [], {}
    with OtherLoad() as other:
        for i in range(repeat):
            seconds, p = run_measured(
                [tool("nianbao"), "report", "--unit", unit, "--year", str(year), "--out", str(work / f"report-{i}")]
            )
            times.append(seconds)
            peaks.update(p)
    b = statistics.median(times)
    print(f"(b) nianbao report --unit {unit} --year {year}: {b:6.1f} s  (runs: {', '.join(f'{t:.1f}' for t in times)}; "
          f"worker+kernel peaks {', '.join(f'{m:.0f}' for m in peaks.values())} MB PSS); {other}", flush=True)  # fmt: skip
    return b, peaks


def part_c(work: Path, workers: int) -> tuple[float, dict[int, float]]:
    cmd = [tool("nianbao"), "batch", "--data", "demo", "--units", BATCH_UNITS, "--years", BATCH_YEARS,
           "--workers", str(workers), "--out", str(work / f"batch-{workers}"), "--no-progress", "--force"]  # fmt: skip
    with OtherLoad() as other:
        seconds, peaks = run_measured(cmd)
    print(f"(c) nianbao batch, 20 unit-years, {workers} worker{'s' if workers > 1 else ''}: {seconds:6.1f} s  "
          f"({20 / seconds * 60:.1f} unit-years/min; peak per worker with its kernel: "
          f"{', '.join(f'{m:.0f}' for m in peaks.values())} MB PSS); {other}", flush=True)  # fmt: skip
    return seconds, peaks


def part_d(report_folder: Path) -> tuple[float, float, float]:
    """Run in a child process: the floor must not share this process's imports."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from bench_floor import floor
print(json.dumps(floor({str(report_folder)!r})))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"floor failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    d = result["execute"] + result["pdf"]
    print(f"(d) floor, six sections' code in one warm process + the PDFs of the same report (6 sections, report.pdf): {d:6.1f} s  "
          f"(code {result['execute']:.1f}, PDF {result['pdf']:.1f})", flush=True)  # fmt: skip
    return d, result["execute"], result["pdf"]


def part_demo(work: Path, workers: int = 2) -> tuple[float, dict[int, float]]:
    """Every unit-year of the demo data, all six sections, HTML + PDF + tables + combined report."""
    cmd = [tool("nianbao"), "batch", "--data", "demo", "--workers", str(workers), "--out", str(work / "demo-batch"),
           "--no-progress", "--force"]  # fmt: skip
    with OtherLoad() as other:
        seconds, peaks = run_measured(cmd)
    jobs = len(list((work / "demo-batch").glob("*/*/report.pdf")))
    print(f"(demo) nianbao batch, all {jobs} unit-years of the demo data, {workers} workers: {seconds:6.1f} s "
          f"({seconds // 60:.0f} min {seconds % 60:.0f} s; peak per worker with its kernel: "
          f"{', '.join(f'{m:.0f}' for m in peaks.values())} MB PSS); {other}", flush=True)  # fmt: skip
    return seconds, peaks


def part_e(work: Path, jobs: int) -> float:
    """A batch of ``jobs`` cheap unit-years (part 5 only, HTML), run once, then rerun unchanged."""
    from nianbao.data.store import DataStore
    from nianbao.roots import resolve_data_dir

    store = DataStore(resolve_data_dir("demo"))
    units = store.units()
    years = sorted({y for u in units for y in store.years(u)})
    per_unit = max(1, -(-jobs // len(years)))
    chosen = ",".join(units[:per_unit])
    cmd = [tool("nianbao"), "batch", "--data", "demo", "--units", chosen, "--years", f"{years[0]}-{years[-1]}",
           "--sections", "5", "--formats", "html", "--out", str(work / "rerun"), "--no-progress"]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run(cmd, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
    n = per_unit * len(years)
    assert f"{n} skipped" in proc.stdout, proc.stdout
    e = statistics.median(times)
    print(f"(e) rerun with nothing changed, {n} unit-years, all skipped: {e:5.2f} s  ({e / n * 100:.2f} s per 100 jobs, "
          "the whole command: Python start-up, planning, fingerprints, summary)", flush=True)  # fmt: skip
    return e


def part_profile() -> None:
    code = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from bench_floor import profile_report
profile_report()
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    print(proc.stdout, end="")
    if proc.returncode != 0:
        print(proc.stderr[-3000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", default="shanghai")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--parts", default="a,b,c,d,e,profile")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (b), median reported (default 3)")
    parser.add_argument("--rerun-jobs", type=int, default=150)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    from nianbao.run.notebooks import load_report_spec
    from nianbao.run.report import resolve_kernel

    kernel = resolve_kernel(load_report_spec().kernel)
    ensure_demo()
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    print(f"before: {load()}", flush=True)
    figures: dict[str, float] = {}
    peaks: dict[int, float] = {}
    try:
        if "a" in parts:
            figures["a"] = part_a(args.unit, args.year, work, kernel)
        if "b" in parts or "d" in parts:
            figures["b"], p = part_b(args.unit, args.year, work, args.repeat if "b" in parts else 1)
            peaks.update(p)
        if "c" in parts:
            for n in (1, 2):
                figures[f"c{n}"], p = part_c(work, n)
                peaks.update(p)
        if "d" in parts:
            figures["d"], _, figures["d_pdf"] = part_d(work / "report-0" / args.unit / str(args.year))
        if "e" in parts:
            figures["e"] = part_e(work, args.rerun_jobs)
        if "demo" in parts:
            figures["demo"], p = part_demo(work)
            peaks.update(p)
        if "profile" in parts:
            part_profile()
    finally:
        print(f"after: {load()}")
        if args.keep:
            print(f"outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    print()
    if "a" in figures and "b" in figures:
        print(f"(b)/(a) = {figures['b'] / figures['a']:.3f}  (target ≤ 0.1)")
    if "c1" in figures and "c2" in figures:
        print(f"throughput 2 workers / 1 worker = {figures['c1'] / figures['c2']:.2f}×  (target ≥ 1.7×)")
    if "b" in figures and "d" in figures:
        print(f"(b)/(d) = {figures['b'] / figures['d']:.2f}×  (target ≤ 2.5×)")
    if peaks:
        print(f"peak memory of a worker with its kernel: {max(peaks.values()):.0f} MB PSS  (target ≤ 500 MB)")
    if "demo" in figures:
        print(f"demo batch: {figures['demo'] / 60:.1f} min  (target ≤ 5 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
