"""The batch's progress display: a line per finished job, and a tqdm bar with the time left.

On a terminal the bar (tqdm) stays below the job lines; elsewhere (a log file, CI) only the job
lines are printed. The time left is the jobs not finished times the mean time of the jobs
finished so far, divided by the number of jobs that run at once (tqdm's own rate would count
the skipped jobs, which take no time).
"""

from __future__ import annotations

import sys
from typing import TextIO

from nianbao.batch.jobs import FAILED, OK, SKIPPED, TIMEOUT


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Follows a batch through :func:`nianbao.batch.execute_plan`'s events."""

    def __init__(self, stream: TextIO | None = None, bar: bool | None = None, workers: int | None = None):
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self.workers = workers  # jobs that run at once, when known (else: the most seen running)
        self.total = self.done = self.failed = self.skipped = self.running = 0
        self.to_run = 0
        self.most_running = 0
        self.durations: list[float] = []
        self._tqdm = None

    # events ------------------------------------------------------------------------------------

    def __call__(self, kind: str, payload) -> None:
        getattr(self, f"on_{kind}")(payload)

    def on_plan(self, plan) -> None:
        self.total = plan.total
        self.skipped = len(plan.skipped) + len(plan.missing)
        self.to_run = len(plan.specs)
        self._line(f"{plan.total} jobs: {len(plan.specs)} to run, {len(plan.skipped)} up to date (skipped)"
                   + (f", {len(plan.missing)} without data" if plan.missing else ""))  # fmt: skip
        if self.bar:
            from tqdm import tqdm

            self._tqdm = tqdm(total=self.total, initial=self.skipped, file=self.stream, dynamic_ncols=True,
                              bar_format="{bar:24} {n_fmt}/{total_fmt}  {postfix}", leave=False)  # fmt: skip
        self.draw()

    def on_start(self, spec) -> None:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        self.draw()

    def on_retry(self, result) -> None:
        self.running -= 1
        self._line(f"{result.key:<24} retrying: {result.message.splitlines()[0] if result.message else ''}")
        self.draw()

    def on_end(self, result) -> None:
        self.running -= 1
        if result.status in (OK, FAILED, TIMEOUT):
            self.durations.append(result.seconds)
        if result.status == OK:
            self.done += 1
        elif result.status in (FAILED, TIMEOUT):
            self.failed += 1
        elif result.status == SKIPPED:
            self.skipped += 1
        text = f"{result.key:<24} {result.status:<8} {result.seconds:6.1f}s"
        if result.status in (FAILED, TIMEOUT) and result.message:
            text += f"  {result.message.splitlines()[0]}"
        if result.attempts > 1:
            text += " (retried)"
        self._line(text)
        if self._tqdm is not None:
            self._tqdm.update(1)
        self.draw()

    # drawing -----------------------------------------------------------------------------------

    def time_left(self) -> float | None:
        if not self.durations:
            return None
        at_once = max(1, min(self.most_running, self.workers or self.most_running))
        mean = sum(self.durations) / len(self.durations)
        return mean * max(0, self.to_run - self.done - self.failed) / at_once

    def status(self) -> str:
        finished = self.done + self.failed + self.skipped
        left = self.time_left()
        return (
            f"{finished}/{self.total}  done {self.done} · failed {self.failed} · skipped {self.skipped} · "
            f"running {self.running}  left {clock(left) if left is not None else '?'}"
        )

    def draw(self) -> None:
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(self.status().split("  ", 1)[1], refresh=True)

    def _line(self, text: str) -> None:
        write_line(self._tqdm, self.stream, text)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None


def write_line(bar, stream, text: str) -> None:
    """A line of text above the progress bar ``bar`` (a tqdm, or None: plain lines)."""
    if bar is not None:
        bar.write(text, file=stream)
    else:
        stream.write(text + "\n")
        stream.flush()
