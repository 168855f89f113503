"""``nianbao batch``: many unit-years as jobs on warm workers, local or on a Dask cluster.

plan         choose the jobs, skip the up-to-date ones, run them, write the summary
jobs         one job (a unit-year) inside a worker
pool         the local pool of worker processes
dask_backend the same on a Dask cluster
fingerprint  what a job depends on, and the stamp of its last success
progress     the progress display
"""

from nianbao.batch.plan import (
    BATCH_FOLDER,
    BatchPlan,
    BatchResult,
    execute_plan,
    format_table,
    plan_batch,
    run_batch,
    write_summary,
)

__all__ = [
    "BATCH_FOLDER",
    "BatchPlan",
    "BatchResult",
    "execute_plan",
    "format_table",
    "plan_batch",
    "run_batch",
    "write_summary",
]
