"""The corpus dataset read through DuckDB: SQL over the Parquet files, so the same queries run on a
corpus of millions of cells without loading it (the corpus notebook and an analyst alike).

:func:`connect` opens an in-memory DuckDB with one view per table (``documents``, ``cells``,
``statements``, ``findings``); the other functions are the report's questions, each one query.
One document stands for a unit-year (``unit_years``): when several report on the same unit and
year (the same report as a web page and as a PDF, say), the one with the most cells read, then
the fewest errors.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from nianbao.audit.corpus.dataset import read_manifest
from nianbao.audit.corpus.tables import SCHEMAS
from nianbao.errors import NianbaoError


def connect(out: Path | str) -> duckdb.DuckDBPyConnection:
    """DuckDB with the dataset in ``out`` as views; an error when it is missing or not whole."""
    out = Path(out)
    if read_manifest(out) is None:
        raise NianbaoError(
            f"{out}: no complete corpus dataset there (run `nianbao audit PATH... --out {out}` first; "
            "an interrupted run leaves the previous dataset, or none)"
        )
    con = duckdb.connect()
    for name in SCHEMAS:
        path = str((out / f"{name}.parquet").resolve()).replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    con.execute(UNIT_YEARS)
    return con


#: One document per content (sha256), then one per unit-year; the unit is its registry id when
#: the registry knows it, else its name as the report gives it.
UNIT_YEARS = """
CREATE VIEW unit_years AS
WITH contents AS (
    SELECT * FROM documents WHERE status = 'ok' AND unit_name IS NOT NULL AND year IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY sha256 ORDER BY path) = 1
)
SELECT sha256 AS document, coalesce(unit_id, unit_name) AS unit, unit_name, unit_id, unit_scope, year, name,
       errors, warnings, unverifiable, cells
FROM contents
QUALIFY row_number() OVER (PARTITION BY coalesce(unit_id, unit_name), year
                           ORDER BY cells DESC, errors ASC, path) = 1
"""


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def totals(con) -> dict:
    return rows(con, """
        SELECT count(*) AS files, count(DISTINCT sha256) FILTER (WHERE sha256 <> '') AS contents,
               count(*) FILTER (WHERE status = 'ok') AS ok, count(*) FILTER (WHERE status = 'failed') AS failed,
               (SELECT count(DISTINCT unit) FROM unit_years) AS units, (SELECT count(*) FROM unit_years) AS unit_years,
               min(year) AS first_year, max(year) AS last_year,
               (SELECT count(*) FROM cells) AS cells, (SELECT count(*) FROM statements) AS statements,
               (SELECT count(*) FROM findings) AS findings
        FROM documents""")[0]  # fmt: skip


def by_format(con) -> list[dict]:
    return rows(con, """
        SELECT coalesce(format, '') AS format, count(*) AS files, count(*) FILTER (WHERE status = 'ok') AS ok,
               count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE read_as LIKE 'OCR%') AS ocr, sum(pages) AS pages,
               sum(seconds) FILTER (WHERE status = 'ok') AS seconds
        FROM documents GROUP BY ALL ORDER BY files DESC""")  # fmt: skip


def failure_reasons(con, limit: int = 15) -> list[dict]:
    return rows(con, """
        SELECT reason, count(*) AS files, min(name) AS example FROM documents WHERE status = 'failed'
        GROUP BY reason ORDER BY files DESC, reason LIMIT ?""", limit)  # fmt: skip


def by_rule(con) -> list[dict]:
    return rows(con, """
        SELECT rule, severity, count(*) AS findings, count(DISTINCT document) AS documents, min(formula) AS formula
        FROM findings GROUP BY ALL ORDER BY rule, severity""")  # fmt: skip


def units_ranked(con) -> list[dict]:
    """Every unit with its documents' findings (one document per content), most errors first."""
    return rows(con, """
        WITH contents AS (
            SELECT * FROM documents WHERE status = 'ok' AND unit_name IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY sha256 ORDER BY path) = 1
        )
        SELECT coalesce(unit_id, unit_name) AS unit, min(unit_name) AS unit_name, min(unit_scope) AS scope,
               count(*) AS documents, string_agg(DISTINCT CAST(year AS VARCHAR), '、' ORDER BY CAST(year AS VARCHAR)) AS years,
               sum(errors) AS errors, sum(warnings) AS warnings, sum(unverifiable) AS unverifiable,
               count(*) FILTER (WHERE errors > 0) AS documents_with_errors
        FROM contents GROUP BY 1 ORDER BY errors DESC, warnings DESC, unit""")  # fmt: skip


def unit_findings(con, unit: str, limit: int) -> tuple[list[dict], int]:
    """A unit's findings, errors first (at most ``limit``), and how many it has in all."""
    found = rows(con, """
        WITH its AS (
            SELECT sha256, min(name) AS name, min(year) AS year FROM documents
            WHERE status = 'ok' AND coalesce(unit_id, unit_name) = ? GROUP BY sha256
        )
        SELECT its.year, its.name, f.rule, f.severity, f.location, f.found, f.expected, f.note,
               count(*) OVER () AS total
        FROM findings f JOIN its ON f.document = its.sha256
        ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, its.year, its.name, f.rule
        LIMIT ?""", unit, limit)  # fmt: skip
    return found, (found[0]["total"] if found else 0)


#: The cells the report's measures are computed from, per unit-year (published values only).
MEASURE_CELLS = {
    "new_received": ("B", "new_received", "total"),
    "carried_in": ("B", "carried_in", "total"),
    "granted": ("B", "granted", "total"),
    "partly_granted": ("B", "partly_granted", "total"),
    "answered": ("B", "total", "total"),
    "carried_forward": ("B", "carried_forward", "total"),
    "review": ("C", "review", "total"),
    "review_corrected": ("C", "review", "corrected"),
    "litigation_direct": ("C", "litigation_direct", "total"),
    "litigation_after_review": ("C", "litigation_after_review", "total"),
}


def unit_year_figures(con) -> list[dict]:
    """Per unit-year: unit, name, year, and the published value of every :data:`MEASURE_CELLS` cell."""
    picks = ",\n".join(
        f"max(c.value) FILTER (WHERE c.table_id = '{t}' AND c.row_id = '{r}' AND c.column_id = '{col}') AS {name}"
        for name, (t, r, col) in MEASURE_CELLS.items()
    )
    return rows(con, f"""
        SELECT u.unit, u.unit_name, u.unit_scope, u.year, u.name, {picks}
        FROM unit_years u LEFT JOIN cells c
          ON c.document = u.document AND c.table_id IN ('B', 'C') AND c.column_id IN ('total', 'corrected')
        GROUP BY ALL ORDER BY u.unit, u.year""")  # fmt: skip
