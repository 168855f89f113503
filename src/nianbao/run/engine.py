"""A papermill engine that runs a notebook in a kernel we started (see :mod:`nianbao.run.kernels`).

Registered with papermill's engine registry as ``nianbao``. It is papermill's own nbclient
engine with two differences:

* the kernel manager ``km`` (and, optionally, a connected client ``kc``) come from the caller
  (a warm kernel), and the kernel is left running afterwards: the caller decides whether it is
  reused or retired;
* the notebook is not saved after every cell (a JSON dump and a schema validation per cell);
  instead, when execution stops on something other than a cell error (the kernel died, the
  kernel did not answer), what ran so far is written to ``partial_path`` for inspection.
"""

from __future__ import annotations

import functools

NAME = "nianbao"


@functools.lru_cache(maxsize=1)
def register() -> str:
    """Register the engine with papermill (once per process); returns its name."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            km=None,
            kc=None,
            partial_path=None,
            **kwargs,
        ):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            options = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=km, **options)
            client.kc = kc  # a client already connected: nbclient then skips connecting its own
            try:
                return client.execute()
            except BaseException:
                if partial_path is not None:
                    write_ipynb(nb_man.nb, str(partial_path))
                raise
            finally:
                if kc is None and client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(NAME, WarmKernelEngine)
    return NAME
