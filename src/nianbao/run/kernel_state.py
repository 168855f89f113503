"""Runs *inside* a kernel: remember its state once warm, and restore it before the next notebook.

:func:`snapshot` is called once, after the warm-up imports; :func:`restore` between two
notebooks that share the kernel (see :mod:`nianbao.run.kernels`). Restored: the user namespace
(``%reset``), open figures, matplotlib's rcParams (seaborn's themes live there), pandas' options,
warning filters, the working folder, ``sys.path``, the environment variables, the decimal context
(the thread's and the default one) and the execution counter (so the next notebook's cells are
numbered from 1, as in a new kernel). The state of nianbao's own modules cannot be put back (a
notebook may have changed anything in them): :func:`restore` compares their fingerprint with the
warm one (:mod:`nianbao.run.module_state`) and raises :class:`StateChanged`, naming what changed,
when they differ; the worker then replaces the kernel. nianbao modules a notebook imported for the
first time are forgotten, to be imported afresh by the next notebook that needs them.
"""

from __future__ import annotations

import decimal
import os
import sys
import warnings

from nianbao.run import module_state

_saved: dict = {}
_CONTEXT_FIELDS = ("prec", "rounding", "Emin", "Emax", "capitals", "clamp")


class StateChanged(Exception):
    """A notebook changed the state of nianbao's modules: this kernel must not run another one."""


def snapshot() -> None:
    import gc

    import matplotlib

    _saved.clear()
    _saved["rc"] = dict(matplotlib.rcParams)
    _saved["cwd"] = os.getcwd()
    _saved["path"] = list(sys.path)
    _saved["warnings"] = list(warnings.filters)
    _saved["environ"] = dict(os.environ)
    _saved["decimal"] = decimal.getcontext().copy()
    _saved["decimal_default"] = decimal.DefaultContext.copy()
    _saved["modules"] = set(module_state.own_modules())
    _saved["fingerprint"] = module_state.fingerprint()
    gc.collect()
    gc.freeze()  # the imported libraries stay: spare them the collections %reset makes


def restore() -> None:
    if not _saved:
        raise RuntimeError("kernel_state.restore() before snapshot()")
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("reset", "-f")
    _restore_settings()
    if shell is not None:
        shell.execution_count = 1
    module_state.forget_new(_saved["modules"])
    changed = module_state.changes(_saved["fingerprint"], module_state.fingerprint())
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise StateChanged(f"the notebook changed nianbao's module state: {shown}")


def _restore_settings() -> None:
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
    if dict(os.environ) != _saved["environ"]:
        os.environ.clear()
        os.environ.update(_saved["environ"])
    decimal.setcontext(_saved["decimal"].copy())
    _copy_context(_saved["decimal_default"], decimal.DefaultContext)


def _copy_context(source: decimal.Context, target: decimal.Context) -> None:
    for name in _CONTEXT_FIELDS:
        setattr(target, name, getattr(source, name))
    target.traps = dict(source.traps)
    target.flags = dict(source.flags)
