"""Runs *inside* a kernel: remember its state once warm, and restore it before the next notebook.

:func:`snapshot` is called once, after the warm-up imports; :func:`restore` between two
notebooks that share the kernel (see :mod:`nianbao.run.kernels`). Restored: the user namespace and
IPython's history (``%reset``), open figures, matplotlib's rcParams (seaborn's themes live
there), pandas' options, warning filters, the working folder, ``sys.path`` and the execution
counter (so the next notebook's cells are numbered from 1, as in a new kernel).
"""

from __future__ import annotations

import os
import sys
import warnings

_saved: dict = {}


def snapshot() -> None:
    import gc

    import matplotlib

    _saved.clear()
    _saved["rc"] = dict(matplotlib.rcParams)
    _saved["cwd"] = os.getcwd()
    _saved["path"] = list(sys.path)
    _saved["warnings"] = list(warnings.filters)
    gc.collect()
    gc.freeze()  # the imported libraries stay: spare them the collections %reset makes


def restore() -> None:
    if not _saved:
        raise RuntimeError("kernel_state.restore() before snapshot()")
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("reset", "-f")
    import matplotlib
    import matplotlib.pyplot as plt

    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(_saved["rc"])
        if "pandas" in sys.modules:
            sys.modules["pandas"].reset_option("all")
    os.chdir(_saved["cwd"])
    sys.path[:] = _saved["path"]
    warnings.filters[:] = _saved["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None)  # what warnings.simplefilter calls after a change
    if mutated is not None:
        mutated()
    if shell is not None:
        shell.execution_count = 1
