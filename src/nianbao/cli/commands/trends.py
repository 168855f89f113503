"""nianbao trends: one unit over a range of years, as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

import argparse

from nianbao.cli import args as cli_args

HELP = "run the trends notebook for a unit over a range of years and export it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", default="shanghai", help="unit id or name (default: shanghai)")
    parser.add_argument("--years", type=cli_args.year_span, default=(2019, 2023), metavar="FIRST-LAST",
                        help="FIRST-LAST (default: 2019-2023)")  # fmt: skip
    cli_args.add_data(parser)
    parser.add_argument("--out", default=None, help="output folder (default: outputs/); writes <unit>/trends/")
    cli_args.add_run_options(parser)


def run(args: argparse.Namespace) -> int:
    from nianbao.content import trends
    from nianbao.roots import resolve_data_dir
    from nianbao.run.execute import NotebookTask, run_notebook
    from nianbao.run.layout import trends_target

    first_year, last_year = args.years
    data = resolve_data_dir(args.data)
    series = trends.open_series(args.unit, first_year, last_year, str(data))  # fails early on bad input
    folder, stem = trends_target(series.unit, first_year, last_year, args.out, data)
    task = NotebookTask.declared(
        "trends", {"unit": series.unit, "first_year": first_year, "last_year": last_year, "data_dir": str(data)},
        folder, stem, heading=trends.title(series), synthetic=series.synthetic,
        title_values={"unit_name": series.unit_name}, formats=args.formats, kernel=args.kernel,
        cell_timeout=args.cell_timeout,
    )  # fmt: skip
    result = run_notebook(task)
    print(result.describe())
    return 0 if result.ok else 1
