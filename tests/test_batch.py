"""nianbao batch, in real kernels and worker processes: skip and force, failure isolation, the job
timeout, retries after a dead kernel or a killed worker, Ctrl-C and resuming, kernels reused
safely, and a real Dask LocalCluster.

Jobs here run one small fixture notebook each (``sections=["3"]``, HTML only, unless a test
needs more), so that a batch costs seconds. ``chaos.ipynb`` behaves according to its unit:
``fail`` raises, ``hang`` sleeps, ``die`` kills its kernel, ``flaky`` kills its kernel the first
time only, ``wkill`` kills its worker process the first time only, ``slow`` takes a few seconds,
``stall`` a minute the first time only, ``busy`` hours in one C call that holds the GIL.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from processes import (
    assert_killed_leaves_nothing,
    assert_stopped_cleanly,
    temporaries,
    tree_of,
)

from nianbao import batch
from nianbao.batch import fingerprint
from nianbao.cli.args import parse_years
from nianbao.errors import NianbaoError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
STEMS = ["01_overview", "02_proactive", "03_applications", "04_review_litigation", "05_problems", "06_other"]
UNITS = ("alpha", "beta", "fail", "hang", "die", "flaky", "wkill", "slow", "stall", "busy")

REGISTRY = """units:
  - {id: demo, name: 示例市, level: city}
  - {id: alpha, name: 甲区, level: district, parent: demo}
  - {id: beta, name: 乙区, level: district, parent: demo}
""" + "".join(f"  - {{id: {u}, name: {u}单位, level: other}}\n" for u in UNITS[2:])

CHAOS = r"""
import itertools, os, pathlib, signal, time
marker = pathlib.Path(data_dir) / f"{unit}.tried"
first_time = not marker.exists()
marker.touch()
if unit == "fail":
    raise ValueError("chaos: this unit fails")
if unit == "hang":
    time.sleep(600)
if unit == "slow":
    time.sleep(6)
if unit == "stall" and first_time:
    time.sleep(60)
if unit == "busy":
    sum(itertools.repeat(1, 10**13))
if unit == "die" or (unit == "flaky" and first_time):
    os.kill(os.getpid(), signal.SIGKILL)
if unit == "wkill" and first_time:
    os.kill(os.getppid(), signal.SIGKILL)
"""

LEAK = r"""
import os, matplotlib
LEAKED = "from the first notebook"
matplotlib.rcParams["axes.titlesize"] = 33
os.chdir("/")
display(HTML(f"<p id='pid'>pid {os.getpid()}</p>"))
"""

CHECK_CLEAN = r"""
import os, matplotlib
problems = []
if "LEAKED" in globals():
    problems.append("a variable of the first notebook is still defined")
if matplotlib.rcParams["axes.titlesize"] == 33:
    problems.append("matplotlib settings of the first notebook are still in force")
if os.getcwd() == "/":
    problems.append("the working folder of the first notebook is still current")
assert not problems, problems
display(HTML(f"<p id='pid'>pid {os.getpid()}</p>"))
"""


def notebook(code: str) -> dict:
    """A notebook with a parameters cell and ``code`` (which may use unit, year, data_dir)."""
    cells = [
        {"id": "parameters", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "execution_count": None, "outputs": [],
         "source": 'unit = "demo"\nyear = 2020\ndata_dir = ""\n'},
        {"id": "code", "cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "from IPython.display import HTML, display\n" + code.strip() + "\n"},
        {"id": "done", "cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": 'display(HTML(f"<h1>第三部分</h1><p>{unit} {year} done</p>"))\n'},
    ]  # fmt: skip
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip


@pytest.fixture
def world(tmp_path):
    """A data folder (registry + one 2020 file per unit, alpha also 2021) and a report whose
    part 3 is the chaos notebook and parts 1 and 2 the kernel-reuse pair."""
    data = tmp_path / "data"
    source = (FIXTURES / "data" / "units" / "demo" / "2020.yaml").read_text(encoding="utf-8")
    for unit in ("demo",) + UNITS:
        for year in (2020, 2021) if unit == "alpha" else (2020,):
            target = data / "units" / unit / f"{year}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                source.replace("unit: demo", f"unit: {unit}").replace("year: 2020", f"year: {year}"), encoding="utf-8"
            )
    (data / "units.yaml").write_text(REGISTRY, encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem in STEMS:
        shutil.copy(FIXTURES / f"{stem}.ipynb", notebooks / f"{stem}.ipynb")
    (notebooks / "03_applications.ipynb").write_text(json.dumps(notebook(CHAOS)), encoding="utf-8")
    (notebooks / "01_overview.ipynb").write_text(json.dumps(notebook(LEAK)), encoding="utf-8")
    (notebooks / "02_proactive.ipynb").write_text(json.dumps(notebook(CHECK_CLEAN)), encoding="utf-8")
    shutil.copy(FIXTURES / "report.toml", notebooks / "report.toml")
    return {"data": data, "spec": notebooks / "report.toml", "out": tmp_path / "out", "root": tmp_path}


def run(world, units, **options):
    options.setdefault("sections", ["3"])
    options.setdefault("formats", ["html"])
    options.setdefault("workers", 1)
    return batch.run_batch(units, [2020], data_dir=world["data"], spec=world["spec"], out=world["out"], **options)


def by_key(result) -> dict:
    return {r.key: r for r in result.results}


def cli(world, *args, **kw) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "batch", "--data", str(world["data"]), "--spec", str(world["spec"]),
            "--out", str(world["out"]), "--sections", "3", "--formats", "html", "--no-progress", *args]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# planning (no kernels)
# ---------------------------------------------------------------------------------------------


def test_plan_units_by_id_name_and_parent(world):
    plan = batch.plan_batch(
        ["乙区", "fail"], None, parents=["示例市"], data_dir=world["data"], spec=world["spec"], out=world["out"]
    )
    assert plan.order == ["alpha/2020", "alpha/2021", "beta/2020", "fail/2020"]
    assert [s.key for s in plan.specs] == plan.order
    plan = batch.plan_batch(["alpha"], [2021, 2022], data_dir=world["data"], spec=world["spec"], out=world["out"])
    assert [s.key for s in plan.specs] == ["alpha/2021"]
    assert [(m.key, m.status) for m in plan.missing] == [("alpha/2022", "no-data")]
    every = batch.plan_batch(None, [2020], data_dir=world["data"], spec=world["spec"], out=world["out"])
    assert len(every.specs) == 1 + len(UNITS)
    with pytest.raises(NianbaoError, match="compiles no units"):
        batch.plan_batch(None, None, parents=["alpha"], data_dir=world["data"], spec=world["spec"])
    with pytest.raises(NianbaoError, match="unknown unit"):
        batch.plan_batch(["nowhere"], None, data_dir=world["data"], spec=world["spec"])


def test_parse_years():
    assert parse_years("2019-2021") == [2019, 2020, 2021]
    assert parse_years("2020, 2022,2020") == [2020, 2022]
    assert parse_years(None) is None
    for bad in ("2021-2019", "20x1", "2020-"):
        with pytest.raises(NianbaoError):
            parse_years(bad)


def test_fingerprint_follows_every_input(world):
    data = world["data"]
    shared = fingerprint.shared_digest(
        [world["spec"].parent / "03_applications.ipynb"], world["spec"], data / "units.yaml"
    )
    params = {"unit": "alpha", "year": 2021, "sections": ["03_applications"]}

    def digest(**kw):
        return fingerprint.job_fingerprint(
            data, "alpha", 2021, shared=kw.get("shared", shared), parameters=kw.get("parameters", params)
        )

    base = digest()
    assert digest() == base
    assert digest(parameters={**params, "formats": ["pdf"]}) != base
    previous = data / "units" / "alpha" / "2020.yaml"  # the previous year is read too
    previous.write_text(previous.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert digest() != base
    (world["spec"].parent / "03_applications.ipynb").write_text("{}", encoding="utf-8")
    changed = fingerprint.shared_digest(
        [world["spec"].parent / "03_applications.ipynb"], world["spec"], data / "units.yaml"
    )
    assert changed != shared
    # a compiled unit-year depends on its members' files
    own = data / "units" / "demo" / "2020.yaml"
    own.write_text(own.read_text(encoding="utf-8") + "compiled_from: [alpha, beta]\n", encoding="utf-8")
    inputs = fingerprint.data_inputs(data, "demo", 2020)
    assert set(inputs) == {
        "units/demo/2020.yaml",
        "units/demo/2019.yaml",
        "units/alpha/2020.yaml",
        "units/beta/2020.yaml",
    }
    assert inputs["units/demo/2019.yaml"] == "absent"


# ---------------------------------------------------------------------------------------------
# skip, force, resume
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_skip_unchanged_rerun_changed_and_force(world):
    first = run(world, ["alpha", "beta"])
    assert first.ok and [r.status for r in first.results] == ["ok", "ok"]
    folder = world["out"] / "alpha" / "2020"
    html = (folder / "03_applications.html").read_text(encoding="utf-8")
    assert "alpha 2020 done" in html
    stamp = json.loads((folder / fingerprint.STAMP).read_text(encoding="utf-8"))
    assert "03_applications.html" in stamp["outputs"] and "03_applications.ipynb" in stamp["outputs"]
    mtime = (folder / "03_applications.html").stat().st_mtime_ns

    again = run(world, ["alpha", "beta"])
    assert [r.status for r in again.results] == ["skipped", "skipped"] and again.ok
    assert (folder / "03_applications.html").stat().st_mtime_ns == mtime  # not rewritten

    data_file = world["data"] / "units" / "beta" / "2020.yaml"
    data_file.write_text(data_file.read_text(encoding="utf-8").replace("示例市", "乙区"), encoding="utf-8")
    (folder / "03_applications.html").unlink()  # an output gone: the job is redone too
    third = run(world, ["alpha", "beta"])
    assert [r.status for r in third.results] == ["ok", "ok"]

    plan = batch.plan_batch(["alpha", "beta"], [2020], data_dir=world["data"], spec=world["spec"], out=world["out"],
                            sections=["3"], formats=["html"])  # fmt: skip
    assert plan.specs == [] and len(plan.skipped) == 2
    forced = batch.plan_batch(["alpha", "beta"], [2020], data_dir=world["data"], spec=world["spec"], out=world["out"],
                              sections=["3"], formats=["html"], rerun=True)  # fmt: skip
    assert [s.key for s in forced.specs] == ["alpha/2020", "beta/2020"]
    other_formats = batch.plan_batch(["alpha"], [2020], data_dir=world["data"], spec=world["spec"], out=world["out"],
                                     sections=["3"], formats=["html", "pdf"])  # fmt: skip
    assert len(other_formats.specs) == 1  # parameters are inputs too


# ---------------------------------------------------------------------------------------------
# failures: isolation, timeout, retry
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_failure_and_hang_do_not_stop_the_others(world):
    proc = subprocess.run(cli(world, "--units", "fail,hang,alpha", "--years", "2020", "--job-timeout", "8", "--workers", "2"),
                          capture_output=True, text=True, timeout=300, cwd=world["root"])  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"^alpha/2020\s+ok\s", out, re.MULTILINE), out
    assert re.search(
        r"^fail/2020\s+failed\s.*03_applications cell 2, line \d+: ValueError: chaos: this unit fails",
        out,
        re.MULTILINE,
    ), out
    assert re.search(r"^hang/2020\s+timeout\s", out, re.MULTILINE), out
    assert "Traceback" not in proc.stderr
    summary = world["out"] / "_batch" / "summary.csv"
    rows = {r["job"]: r for r in csv.DictReader(summary.read_text(encoding="utf-8-sig").splitlines())}
    assert rows["alpha/2020"]["status"] == "ok"
    assert rows["fail/2020"]["status"] == "failed" and "ValueError: chaos" in rows["fail/2020"]["failure"]
    assert rows["hang/2020"]["status"] == "timeout" and float(rows["hang/2020"]["seconds"]) >= 7
    log = Path(rows["fail/2020"]["log"]).read_text(encoding="utf-8")
    assert "03_applications.failed.ipynb" in log and "ValueError" in log
    failed_folder = world["out"] / "fail" / "2020"
    assert (failed_folder / "03_applications.failed.ipynb").exists()
    assert not (failed_folder / "03_applications.html").exists()
    assert not (failed_folder / fingerprint.STAMP).exists()  # so the next batch runs it again
    assert not list(world["out"].rglob(".*.running.ipynb")) and not list(world["out"].rglob(".*.tmp"))


@pytest.mark.slow
def test_dead_kernel_and_killed_worker_are_retried_once(world):
    result = run(world, ["flaky", "wkill", "die", "alpha"], workers=2)
    jobs = by_key(result)
    assert jobs["flaky/2020"].status == "ok" and jobs["flaky/2020"].attempts == 2
    assert jobs["wkill/2020"].status == "ok" and jobs["wkill/2020"].attempts == 2
    assert jobs["die/2020"].status == "failed" and jobs["die/2020"].attempts == 2
    assert "kernel died" in jobs["die/2020"].message
    assert jobs["alpha/2020"].status == "ok" and jobs["alpha/2020"].attempts == 1
    assert not result.ok
    log = (world["out"] / "_batch" / "logs" / "wkill_2020.log").read_text(encoding="utf-8")
    assert "worker process died" in log and "retrying once" in log and "attempt 2" in log
    assert (world["out"] / "wkill" / "2020" / "03_applications.html").exists()
    assert not list(world["out"].rglob(".*.running.ipynb")) and not list(world["out"].rglob(".*.tmp"))


# ---------------------------------------------------------------------------------------------
# Ctrl-C
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_interrupted_batch_leaves_no_partial_outputs_and_resumes(world):
    command = cli(world, "--units", "alpha,slow,beta", "--years", "2020", "--workers", "1")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=world["root"],
                            start_new_session=True)  # fmt: skip
    alpha_stamp = world["out"] / "alpha" / "2020" / fingerprint.STAMP
    marker = world["data"] / "slow.tried"  # the slow job's cell has started
    deadline = time.monotonic() + 120
    while not (alpha_stamp.exists() and marker.exists()) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert alpha_stamp.exists() and marker.exists(), "the batch did not get to the slow job"
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert "interrupted" in stdout and "Traceback" not in stderr, stderr
    slow = world["out"] / "slow" / "2020"
    assert not slow.exists() or [p.name for p in slow.iterdir()] == []  # nothing half-made
    assert not (world["out"] / "beta" / "2020").exists()  # not started
    rows = {
        r["job"]: r["status"]
        for r in csv.DictReader((world["out"] / "_batch" / "summary.csv").read_text(encoding="utf-8-sig").splitlines())
    }
    assert rows == {"alpha/2020": "ok", "slow/2020": "not-run", "beta/2020": "not-run"}

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=world["root"])
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "3 jobs: 2 to run, 1 up to date (skipped)" in resumed.stderr and "3 jobs: 2 ok, 1 skipped" in resumed.stdout
    assert re.search(r"^slow/2020\s+ok\s", resumed.stdout, re.MULTILINE)
    assert (slow / "03_applications.html").exists() and (world["out"] / "beta" / "2020" / fingerprint.STAMP).exists()


def start(world, command: list[str], marker: str, leftovers: list) -> tuple[subprocess.Popen, list]:
    """Start a batch in a session of its own; return it, once ``marker`` exists in the data folder,
    with its workers and kernels."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=world["root"],
                            start_new_session=True)  # fmt: skip
    leftovers.append(psutil.Process(proc.pid))
    deadline = time.monotonic() + 180
    while not (world["data"] / marker).exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert (world["data"] / marker).exists() and proc.poll() is None, "the batch did not get to its job"
    tree = tree_of(proc.pid)
    leftovers.extend(tree)
    return proc, tree


@pytest.mark.slow
def test_killed_batch_takes_its_workers_and_kernels_with_it(world, leftovers):
    proc, tree = start(world, cli(world, "--units", "busy", "--years", "2020", "--workers", "1"), "busy.tried",
                       leftovers)  # fmt: skip
    time.sleep(0.2)  # into the long C call
    assert_killed_leaves_nothing(proc, tree)


@pytest.mark.slow
@pytest.mark.parametrize("stop", ["double-ctrl-c", "sigterm"])
def test_batch_stopped_hard_writes_its_summary_and_resumes(world, stop, leftovers):
    command = cli(world, "--units", "stall,beta", "--years", "2020", "--workers", "1")
    proc, tree = start(world, command, "stall.tried", leftovers)
    assert_stopped_cleanly(proc, tree, stop)
    summary = world["out"] / "_batch" / "summary.csv"
    rows = {r["job"]: r["status"] for r in csv.DictReader(summary.read_text(encoding="utf-8-sig").splitlines())}
    assert rows == {"stall/2020": "not-run", "beta/2020": "not-run"}
    assert temporaries(world["out"]) == []

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=world["root"])
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "2 jobs: 2 ok" in resumed.stdout


# ---------------------------------------------------------------------------------------------
# kernels reused between the sections of a job, safely
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_kernel_is_reused_and_cleaned_between_notebooks(world):
    result = run(world, ["alpha", "beta"], sections=["1", "2"])
    assert result.ok, [r.message for r in result.results]
    pids = set()
    for unit in ("alpha", "beta"):
        folder = world["out"] / unit / "2020"
        pids |= {
            re.search(r"pid (\d+)", (folder / f"{s}.html").read_text(encoding="utf-8")).group(1) for s in STEMS[:2]
        }
        executed = json.loads((folder / "02_proactive.ipynb").read_text(encoding="utf-8"))
        counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
        assert counts[0] == 1  # numbered from 1 again, and (asserted in the notebook) cleaned
    assert len(pids) == 1  # one warm kernel for the four notebooks of the two jobs


TAMPER_IF_ALPHA = r"""
from nianbao.format import schema
from nianbao.rules import metrics
if unit == "alpha":
    metrics.percent.__defaults__ = (0,)  # a rounding setting: shares to whole percents
    schema.UNKNOWN_MARK = "?"  # a module global
"""

VALUES = r"""
import decimal
from nianbao.format import schema
from nianbao.rules import metrics
values = [metrics.percent(11796, 28406), decimal.Decimal(1) / 7, schema.UNKNOWN_MARK]
display(HTML("<p id='values'>" + " | ".join(map(str, values)) + "</p>"))
"""


@pytest.mark.slow
def test_a_job_that_tampers_with_nianbao_changes_no_other_output(world):
    """alpha's part 1 changes nianbao's modules; every part 2 after it (alpha's, then beta's) must
    show what a fresh kernel shows, and alpha's log says what its notebook changed."""
    notebooks = world["spec"].parent
    (notebooks / "01_overview.ipynb").write_text(json.dumps(notebook(TAMPER_IF_ALPHA)), encoding="utf-8")
    (notebooks / "02_proactive.ipynb").write_text(json.dumps(notebook(VALUES)), encoding="utf-8")

    def values(unit: str) -> str:
        page = (world["out"] / unit / "2020" / "02_proactive.html").read_text(encoding="utf-8")
        return re.search(r"<p id=.values.>(.*?)</p>", page).group(1)

    reused = run(world, ["alpha", "beta"], sections=["1", "2"])  # one worker, one kernel at a time
    assert reused.ok, [r.message for r in reused.results]
    fresh = "41.53 | 0.1428571428571428571428571429 | —"  # as in a fresh kernel (tests/test_faults.py)
    assert values("alpha") == values("beta") == fresh
    log = (world["out"] / "_batch" / "logs" / "alpha_2020.log").read_text(encoding="utf-8")
    assert "changed nianbao's module state: nianbao.format.schema.UNKNOWN_MARK, nianbao.rules.metrics.percent" in log


def test_kernel_slot_replaces_a_kernel_after_a_failure_and_after_max_uses():
    from nianbao.run.kernels import KernelSlot

    slot = KernelSlot("python3", start=False, max_uses=2)

    class Used:  # stands for a WarmKernel: only its use count matters here
        def __init__(self, uses):
            self.uses, self.closed = uses, False

        def close(self):
            self.closed = True

    renewed = []
    slot.renew = lambda: renewed.append(True)
    slot.kernel = Used(1)
    slot.release(ok=True)
    assert renewed == []
    slot.release(ok=False)
    assert renewed == [True]
    slot.kernel = Used(2)
    slot.release(ok=True)
    assert renewed == [True, True]


# ---------------------------------------------------------------------------------------------
# a whole job, with PDF and the combined report
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_full_job_writes_what_nianbao_report_writes(world, tmp_path):
    for stem in STEMS:  # the real fixture notebooks, all six parts
        shutil.copy(FIXTURES / f"{stem}.ipynb", world["spec"].parent / f"{stem}.ipynb")
    result = batch.run_batch(["beta"], [2020], data_dir=world["data"], spec=world["spec"], out=world["out"], workers=1)
    assert result.ok, [r.message for r in result.results]
    folder = world["out"] / "beta" / "2020"
    for stem in STEMS:
        for ext in ("ipynb", "html", "pdf"):
            assert (folder / f"{stem}.{ext}").stat().st_size > 0
    assert (folder / "report.pdf").stat().st_size > 0 and (folder / "report.html").exists()
    stamp = json.loads((folder / fingerprint.STAMP).read_text(encoding="utf-8"))
    assert {"report.pdf", "report.html", "03_applications.pdf"} <= set(stamp["outputs"])
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != fingerprint.STAMP]
    peaks = list(result.peaks.values())
    assert peaks and all(worker > 0 and kernel > 0 for worker, kernel in peaks)


# ---------------------------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_batch_on_a_dask_local_cluster(world):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        worker_pids = set()
        with distributed.Client(cluster) as client:
            worker_pids = set(client.run(os.getpid).values())
        result = batch.run_batch(["alpha", "beta", "fail"], [2020], data_dir=world["data"], spec=world["spec"],
                                 out=world["out"], sections=["3"], formats=["html"], scheduler=cluster.scheduler_address)  # fmt: skip
    jobs = by_key(result)
    assert result.backend == "dask" and result.workers == 2
    assert jobs["alpha/2020"].status == "ok" and jobs["beta/2020"].status == "ok"
    assert jobs["fail/2020"].status == "failed" and "ValueError: chaos" in jobs["fail/2020"].message
    ran_in = {r.worker_pid for r in result.results}
    assert ran_in <= worker_pids and os.getpid() not in ran_in  # in the cluster's worker processes
    assert "beta 2020 done" in (world["out"] / "beta" / "2020" / "03_applications.html").read_text(encoding="utf-8")
    assert (world["out"] / "alpha" / "2020" / fingerprint.STAMP).exists()


# ---------------------------------------------------------------------------------------------
# progress and summary (no kernels)
# ---------------------------------------------------------------------------------------------


def test_progress_bar_and_summary_table(world):
    import io

    from nianbao.batch.jobs import JobResult, JobSpec
    from nianbao.batch.progress import Progress, clock

    plan = batch.plan_batch(
        ["alpha", "beta", "fail"], [2020, 2021], data_dir=world["data"], spec=world["spec"], out=world["out"]
    )
    stream = io.StringIO()
    progress = Progress(stream, bar=True)
    progress("plan", plan)
    assert "6 jobs: 4 to run, 0 up to date (skipped), 2 without data" in stream.getvalue()
    for spec in plan.specs[:2]:
        progress("start", spec)
    assert progress.time_left() is None and "left ?" in progress.status()
    ok = JobResult("alpha", 2020, "ok", 4.0)
    bad = JobResult("fail", 2020, "failed", 2.0, message="03_applications cell 2, line 7: ValueError: chaos")
    progress("end", ok)
    progress("end", bad)
    status = progress.status()
    assert "4/6" in status and "done 1 · failed 1 · skipped 2 · running 0" in status
    assert progress.time_left() is not None and "left ?" not in status
    text = stream.getvalue()
    assert "fail/2020" in text and "ValueError: chaos" in text and "\r" in text  # tqdm redraws its bar in place
    assert clock(75) == "1:15" and clock(3725) == "1:02:05"

    result = batch.BatchResult([ok, bad, *plan.missing], 6.5, world["out"], workers=2)
    table = batch.format_table(result)
    assert table[0].split() == ["job", "status", "time", "failure"]
    assert any(line.startswith("fail/2020") and "ValueError: chaos" in line for line in table)
    assert table[-1] == "4 jobs: 1 ok, 1 failed, 2 no-data in 6.5s (2 local workers)"
    summary = batch.write_summary(result, world["out"] / "summary.csv")
    rows = list(csv.DictReader(summary.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["status"] for r in rows] == ["ok", "failed", "no-data", "no-data"]
    assert rows[1]["failure"].endswith("ValueError: chaos") and rows[0]["seconds"] == "4.0"
    assert isinstance(plan.specs[0], JobSpec) and not result.ok


@pytest.mark.slow
def test_worker_stuck_past_the_timeout_is_stopped(world, monkeypatch):
    """The worker bounds each cell by the job's time left; a worker stuck elsewhere is killed by
    the pool once the timeout and its grace have passed (here no grace at all)."""
    from nianbao.batch import pool

    monkeypatch.setattr(pool, "GRACE", -1.5)
    plan = batch.plan_batch(["slow", "alpha"], [2020], data_dir=world["data"], spec=world["spec"], out=world["out"],
                            sections=["3"], formats=["html"], job_timeout=2)  # fmt: skip
    results = {r.key: r for r in pool.LocalPool(1, plan.kernel).run(plan.specs)}
    assert results["slow/2020"].status == "timeout" and "its worker was stopped" in results["slow/2020"].message
    assert results["alpha/2020"].status in ("ok", "timeout")  # a new worker took it (its 2 s include start-up)
    assert not list(world["out"].rglob(".*.running.ipynb"))


@pytest.mark.slow
def test_data_with_rule_errors_fails_its_job_unless_told(world, project_root):
    text = (project_root / "data" / "units" / "shanghai" / "2020.yaml").read_text(encoding="utf-8")
    broken = text.replace("unit: shanghai", "unit: broken").replace(
        "[~, ~, ~, ~, ~, ~, 2124]", "[~, ~, ~, ~, ~, ~, 2125]"
    )
    assert broken.count("2125") == 1  # 结转下年度 no longer balances
    target = world["data"] / "units" / "broken" / "2020.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(broken, encoding="utf-8")
    refused = run(world, ["broken", "alpha"])
    jobs = by_key(refused)
    assert jobs["broken/2020"].status == "failed" and "rule error" in jobs["broken/2020"].message
    assert "--continue-on-errors" in jobs["broken/2020"].message and jobs["alpha/2020"].status == "ok"
    assert not (world["out"] / "broken" / "2020" / "03_applications.html").exists()
    built = run(world, ["broken"], check_data=False)
    assert built.ok and (world["out"] / "broken" / "2020" / "03_applications.html").exists()
