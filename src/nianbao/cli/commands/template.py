"""nianbao template: write an Excel workbook of the official tables for one unit-year."""

from __future__ import annotations

import argparse

from nianbao.cli import args as cli_args

HELP = "write an .xlsx with the official tables of one unit-year, to be filled in and imported"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", required=True, help="unit id or name")
    parser.add_argument("--year", type=cli_args.year, required=True, help="reporting year")
    parser.add_argument("--out", "-o", help="the workbook to write (default: <unit>_<year>.xlsx here)")
    parser.add_argument("--data", help="data folder or alias (default: data/)")
    parser.add_argument(
        "--format-version", choices=("2019", "2021"), help="format version (default: the data file's, else the year's)"
    )
    parser.add_argument("--unit-name", help="the unit's Chinese name, for a unit nianbao does not know yet")
    parser.add_argument("--blank", action="store_true", help="do not pre-fill the figures already in the data folder")


def run(args: argparse.Namespace) -> int:
    from nianbao.excel.template import write_template

    path, prefilled = write_template(
        args.unit,
        args.year,
        args.out,
        data_dir=args.data,
        version=args.format_version,
        unit_name=args.unit_name,
        prefill=not args.blank,
    )
    note = f", pre-filled from {prefilled.path.name}" if prefilled is not None and prefilled.path else ""
    print(f"wrote {path}{note}")
    return 0
