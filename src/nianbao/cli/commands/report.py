"""nianbao report: one unit-year's six parts and the whole report, as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from nianbao.cli import args as cli_args

HELP = "run the section notebooks of one unit-year and export HTML and PDF"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", default="shanghai", help="reporting unit id (default: shanghai)")
    parser.add_argument("--year", type=cli_args.year, default=2020, help="reporting year (default: 2020)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the project's outputs/)")
    cli_args.add_data(parser)
    parser.add_argument("--sections", type=cli_args.comma_list, default=None, metavar="LIST",
                        help="parts to run, by number or id, e.g. 3,4 (default: all; the combined report needs all)")  # fmt: skip
    parser.add_argument(
        "--workers",
        type=cli_args.positive_int,
        default=None,
        help="worker processes (default: one per CPU core less the one that lays the PDF out, at most 2)",
    )
    parser.add_argument("--spec", type=Path, default=None, help="report declaration (default: notebooks/report.toml)")
    cli_args.add_run_options(parser)
    cli_args.add_force(parser, "build even when `nianbao check` finds errors in the data")


def run(args: argparse.Namespace) -> int:
    from nianbao.rules.findings import summary_line
    from nianbao.run.report import build_report

    def show(result) -> None:
        print(result.describe(), flush=True)

    report = build_report(
        args.unit, args.year, out=args.out, data_dir=args.data, sections=args.sections, workers=args.workers,
        formats=args.formats, spec=args.spec, kernel=args.kernel, cell_timeout=args.cell_timeout, force=args.force,
        on_section=show,
    )  # fmt: skip
    if report.findings:
        print(
            f"data check: {summary_line(report.findings)} (`nianbao check --unit {report.unit} --year {report.year}` for details)"
        )
    for line in report.describe():
        print(line)
    return 0 if report.ok else 1
