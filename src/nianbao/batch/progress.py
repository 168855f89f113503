"""The batch's progress display: a line per finished job, and a bar with the time left.

On a terminal the bar is redrawn in place below the job lines; elsewhere (a log file, CI) only
the job lines are printed. The time left is the jobs not finished times the mean time of the
jobs finished so far, divided by the number of jobs that run at once.
"""

from __future__ import annotations

import sys
from typing import TextIO

from nianbao.batch.jobs import FAILED, OK, SKIPPED, TIMEOUT

BAR_WIDTH = 24


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
        self._drawn = False

    # events ------------------------------------------------------------------------------------

    def __call__(self, kind: str, payload) -> None:
        getattr(self, f"on_{kind}")(payload)

    def on_plan(self, plan) -> None:
        self.total = plan.total
        self.skipped = len(plan.skipped) + len(plan.missing)
        self.to_run = len(plan.specs)
        self._line(f"{plan.total} jobs: {len(plan.specs)} to run, {len(plan.skipped)} up to date (skipped)"
                   + (f", {len(plan.missing)} without data" if plan.missing else ""))  # fmt: skip
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
        filled = int(BAR_WIDTH * finished / self.total) if self.total else BAR_WIDTH
        left = self.time_left()
        return (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {finished}/{self.total}  "
            f"done {self.done} · failed {self.failed} · skipped {self.skipped} · running {self.running}  "
            f"left {clock(left) if left is not None else '?'}"
        )

    def draw(self) -> None:
        if not self.bar:
            return
        self.stream.write("\r\x1b[2K" + self.status())
        self.stream.flush()
        self._drawn = True

    def _line(self, text: str) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
