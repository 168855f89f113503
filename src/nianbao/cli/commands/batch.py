"""nianbao batch: many unit-years at once, resumable, on local workers or a Dask cluster."""

from __future__ import annotations

import argparse
from pathlib import Path

from nianbao.cli import args as cli_args

HELP = "run the report for many units and years: skips what is up to date, survives failures, resumes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--units",
        type=cli_args.comma_list,
        default=None,
        metavar="LIST",
        help="units by id or name, e.g. huangpu,徐汇区 (default: every unit with data)",
    )
    parser.add_argument(
        "--parent",
        type=cli_args.comma_list,
        default=None,
        metavar="LIST",
        help="every unit of these parents, e.g. shanghai (its 16 districts and agencies)",
    )
    parser.add_argument(
        "--years",
        type=cli_args.years,
        default=None,
        metavar="YEARS",
        help="e.g. 2019-2023 or 2020,2022 (default: every year with data)",
    )
    parser.add_argument(
        "--sections",
        type=cli_args.comma_list,
        default=None,
        metavar="LIST",
        help="parts by number or id (default: all; the combined report needs all)",
    )
    parser.add_argument(
        "--workers", type=cli_args.positive_int, default=None, help="local worker processes (default: 2)"
    )
    parser.add_argument(
        "--scheduler",
        type=cli_args.scheduler_address,
        default=None,
        metavar="tcp://HOST:PORT",
        help="run on this Dask scheduler's cluster instead (--out must be a folder every worker shares)",
    )
    cli_args.add_data(parser)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the project's outputs/)")
    parser.add_argument("--spec", type=Path, default=None, help="report declaration (default: notebooks/report.toml)")
    cli_args.add_run_options(parser)
    parser.add_argument(
        "--job-timeout",
        type=cli_args.positive_int,
        default=None,
        metavar="SECONDS",
        help="seconds one job (unit-year) may take before it is stopped (default: no limit)",
    )
    parser.add_argument("--rerun", action="store_true", help="run every job, even those whose inputs are unchanged")
    cli_args.add_force(parser, "build unit-years whose data `nianbao check` finds errors in (default: such jobs fail)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (job lines are still printed)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from nianbao.batch import plan as batch
    from nianbao.batch.progress import Progress
    from nianbao.cli.main import EXIT_FAILED, EXIT_OK
    from nianbao.roots import shown

    progress = Progress(
        bar=False if args.no_progress else None, workers=None if args.scheduler else (args.workers or 2)
    )
    plan = batch.plan_batch(
        args.units,
        args.years,
        parents=args.parent,
        out=args.out,
        data_dir=args.data,
        sections=args.sections,
        formats=args.formats,
        spec=args.spec,
        kernel=args.kernel,
        rerun=args.rerun,
        job_timeout=args.job_timeout,
        cell_timeout=args.cell_timeout,
        check_data=not args.force,
    )
    try:
        result = batch.execute_plan(plan, workers=args.workers, scheduler=args.scheduler, on_event=progress)
    finally:
        progress.close()
    for line in batch.format_table(result):
        print(line)
    if result.summary is not None:
        print(f"summary: {shown(result.summary)}; logs: {shown(result.out / batch.BATCH_FOLDER / 'logs')}")
    if result.interrupted:
        print("interrupted: finished jobs are kept; run the same command again to resume")
        return 130
    return EXIT_OK if result.ok else EXIT_FAILED
