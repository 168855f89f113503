"""nianbao batch: many unit-years at once, resumable, on local workers or a Dask cluster."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "run the report for many units and years: skips what is up to date, survives failures, resumes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from nianbao.cli.main import _comma_list, _positive_int

    parser.add_argument("--units", type=_comma_list, default=None, metavar="LIST",
                        help="units by id or name, e.g. huangpu,徐汇区 (default: every unit with data)")
    parser.add_argument("--parent", type=_comma_list, default=None, metavar="LIST",
                        help="every unit of these parents, e.g. shanghai (its 16 districts and agencies)")
    parser.add_argument("--years", default=None, metavar="YEARS",
                        help="e.g. 2019-2023 or 2020,2022 (default: every year with data)")
    parser.add_argument("--sections", type=_comma_list, default=None, metavar="LIST",
                        help="parts by number or id (default: all; the combined report needs all)")
    parser.add_argument("--workers", type=_positive_int, default=None, help="local worker processes (default: 2)")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="run on this Dask scheduler's cluster instead (--out must be a folder every worker shares)")
    parser.add_argument("--data", default=None, help="data folder or alias (default: data/; 'demo' = data/demo)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the project's outputs/)")
    parser.add_argument("--formats", type=_comma_list, default=None, metavar="LIST", help="html,pdf (default: both)")
    parser.add_argument("--spec", type=Path, default=None, help="report declaration (default: notebooks/report.toml)")
    parser.add_argument("--kernel", default=None, help="Jupyter kernel (default: the spec's, else python3)")
    parser.add_argument("--timeout", type=_positive_int, default=None, metavar="SECONDS",
                        help="seconds one job (unit-year) may take before it is stopped (default: no limit)")
    parser.add_argument("--cell-timeout", type=_positive_int, default=600, metavar="SECONDS",
                        help="seconds one cell may run (default: 600)")
    parser.add_argument("--force", action="store_true", help="run every job, even those whose inputs are unchanged")
    parser.add_argument("--continue-on-errors", action="store_true",
                        help="build unit-years whose data `nianbao check` finds errors in (default: such jobs fail)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (job lines are still printed)")


def run(args: argparse.Namespace) -> int:
    from nianbao.batch import plan as batch
    from nianbao.cli.main import EXIT_FAILED, EXIT_OK, _shown
    from nianbao.batch.progress import Progress

    progress = Progress(bar=False if args.no_progress else None, workers=None if args.scheduler else (args.workers or 2))
    plan = batch.plan_batch(
        args.units,
        batch.parse_years(args.years),
        parents=args.parent,
        out=args.out,
        data_dir=args.data,
        sections=args.sections,
        formats=args.formats,
        spec=args.spec,
        kernel=args.kernel,
        force=args.force,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        check_data=not args.continue_on_errors,
    )
    try:
        result = batch.execute_plan(plan, workers=args.workers, scheduler=args.scheduler, on_event=progress)
    finally:
        progress.close()
    for line in batch.format_table(result):
        print(line)
    if result.summary is not None:
        print(f"summary: {_shown(result.summary)}; logs: {_shown(result.out / batch.BATCH_FOLDER / 'logs')}")
    if result.interrupted:
        print("interrupted: finished jobs are kept; run the same command again to resume")
        return 130
    return EXIT_OK if result.ok else EXIT_FAILED
