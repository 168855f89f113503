"""WeasyPrint imported without searching for libraries it can open directly.

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

import sys


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
