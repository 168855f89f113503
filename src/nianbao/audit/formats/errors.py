"""Why a document cannot be read."""

from __future__ import annotations

from nianbao.audit.source import SourceError


class FormatError(SourceError):
    """A document that cannot be read: not a format nianbao knows, damaged, or a conversion that failed."""


class ToolMissing(FormatError):
    """A program a format needs (Tesseract, LibreOffice) is not installed; the message says how to install it."""
