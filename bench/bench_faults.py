"""What issue 10's faults cost and how fast they are undone. Not a test.

1. **Children dying with their parent.** (a) A parent process starts a kernel (through
   :class:`nianbao.run.kernels.WarmKernel`) and is killed with SIGKILL, the kernel idle or busy
   in a C call that holds the GIL: the time until the kernel is gone, with nianbao's launcher
   (``PR_SET_PDEATHSIG``) and with ipykernel's parent poller alone. (b) ``nianbao report`` killed
   with SIGKILL while part 1 is busy that way: the time until every worker and kernel is gone.
2. **The kernel-state guard.** The real report's six sections run in one IPython shell with the
   warm imports, :func:`nianbao.run.kernel_state.restore` between them: its time per notebook,
   and within it the fingerprint of nianbao's modules.

    .venv/bin/python bench/bench_faults.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
BUSY = "import itertools\nsum(itertools.repeat(1, 10**13))"  # hours in one C call holding the GIL

PARENT = """
import sys, time
from nianbao.run import kernels, lifeline
if sys.argv[1] == "poller":
    lifeline.bound_command = list  # ipykernel's parent poller alone
kernel = kernels.WarmKernel("nianbao", imports=())
kernel.manager()
if sys.argv[2] == "busy":
    kernel._client.execute(sys.argv[3])
    time.sleep(0.5)
print(kernel.pid, flush=True)
time.sleep(3600)
"""


def gone_after(processes: list[psutil.Process], limit: float = 30.0) -> float | None:
    """Seconds until every process has ended (zombies count as ended); None if some outlive ``limit``."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        running = []
        for p in processes:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    running.append(p)
            except psutil.NoSuchProcess:
                pass
        if not running:
            return time.perf_counter() - started
        time.sleep(0.005)
    for p in processes:
        try:
            p.kill()
        except psutil.Error:
            pass
    return None


def kernel_death(mode: str, state: str) -> float | None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, mode, state, BUSY], stdout=subprocess.PIPE, text=True)
    kernel = psutil.Process(int(parent.stdout.readline()))
    parent.kill()
    parent.wait()
    return gone_after([kernel])


def report_death(work: Path) -> float | None:
    notebooks = work / "notebooks"
    shutil.copytree(FIXTURES, notebooks, dirs_exist_ok=True)
    nb = json.loads((FIXTURES / "01_overview.ipynb").read_text(encoding="utf-8"))
    nb["cells"].insert(1, {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "id": "busy",
                           "source": f"open('{work}/started', 'w').close()\n{BUSY}"})  # fmt: skip
    (notebooks / "01_overview.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (work / "started").unlink(missing_ok=True)
    command = [sys.executable, "-m", "nianbao.cli", "report", "--unit", "demo", "--year", "2020", "--data",
               str(notebooks / "data"), "--spec", str(notebooks / "report.toml"), "--out", str(work / "out"),
               "--sections", "1,2", "--formats", "html"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    while not (work / "started").exists():
        time.sleep(0.05)
    time.sleep(0.3)
    tree = psutil.Process(proc.pid).children(recursive=True)
    proc.kill()
    proc.wait()
    return gone_after(tree)


def guard_cost(repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds per notebook: restore() as a whole, and the fingerprint within it."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from nianbao.run import kernel_state, kernels, module_state
    from nianbao.run.notebooks import load_report_spec

    for name in kernels.WARM_IMPORTS:
        __import__(name)
    shell = InteractiveShell.instance()
    kernel_state.snapshot()
    parameters = 'unit = "shanghai"\nyear = 2020\ndata_dir = ""\n'
    restores, prints = [], []
    for _ in range(repeat):
        for section in load_report_spec().sections:
            nb = json.loads(section.notebook.read_text(encoding="utf-8"))
            cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
            for source in [cells[0], parameters, *cells[1:]]:
                with capture_output():
                    shell.run_cell(source, store_history=False)
            started = time.perf_counter()
            kernel_state.restore()  # raises StateChanged if the real notebooks changed nianbao
            restores.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            module_state.fingerprint()
            prints.append((time.perf_counter() - started) * 1000)
    return restores, prints


def describe(times: list[float | None], unit: str = "s") -> str:
    done = [t for t in times if t is not None]
    left = len(times) - len(done)
    text = f"median {statistics.median(done):.3f} {unit}, max {max(done):.3f} {unit}" if done else "never"
    return text + (f"; {left} of {len(times)} still alive after 30 s" if left else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    print("1a. a kernel after its parent is killed (SIGKILL):")
    for mode in ("launcher", "poller"):
        for state in ("idle", "busy"):
            print(f"    {mode:<8} {state}: {describe([kernel_death(mode, state) for _ in range(repeat)])}")
    with tempfile.TemporaryDirectory() as work:
        times = [report_death(Path(work)) for _ in range(repeat)]
    print(f"1b. nianbao report killed mid-cell: every worker and kernel gone: {describe(times)}")
    restores, prints = guard_cost(repeat)
    print(f"2. per notebook: restore {describe(restores, 'ms')}; of which the fingerprint {describe(prints, 'ms')}")


if __name__ == "__main__":
    main()
