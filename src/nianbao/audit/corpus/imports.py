"""``nianbao audit PATH... --import``: the corpus's unit-years written into the data folder, each only
when its audit found no error, through the same path as one report's import
(:func:`nianbao.audit.imports.import_audit`); every document not imported is listed with why.

The dataset says which documents qualify; those are audited again (in the pool) to hand their
tables and statements to the import — the dataset keeps what was published, not the data model.
Two different documents for the same unit-year are both left out: which one is right is a
person's call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from nianbao.audit.corpus.run import CorpusOptions, backend_for
from nianbao.audit.corpus.tables import FAILED
from nianbao.audit.corpus.task import Task, reader_digest
from nianbao.audit.imports import import_audit
from nianbao.errors import DataError


@dataclass
class Imported:
    written: list[tuple[str, str, int, Path]] = field(default_factory=list)  # path, unit, year, data file
    skipped: list[tuple[str, str]] = field(default_factory=list)  # path, why


def _why_not(doc: dict) -> str | None:
    if doc["status"] == FAILED:
        return f"not audited: {doc['reason']}"
    if doc["errors"]:
        return f"its audit found {doc['errors']} error(s)"
    if not doc["tables"]:
        return "no statistical tables were found"
    if not doc["year"]:
        return "the reporting year is unknown"
    if not doc["unit_id"]:
        return f"the unit ({doc['unit_name'] or 'not recognised'}) is not in the unit registry"
    return None


def candidates(out: Path) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """The documents to import (sha256 → its first row), and the others with why not."""
    columns = ["path", "sha256", "status", "reason", "errors", "tables", "year", "unit_id", "unit_name"]
    documents = pq.read_table(out / "documents.parquet", columns=columns).to_pylist()
    skipped: list[tuple[str, str]] = []
    by_unit_year: dict[tuple[str, int], dict[str, dict]] = defaultdict(dict)
    for doc in documents:
        why = _why_not(doc)
        if why:
            skipped.append((doc["path"], why))
        else:
            by_unit_year[(doc["unit_id"], doc["year"])].setdefault(doc["sha256"], doc)
    chosen: dict[str, dict] = {}
    for (unit, year), docs in by_unit_year.items():
        if len(docs) > 1:
            names = "、".join(Path(d["path"]).name for d in docs.values())
            skipped += [(d["path"], f"{len(docs)} different documents report on {unit} {year} ({names})")
                        for d in docs.values()]  # fmt: skip
        else:
            chosen.update(docs)
    return chosen, skipped


def import_corpus(out: Path, options: CorpusOptions, data_dir: Path | str | None = None) -> Imported:
    """Import every qualifying unit-year of the dataset in ``out`` into ``data_dir``."""
    chosen, skipped = candidates(out)
    outcome = Imported(skipped=skipped)
    reader = reader_digest(options.data_dir)
    tasks = [Task(doc["path"], sha, reader, options.data_dir, options.file_timeout, want_result=True)
             for sha, doc in chosen.items()]  # fmt: skip
    if not tasks:
        return outcome
    for task, done in backend_for(options).run(tasks):
        result = done.result
        if result is None:
            outcome.skipped.append((task.path, f"audited again, it failed: {done.entry.facts.get('reason')}"))
            continue
        try:
            written = import_audit(result, data_dir)  # type: ignore[arg-type]
        except DataError as exc:
            outcome.skipped.append((task.path, str(exc).splitlines()[0]))
            continue
        outcome.written.append((task.path, result.uy.unit, result.uy.year, written))  # type: ignore[attr-defined]
    outcome.written.sort()
    return outcome
