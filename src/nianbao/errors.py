"""The errors nianbao raises; each says what is wrong and where."""

from __future__ import annotations

from pathlib import Path


class NianbaoError(Exception):
    """Base class of every error nianbao reports to a user."""


class DataError(NianbaoError):
    """A data file (or workbook, or page) is wrong; ``location`` names the key, sheet or cell."""

    def __init__(self, message: str, path: Path | str | None = None, location: str | None = None):
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.location = location


class FontError(NianbaoError):
    """No CJK font is available: Chinese text would silently turn into boxes or vanish."""


class UnitError(NianbaoError):
    """A unit id or name that nianbao does not know."""
