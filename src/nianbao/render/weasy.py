"""WeasyPrint imported without searching for libraries it can open directly (:func:`load`), and
run with fewer garbage collections (:func:`fewer_collections`).

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject through cffi under several names each
(``libpango-1.0-0``, ``pango-1.0``, …, ``libpango-1.0.so.0``). cffi hands every name it cannot
open at once to :func:`ctypes.util.find_library`, which on Linux runs ``ldconfig -p`` and then
``gcc`` and ``ld`` for each: about 40 short processes and 0.12 s of CPU per importing process (a
report imports WeasyPrint in two or three), plus the time to fork a large process. Every list of
names holds the library's soname (``libpango-1.0.so.0``), which the dynamic loader opens
directly, honouring ``LD_LIBRARY_PATH``; so while WeasyPrint is imported the search answers "not
found" and the loader finds the libraries by their sonames. On other systems nothing changes.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading


def load():
    """Import WeasyPrint (once per process) and return the module."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


_YOUNG = 10_000  # allocations between two young collections while laying out (CPython: 700)
_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextlib.contextmanager
def fewer_collections():
    """Collect cyclic garbage less often while WeasyPrint lays out or writes.

    A report's layout builds some 10^5 boxes, styles and text layouts that live until its PDF is
    written. With CPython's default thresholds (a young collection every 700 allocations), the
    older generations fill so fast that the collector walks the whole heap again and again:
    about 9% of the time of making a report's PDFs (0.17 s of 1.86 s, measured on the default
    report). Here the youngest generation is collected every 10,000 allocations instead, and
    garbage is still collected; a process that makes PDFs one after another without
    :func:`nianbao.run.worker.release_memory` settles some 60 MB higher. The old thresholds come
    back when the last thread leaves (threads share the collector)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0]:  # 0: collection disabled by threshold; leave it so
                gc.set_threshold(max(_saved[0], _YOUNG), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
