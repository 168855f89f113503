"""Auditing published reports: ``nianbao audit FILE`` (see :func:`audit_file`).

formats      any document (HTML, text, PDF, DOCX, DOC/WPS, images) → a :class:`~page.Page`
source       bytes → text, whatever the encoding;  page  HTML (or text) → paragraphs and tables
blocks       the page's three tables and its narrative paragraphs, cells in simplified characters
labels       recognising official labels and their variants
tables       tables → 表一/表二/表三 cells as published (numbers, blanks, marks, problems)
texttables   tables written as lines of plain text (| tab space)
identity     the unit and year (titles, 统计期限, <title>), matched against the registry
reading/     the narrative read in context: normalise, parts, mentions, counts, cases, ratios,
             changes, claims → figures (:mod:`.reading.narrative`)
checks       the tables checked (blank cells read as 0, and said so)
judge        figures against the tables and each other (T1–T4, B3, R1, Y1)
judge_shares every share and rate judged against the bases a reader would try
statements   the figures as the data model's statements (for --import)
run          all of it → an :class:`AuditResult`
output       the findings report as text and JSON;  view  the same as escaped HTML (notebook)
"""

from nianbao.audit.run import AuditError, AuditResult, audit_file

__all__ = ["AuditError", "AuditResult", "audit_file"]
