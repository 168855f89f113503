"""How fast `nianbao audit` reads, and how much memory it takes, on ordinary and on hostile inputs.
Not a test: it prints what it measured.

    .venv/bin/python bench/bench_audit.py [--quick]

Cases, each run in a fresh process on one core (its peak resident memory is the process's):

Times are wall-clock and CPU (the CPU time is what one core spent; on a busy machine the wall
time is longer).

- corpus     200 text pages (the audit corpus's plain-text reports, cycled): time per page
- linear     narrative-only texts of 0.5, 1, 2 and 5 MB (a city report's paragraphs repeated):
             time and time per MB, which stays flat when the work is linear in the input
- big-20MB   a 20 MB text (the size limit the issue names: under 30 s and 1 GB)
- spans      a 表二 whose every cell claims rowspan and colspan far beyond the table (about 400 KB)
- tables     a page of 5,000 tables (the audit refuses it: its error line's length is shown)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "audit_corpus"
CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from nianbao.audit import audit_file
    from nianbao.errors import NianbaoError
    paths = sys.argv[1:]
    times, cpu, error = [], [], None
    for path in paths:
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            audit_file(path)
        except NianbaoError as exc:
            error = str(exc)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"times": times, "cpu": cpu, "peak_mb": peak, "error": error}))
    """
)


def run(paths: list[Path]) -> dict:
    """Audit the files in a fresh process pinned to one core; its times and peak memory."""
    cmd = [sys.executable, "-c", CHILD, *map(str, paths)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd] if _has("taskset") else cmd
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _has(tool: str) -> bool:
    return any((Path(p) / tool).exists() for p in os.environ.get("PATH", "").split(os.pathsep))


def corpus_pages(folder: Path, n: int = 200) -> list[Path]:
    texts = sorted(CORPUS.glob("[0-9][0-9][0-9]_*.txt"))
    out = []
    for i in range(n):
        path = folder / f"page_{i:03d}.txt"
        path.write_bytes(texts[i % len(texts)].read_bytes())
        out.append(path)
    return out


def narrative_text(folder: Path, megabytes: float) -> Path:
    source = (CORPUS / "008_city_noheadings_2021.txt").read_text(encoding="utf-8").splitlines()
    title, body = source[0], "\n".join(source[1:]) + "\n"
    copies = max(1, int(megabytes * 1_000_000 / len(body.encode("utf-8"))))
    path = folder / f"narrative_{megabytes}MB.txt"
    path.write_text(title + "\n" + body * copies, encoding="utf-8")
    return path


def spans_page(folder: Path, rows: int = 3000) -> Path:
    """A 表二 of ``rows`` rows in which every label cell claims rowspan=100000, colspan=99999."""
    head = "<tr><td>项目</td>" + "".join(f"<td>{c}</td>" for c in ("自然人", "商业企业", "科研机构", "社会公益组织",
                                                                   "法律服务机构", "其他", "总计")) + "</tr>"  # fmt: skip
    row = '<tr><td rowspan="100000" colspan="99999">一、本年新收政府信息公开申请数量</td>' + "<td>1</td>" * 7 + "</tr>"
    path = folder / "spans.html"
    path.write_text(f"<html><body><p>2023年示例区政府信息公开工作年度报告</p><table>{head}{row * rows}</table></body></html>",
                    encoding="utf-8")  # fmt: skip
    return path


def many_tables(folder: Path, n: int = 5000) -> Path:
    table = (
        "<table><tr><td>行政复议</td><td>尚未审结</td><td>总计</td></tr><tr><td>0</td><td>0</td><td>0</td></tr></table>"
    )
    path = folder / "tables.html"
    path.write_text(f"<html><body>{table * n}</body></html>", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 20 MB text")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-audit-") as tmp:
        folder = Path(tmp)
        pages = corpus_pages(folder)
        r = run(pages)
        per_page, per_page_cpu = sum(r["times"]) / len(pages), sum(r["cpu"]) / len(pages)
        print(f"corpus   {len(pages)} text pages: {per_page * 1000:.1f} ms per page, CPU {per_page_cpu * 1000:.1f} ms "
              f"(max {max(r['times']) * 1000:.0f} ms), peak {r['peak_mb']:.0f} MB")  # fmt: skip
        for mb in (0.5, 1, 2, 5):
            path = narrative_text(folder, mb)
            r = run([path])
            size = path.stat().st_size / 1e6
            print(f"linear   {size:5.2f} MB text: {r['times'][0]:6.2f} s, CPU {r['cpu'][0]:6.2f} s "
                  f"({r['cpu'][0] / size:.2f} CPU s/MB), peak {r['peak_mb']:.0f} MB")  # fmt: skip
        if not args.quick:
            path = narrative_text(folder, 20)
            r = run([path])
            print(
                f"big      {path.stat().st_size / 1e6:5.1f} MB text: {r['times'][0]:6.2f} s, CPU {r['cpu'][0]:6.2f} s, "
                f"peak {r['peak_mb']:.0f} MB"
            )
        path = spans_page(folder)
        r = run([path])
        print(f"spans    {path.stat().st_size / 1e3:.0f} KB page, spans beyond the table: {r['times'][0]:.2f} s, "
              f"peak {r['peak_mb']:.0f} MB")  # fmt: skip
        path = many_tables(folder)
        r = run([path])
        print(f"tables   {path.stat().st_size / 1e3:.0f} KB page of 5,000 tables: {r['times'][0]:.2f} s, "
              f"peak {r['peak_mb']:.0f} MB, error line of {len(r['error'] or '')} characters")  # fmt: skip
        print(f"         {r['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
