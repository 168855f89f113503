"""Kernels started ahead and reused safely: the per-notebook fixed cost taken out of a worker.

A fresh kernel costs about 1 s of CPU before the notebook's own work begins, as much as running
a report section: the kernel process starts (≈0.5 s on the 2-core test machine), then the
notebook imports pandas, matplotlib and seaborn (≈0.5 s). A worker therefore keeps one
:class:`WarmKernel` at hand:

* it is *started ahead*: launched, and told to import the heavy libraries, as soon as the
  previous one is retired, so that its start-up overlaps the worker's own work (exporting
  HTML and PDF of the notebook just run);
* it is *reused safely*: between two notebooks, :mod:`nianbao.run.kernel_state` restores what a
  notebook may change (the user namespace, matplotlib's and pandas' settings, warnings, the
  working folder, ``sys.path``, environment variables, the decimal context, the execution
  counter), so each notebook starts as in a new kernel, only with the libraries already
  imported. The restoring runs in the kernel while the worker exports the notebook just run, and
  the notebooks share one connected client. What cannot be restored, a change to the state of
  nianbao's own modules, is detected there; the worker then replaces the kernel
  (:meth:`KernelSlot.settle`) and the notebook that made the change is told so;
* it is *retired* after a failure (a cell that raised, a timeout, a dead kernel: its state is
  unknown) and after :data:`MAX_USES` notebooks (so that whatever a notebook leaves in memory
  cannot pile up), and the next one is started at once.

The kernel talks over Unix sockets with a unique name (see :func:`kernel_config`), writes its
stderr to a log of its own, whose tail goes into failure messages, keeps no IPython history (an
executed notebook holds only what its own cells produced; kernels sharing IPython's history
database print errors into cells), and dies with the worker that started it
(:mod:`nianbao.run.lifeline`).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
import time
import uuid

from nianbao.atomic import writer, writer_gone
from nianbao.errors import NianbaoError
from nianbao.run import lifeline

#: Imported in a new kernel before it is handed out: what the report notebooks import anyway.
WARM_IMPORTS = (
    "pandas",
    "matplotlib.pyplot",
    "seaborn",
    "nianbao.content.section",
    "nianbao.content.charts",
    "nianbao.content.prose",
    "nianbao.content.summaries",
    "nianbao.content.tables",
    "nianbao.content.comparison",
)

START_TIMEOUT = 120  # seconds a kernel may take to start and import WARM_IMPORTS
MAX_USES = 30  # notebooks one kernel runs before it is replaced (five unit-years of six parts)
#: Added to the kernel's command: no IPython history (its SQLite database is shared by kernels).
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


#: The largest peak resident memory (MB) of the kernels this process has retired.
retired_peak_mb = 0.0


def peak_rss_mb(pid: int | None) -> float:
    """A process's peak resident memory in MB (Linux: VmHWM in /proc; elsewhere 0)."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


class KernelStartError(NianbaoError):
    """A kernel did not start, or failed while importing the libraries it is warmed with."""


def kernel_config():
    """Talk to the kernel over Unix sockets where possible: no TCP ports, nothing for others to read.

    (Over TCP, ipykernel also warns on stderr about the unencrypted channel for every kernel.)
    Each kernel gets its own socket name in the Jupyter runtime folder (private to the user):
    jupyter_client's default, ``kernel-ipc`` in the working directory, would put sockets into
    whatever folder we run in and would be shared by kernels running at the same time. Unix socket
    paths are limited to 107 bytes, so a very long runtime folder keeps TCP. The sockets and the
    connection file are named after this process (``nianbao-<host>-<pid>-<random>``), so that
    those of a process killed before it could remove them are removed later
    (:func:`remove_stale_runtime_files`).
    """
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets.config import Config

    runtime = jupyter_runtime_dir()
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    remove_stale_runtime_files(runtime)
    name = os.path.join(runtime, f"nianbao-{writer()}-{uuid.uuid4().hex[:8]}")
    config = {"connection_file": f"{name}.json"}
    if os.name == "posix" and len(name.encode()) + 3 <= 107:  # sockets <name>-1 … <name>-5
        config.update(transport="ipc", ip=name)
    return Config({"KernelManager": config})


_RUNTIME_FILE = re.compile(r"^nianbao-(?P<host>[A-Za-z0-9-]+)-(?P<pid>\d+)-[0-9a-f]{8}(-\d+|\.json)$")


@functools.cache
def remove_stale_runtime_files(runtime: str) -> list[str]:
    """Remove the kernels' sockets and connection files that a killed worker left in ``runtime``
    (once per process and folder); returns their names."""
    removed = []
    try:
        entries = list(os.scandir(runtime))
    except OSError:
        return removed
    for entry in entries:
        match = _RUNTIME_FILE.match(entry.name)
        if match is not None and writer_gone(match["host"], int(match["pid"])):
            try:
                os.unlink(entry.path)
                removed.append(entry.name)
            except OSError:
                pass
    return removed


def _warm_code(imports: tuple[str, ...]) -> str:
    lines = [f"import {name}" for name in imports]
    lines.append("import nianbao.run.kernel_state as _nianbao_kernel_state")
    lines.append("_nianbao_kernel_state.snapshot()")
    lines.append("del _nianbao_kernel_state")
    return "\n".join(lines)


RESTORE_CODE = "import nianbao.run.kernel_state as _nianbao_kernel_state\n_nianbao_kernel_state.restore()"


@functools.lru_cache(maxsize=1)
def _manager_class():
    """jupyter_client's kernel manager, launching kernels that die with this process."""
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return lifeline.bound_command(super().format_kernel_cmd(extra_arguments))

        async def _async_wait(self, pollinterval: float = 0.1) -> None:
            # a killed kernel is gone within milliseconds: look every 10 ms, not every 100 ms
            # (jupyter_client's default made stopping a kernel take 0.1 s at the end of every run)
            await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    return Manager


async def _until_ready(client, timeout: float) -> None:
    """Wait until ``client`` (an asynchronous kernel client) is connected to its kernel: the
    kernel answers ``kernel_info`` on the shell channel, and its 'idle' status after that request
    arrives on IOPub, which shows that the IOPub subscription is live (a subscriber that connects
    late misses what was published before; then ask again). RuntimeError after ``timeout``."""
    from queue import Empty

    from jupyter_core.utils import ensure_async

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg_id = client.kernel_info()
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            if not await client._async_is_alive():
                raise RuntimeError("the kernel died before it answered") from None
            continue
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        try:
            while True:
                msg = await ensure_async(client.iopub_channel.get_msg(timeout=0.5))
                if (
                    msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg.get("msg_type") == "status"
                    and msg.get("content", {}).get("execution_state") == "idle"
                ):
                    client._handle_kernel_info_reply(reply)
                    return
        except Empty:
            continue  # IOPub was not connected yet: ask again
    raise RuntimeError(f"the kernel did not answer within {timeout:.0f} s")


class WarmKernel:
    """One kernel process, started at construction; :meth:`manager` waits until it is warm."""

    def __init__(self, kernel_name: str, imports: tuple[str, ...] = WARM_IMPORTS):
        from jupyter_core.utils import run_sync

        self.kernel_name = kernel_name
        self.uses = 0
        self.log = tempfile.TemporaryFile(prefix="nianbao-kernel-")
        self.km = _manager_class()(kernel_name=kernel_name, config=kernel_config())
        self.km.log.setLevel(logging.ERROR)  # its "kernel restarted" chatter is ours to report
        self.started = time.perf_counter()
        run_sync(self.km.start_kernel)(stdout=self.log, stderr=self.log, extra_arguments=list(KERNEL_ARGUMENTS))
        self._client = self._blocking_client()
        self._async_client = None
        self._pending = self._client.execute(_warm_code(imports), silent=True, store_history=False)

    def _blocking_client(self):
        from jupyter_client.blocking import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(self.km.get_connection_info())
        client.session.key = self.km.session.key
        client.start_channels(iopub=False, stdin=False, hb=False)
        return client

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def _wait(self, msg_id: str, what: str, timeout: float) -> dict:
        """The content of the kernel's reply to ``msg_id``; KernelStartError if none comes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelStartError(f"the kernel did not finish {what} within {timeout:.0f} s{self.tail()}")
            try:
                reply = self._client.get_shell_msg(timeout=min(left, 1.0))
            except Exception:  # queue.Empty: nothing yet
                if not self.alive():
                    raise KernelStartError(f"the kernel died while {what}{self.tail()}") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return reply["content"]

    def settle(self, timeout: float = START_TIMEOUT) -> str | None:
        """Wait until the kernel is warm, or clean again after :meth:`reset`. Returns None when it
        is ready for a notebook; else why it is not (the notebook before changed nianbao's module
        state, or the reset failed). KernelStartError when warming up fails."""
        if self._pending is None:
            return None
        msg_id, self._pending = self._pending, None
        what = "warming up" if self.uses == 0 else "resetting"
        try:
            content = self._wait(msg_id, what, timeout)
        except KernelStartError as exc:
            if self.uses == 0:
                raise
            return str(exc)
        if content.get("status") == "ok":
            return None
        message = f"{content.get('ename')}: {content.get('evalue')}"
        if self.uses == 0:
            raise KernelStartError(f"{what} failed in the kernel: {message}")
        return str(content.get("evalue")) if content.get("ename") == "StateChanged" else f"{what} failed: {message}"

    def manager(self, timeout: float = START_TIMEOUT):
        """The kernel's manager, once the kernel is warm (see :meth:`settle`)."""
        problem = self.settle(timeout)
        if problem is not None:
            raise KernelStartError(f"the kernel cannot run another notebook: {problem}")
        self.uses += 1
        return self.km

    def client(self, timeout: float = START_TIMEOUT):
        """The asynchronous client that notebooks run through, connected once per kernel.

        A new client per notebook (nbclient's way) waits for the kernel to answer and then at
        least 0.2 s more for its IOPub channel to go quiet: idle time in every notebook. This one
        is connected once, and ready as soon as the kernel's answer and the 'idle' that follows
        it on IOPub have arrived (:func:`_until_ready`).
        """
        from jupyter_core.utils import run_sync

        if self._async_client is None:
            client = self.km.client()
            client.start_channels()
            try:
                run_sync(_until_ready)(client, timeout)
            except RuntimeError as exc:
                client.stop_channels()
                raise KernelStartError(f"the kernel does not answer: {exc}{self.tail()}") from None
            client.allow_stdin = False
            self._async_client = client
        return self._async_client

    def reset(self) -> None:
        """Ask the kernel to restore its state as it was when warm (waited for in :meth:`manager`)."""
        self._pending = self._client.execute(RESTORE_CODE, silent=True, store_history=False)

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def tail(self, lines: int = 12) -> str:
        """The last lines the kernel wrote to stderr, indented, for a failure message ('' if none)."""
        try:
            self.log.seek(0)
            text = self.log.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        if not text:
            return ""
        return "\n" + "\n".join("    " + line for line in text.splitlines()[-lines:])

    def close(self) -> None:
        """Stop the kernel at once (its outputs are already collected) and free its resources."""
        global retired_peak_mb
        from jupyter_core.utils import run_sync

        retired_peak_mb = max(retired_peak_mb, peak_rss_mb(self.pid))
        for client in (self._client, self._async_client):
            try:
                if client is not None:
                    client.stop_channels()
            except Exception:
                pass
        try:
            if self.alive():
                run_sync(self.km.shutdown_kernel)(now=True)
            else:
                run_sync(self.km.cleanup_resources)()
        except Exception:
            pass
        try:
            self.log.close()
        except Exception:
            pass


class KernelSlot:
    """The kernel a worker hands to its notebooks: one warm kernel, reused up to ``max_uses`` times.

    ``reuse`` False gives every notebook a kernel of its own (each still started ahead).
    """

    def __init__(self, kernel_name: str, *, reuse: bool = True, start: bool = True, max_uses: int = MAX_USES):
        self.kernel_name = kernel_name
        self.reuse = reuse
        self.max_uses = max_uses
        self.kernel: WarmKernel | None = None
        self._dirty = False
        if start:
            self.kernel = WarmKernel(kernel_name)

    def acquire(self) -> WarmKernel:
        """A warm kernel for the next notebook (started now if none is waiting)."""
        if self.kernel is None:
            self.kernel = WarmKernel(self.kernel_name)
        elif self._dirty:  # released without a reset (not through release())
            self.kernel.reset()
        self.settle()
        self._dirty = True
        return self.kernel

    def settle(self) -> str | None:
        """Wait for the kernel's reset; when it finds the kernel unfit for another notebook (the
        notebook before changed nianbao's module state), replace the kernel and say why."""
        if self.kernel is None or self.kernel.uses == 0:
            return None
        problem = self.kernel.settle()
        if problem is not None:
            self.renew()
        return problem

    def release(self, ok: bool) -> None:
        """After a notebook: keep the kernel for the next one if it ran cleanly and has not run
        ``max_uses`` notebooks yet, and have it restore its state now, while this process
        exports; else replace it (the new one starts now, ahead of need)."""
        if not ok or not self.reuse or (self.kernel is not None and self.kernel.uses >= self.max_uses):
            self.renew()
        elif self.kernel is not None and self._dirty:
            self.kernel.reset()
            self._dirty = False

    def renew(self) -> None:
        """Retire the current kernel and start the next one ahead."""
        self.retire()
        self.kernel = WarmKernel(self.kernel_name)

    def retire(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
        self.kernel = None
        self._dirty = False

    def close(self) -> None:
        self.retire()
