"""What a corpus run shows while it runs: on a terminal a tqdm bar (files done, failed, reused,
the rate and the time left); elsewhere (a log, CI) a line every tenth of the files and a line per
failed file."""

from __future__ import annotations

import sys
from typing import TextIO

from nianbao.audit.corpus.task import Done, Task


class Progress:
    def __init__(self, stream: TextIO | None = None, bar: bool | None = None):
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self.total = self.to_audit = self.done = self.failed = 0
        self._tqdm = None
        self._next_line = 0

    def plan(self, files: int, to_audit: int, reused: int, unreadable: int) -> None:
        self.total, self.to_audit = files, to_audit
        self.line(f"{files} files: {to_audit} to audit, {reused} unchanged since they were audited (reused)"
                  + (f", {unreadable} unreadable" if unreadable else ""))  # fmt: skip
        if self.bar and to_audit:
            from tqdm import tqdm

            self._tqdm = tqdm(total=to_audit, file=self.stream, unit="file", dynamic_ncols=True, leave=False,
                              bar_format="{bar:24} {n_fmt}/{total_fmt} {rate_fmt}  {postfix}  left {remaining}")  # fmt: skip
        self._next_line = max(1, to_audit // 10)

    def finished(self, task: Task, done: Done) -> None:
        self.done += 1
        if not done.entry.ok:
            self.failed += 1
            self.line(f"failed  {task.path}: {done.entry.facts.get('reason')}")
        if self._tqdm is not None:
            self._tqdm.set_postfix_str(f"failed {self.failed}", refresh=False)
            self._tqdm.update(1)
        elif self.done >= self._next_line or self.done == self.to_audit:
            self.line(f"{self.done}/{self.to_audit} audited, {self.failed} failed")
            self._next_line = self.done + max(1, self.to_audit // 10)

    def line(self, text: str) -> None:
        from nianbao.batch.progress import write_line

        write_line(self._tqdm, self.stream, text)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
