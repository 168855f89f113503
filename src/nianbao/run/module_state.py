"""A fingerprint of the state of nianbao's modules, taken inside a kernel (see
:mod:`nianbao.run.kernel_state`): did a notebook change what the next one would find?

A notebook may rebind a module global (``metrics.round_half_up = ...``), change a setting in
place (``schema.TABLE_B_COLUMNS.append(...)``), patch a method of one of nianbao's classes or a
function's defaults. None of that is undone by clearing the notebook's namespace, and the next
notebook in the same kernel would run on it. :func:`fingerprint` hashes, for every attribute of
every ``nianbao`` module, the value it holds and what that value contains: containers item by
item, nianbao's classes and objects attribute by attribute, functions by their code, defaults
and attributes; objects of other libraries by identity only (their state is their library's).
Each object is hashed once per fingerprint: 4 ms for the ~700 attributes of a kernel that ran
the report's sections (8 ms on a loaded machine), within the 9 ms (19 ms) that
:func:`nianbao.run.kernel_state.restore` takes while the worker exports (``bench/bench_faults.py``).

nianbao modules first imported by a notebook are not in the baseline: :func:`forget_new`
removes them, so that the next notebook imports them afresh.
"""

from __future__ import annotations

import decimal
import fractions
import pathlib
import re
import sys
import types

PACKAGE = "nianbao"
#: Module attributes that are the interpreter's bookkeeping, not the module's state (the warnings
#: already shown are shown again after :mod:`nianbao.run.kernel_state` restores the filters).
IGNORED = frozenset({"__builtins__", "__loader__", "__spec__", "__cached__", "__file__", "__doc__", "__path__",
                     "__package__", "__warningregistry__"})  # fmt: skip
#: Modules that keep the kernel's own bookkeeping.
EXEMPT = frozenset({"nianbao.run.kernel_state", "nianbao.run.module_state"})
_ATOMS = frozenset({int, float, complex, str, bytes, bool, type(None), decimal.Decimal, fractions.Fraction, range,
                    pathlib.PurePosixPath, pathlib.PosixPath, re.Pattern})  # fmt: skip
_CLASS_SKIPPED = frozenset({"__dict__", "__weakref__", "__doc__"})


def own_modules() -> dict[str, types.ModuleType]:
    return {
        name: module
        for name, module in list(sys.modules.items())
        if (name == PACKAGE or name.startswith(PACKAGE + ".")) and module is not None and name not in EXEMPT
    }


def fingerprint() -> dict[str, int]:
    """``module.attribute`` → a hash of the value it holds and of what that value contains."""
    hasher = _Hasher()
    prints = {}
    for name, module in own_modules().items():
        for attribute, value in list(vars(module).items()):
            if attribute not in IGNORED:
                prints[f"{name}.{attribute}"] = hasher.hash(value)
    return prints


def changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """The attributes added, removed or changed between two fingerprints."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def forget_new(baseline: set[str]) -> list[str]:
    """Remove the nianbao modules that are not in ``baseline`` (module names), and their names
    from their packages; returns their names."""
    new = sorted(set(own_modules()) - baseline)
    for name in new:
        del sys.modules[name]
        package, _, leaf = name.rpartition(".")
        parent = sys.modules.get(package)
        if parent is not None and isinstance(vars(parent).get(leaf), types.ModuleType):
            delattr(parent, leaf)
    return new


def _own(kind: type) -> bool:
    return getattr(kind, "__module__", "").partition(".")[0] == PACKAGE


class _Hasher:
    """Hashes values, each object once (shared objects, and cycles, are not walked again)."""

    def __init__(self):
        self.memo: dict[int, int] = {}
        self.keep: list = []  # what was hashed stays alive, so that no id is reused meanwhile

    def hash(self, value) -> int:
        kind = type(value)
        if kind in _ATOMS:
            return hash((kind, value))
        if kind is types.ModuleType:
            return hash(("module", value.__name__))
        key = id(value)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = hash(("cycle", key))  # what a cycle back to it sees
        self.keep.append(value)
        self.memo[key] = result = hash((kind, key, self._contents(value, kind)))
        return result

    def _contents(self, value, kind: type):
        if kind is dict:
            return tuple((self.hash(k), self.hash(v)) for k, v in list(value.items()))
        if kind in (list, tuple):
            return tuple(self.hash(v) for v in list(value))
        if kind in (set, frozenset):
            return frozenset(self.hash(v) for v in list(value))
        if kind is types.FunctionType:
            return (id(value.__code__), self.hash(value.__defaults__), self.hash(value.__kwdefaults__),
                    self.hash(value.__dict__))  # fmt: skip
        if isinstance(value, type):
            if not _own(value):
                return None
            return tuple((k, self.hash(v)) for k, v in list(vars(value).items()) if k not in _CLASS_SKIPPED)
        if kind is decimal.Context:
            return (value.prec, value.rounding, value.Emin, value.Emax, value.capitals, value.clamp,
                    tuple(sorted(s.__name__ for s, on in value.traps.items() if on)))  # fmt: skip
        if _own(kind):
            return (self.hash(getattr(value, "__dict__", None)), tuple(self.hash(v) for v in _slot_values(value)))
        if hasattr(value, "__wrapped__"):  # functools.lru_cache, functools.wraps: what it wraps
            return self.hash(value.__wrapped__)
        return None


def _slot_values(value) -> list:
    names = []
    for kind in type(value).__mro__:
        slots = vars(kind).get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return [getattr(value, name, None) for name in names if name not in ("__dict__", "__weakref__")]
