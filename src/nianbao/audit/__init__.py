"""Auditing published reports: ``nianbao audit FILE`` (see :func:`audit_file`).

source      bytes → text, whatever the encoding
page        HTML (or text) → paragraphs and tables with their spans
labels      recognising official labels and their variants
tables      tables → 表一/表二/表三 cells, unreadable cells as problems
texttables  tables written as lines of plain text
narrative   the narrative's counts, shares and rates
run         all of it, and the rules → an :class:`AuditResult`
output      the findings report as text and JSON
html        the same, as escaped HTML for the audit notebook
"""

from nianbao.audit.run import AuditError, AuditResult, audit_file

__all__ = ["AuditError", "AuditResult", "audit_file"]
