"""A corpus of published reports audited into one dataset (``nianbao audit PATH...``).

tables      the dataset's four tables: Arrow schemas, declared once
rows        one audit → its rows (the document's facts, cells, statements, findings)
task        one file audited in a worker (per-file timeout; failures become rows)
pool        the local worker processes;  dask_backend  the same on a Dask cluster
files       the corpus's files and their sha256;  store  each audited document, kept as it comes
dataset     the four tables as Parquet and CSV, put in place together;  arrow  rows ↔ Arrow ↔ files
run         all of it: :func:`audit_corpus`;  progress  the bar;  imports  ``--import``
queries     the dataset read through DuckDB;  report, report_charts  the corpus notebook's content
export      the corpus notebook run and exported (corpus.html, corpus.pdf)
"""

from nianbao.audit.corpus.run import CorpusOptions, CorpusRun, Interrupted, audit_corpus


def describe(run: CorpusRun) -> str:
    """What a run did, in a few lines."""
    formats = ", ".join(f"{name} {n}" for name, n in run.formats.most_common())
    lines = [
        f"{len(run.files)} files in {run.out}: {run.audited} audited, {run.reused} unchanged (reused), "
        f"{run.failed} could not be audited; {run.errors} with errors",
        f"formats: {formats}" if formats else "formats: none",
        "dataset: " + ", ".join(f"{name} {n}" for name, n in run.written.rows.items()) + " rows (.parquet and .csv)"
        if run.written
        else "dataset: unchanged (nothing new since it was written)",
    ]
    return "\n".join(lines)


__all__ = ["CorpusOptions", "CorpusRun", "Interrupted", "audit_corpus", "describe"]
