"""The errors nianbao raises; each says what is wrong and where.

Each error carries the exit code the ``nianbao`` command ends with when it stops on it
(:mod:`nianbao.cli.main` is the one place that turns errors into messages and codes):

* 2 (:data:`EXIT_USAGE`): the command line asks for something that cannot be done: an unknown
  unit, section, format or option value; a file, folder or unit-year that does not exist; an
  output path that names a file where a folder belongs.
* 1 (:data:`EXIT_FAILED`): what was given is wrong or could not be used: a data file, workbook,
  page or registry that breaks the format or the rules, a file that cannot be read or written
  (permission denied, a read-only folder, a disk full), a notebook that failed.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class NianbaoError(Exception):
    """Base class of every error nianbao reports to a user (by default a usage error)."""

    exit_code = EXIT_USAGE


class UsageError(NianbaoError):
    """An option or argument that cannot be used as given (``--out`` names a file, ...)."""

    exit_code = EXIT_USAGE


class DataError(NianbaoError):
    """A data file (or workbook, or page) is wrong; ``location`` names the key, sheet or cell."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, path: Path | str | None = None, location: str | None = None):
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.location = location


class MissingInput(DataError):
    """A file, folder or unit-year named on the command line that does not exist (a usage error)."""

    exit_code = EXIT_USAGE


class OutsideRoot(DataError):
    """A path nianbao was about to write that lies outside the folder it belongs in."""


class FontError(NianbaoError):
    """No CJK font is available: Chinese text would silently turn into boxes or vanish."""

    exit_code = EXIT_FAILED


class UnitError(NianbaoError):
    """A unit id or name that nianbao does not know, or that is not a valid unit id."""
