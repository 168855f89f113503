"""nianbao import: read a filled-in workbook into the data folder (all or nothing)."""

from __future__ import annotations

import argparse

from nianbao.cli import args as cli_args

NAME = "import"
HELP = "import a workbook made by `nianbao template` into the data folder; nothing is written unless all of it is valid"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", help="the .xlsx file")
    parser.add_argument("--unit", help="refuse the workbook unless it is for this unit")
    parser.add_argument("--year", type=cli_args.year, help="refuse the workbook unless it is for this year")
    parser.add_argument("--data", help="data folder or alias (default: data/)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even when the figures break a rule (readable cells are still required)",
    )


def run(args: argparse.Namespace) -> int:
    from nianbao.data.store import DataStore
    from nianbao.excel.importer import read_workbook
    from nianbao.rules import findings as fnd
    from nianbao.workflows.importing import import_unit_year

    unit = DataStore(args.data).unit_id_for(args.unit) if args.unit else None  # refuses ../x and the like
    imported = read_workbook(args.workbook, unit=unit, year=args.year)  # errors: told by cli.main
    result = import_unit_year(imported.uy, args.data, force=args.force, locate=imported.locate)
    uy = result.uy
    counts = f"{len(uy.table_a)} Table A, {len(uy.table_b)} Table B and {len(uy.table_c)} Table C cells"
    blank = f"; {imported.blank} blank cells are unknown" if imported.blank else ""
    print(
        f"{'updated' if result.replaced else 'wrote'} {result.path}: {uy.unit_name} {uy.year} (format {uy.format_version}), {counts}{blank}"
    )
    for f in fnd.sorted_findings(result.findings):
        print("  " + f.text().replace("\n", "\n  "))
    return 1 if fnd.has_errors(result.findings) else 0
