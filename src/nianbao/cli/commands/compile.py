"""nianbao compile: a parent's tables as the sums of its units' (rule G1 against stored figures)."""

from __future__ import annotations

import argparse

from nianbao.cli import args as cli_args

HELP = "compile a parent's Table B and C (and summable Table A) from its units; --write saves it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--parent", required=True, help="the compiling unit, id or name (e.g. shanghai, 上海市)")
    parser.add_argument("--year", type=cli_args.year, required=True, help="reporting year")
    parser.add_argument("--data", default=None, help="data folder or alias (default: data/; 'demo' = data/demo)")
    parser.add_argument(
        "--units", default=None, help="comma-separated units to compile (default: the parent's units in the registry)"
    )
    parser.add_argument(
        "--allow-missing", action="store_true", help="compile from the units that have data, listing the others"
    )
    parser.add_argument("--write", action="store_true", help="write the compiled unit-year into the data folder")
    parser.add_argument(
        "--replace", action="store_true",
        help="with --write: replace stored figures that differ from the sums (G1); refused otherwise",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from nianbao.data.store import DataStore
    from nianbao.data.units import registry_for
    from nianbao.data.writing import save_unit_year
    from nianbao.errors import NianbaoError
    from nianbao.workflows.compile import compile_parent, merged_with_stored

    store = DataStore(args.data)
    units = [u.strip() for u in args.units.split(",") if u.strip()] if args.units else None
    comp = compile_parent(args.parent, args.year, store, units=units, allow_missing=args.allow_missing)
    names = {u.id: u.name for u in registry_for(store.root)}
    for line in comp.summary_lines(names):
        print(line)
    if not args.write:
        print("(not written: add --write to save it as the parent's data file)")
        return 0
    if comp.findings and not args.replace:
        raise NianbaoError(
            f"{comp.stored.path} holds {len(comp.findings)} figures that differ from the sums (G1, above); "
            "nothing written. Check the units' data, or pass --replace to overwrite them with the sums"
        )
    path = save_unit_year(merged_with_stored(comp), store.root)
    print(f"wrote {path}")
    return 0
