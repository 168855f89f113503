"""nianbao compare: units side by side for one year, as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

import argparse

from nianbao.cli import args as cli_args

HELP = "run the comparison notebook for a year and a set of units (or a parent's units) and export it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=cli_args.year, required=True, help="reporting year")
    parser.add_argument(
        "--parent", default=None, help="compare all units of this parent, beside its own figures (e.g. shanghai)"
    )
    parser.add_argument("--units", default=None, help="comma-separated units (ids or names) instead of a parent's")
    parser.add_argument(
        "--threshold", type=int, default=0, help="leave out units that answered fewer applications (default: 0)"
    )
    parser.add_argument("--rank-by", default="new_received", help="measure to rank by (default: new_received)")
    cli_args.add_data(parser)
    parser.add_argument("--out", default=None, help="output folder (default: outputs/)")
    cli_args.add_run_options(parser)


def run(args: argparse.Namespace) -> int:
    from nianbao.content import comparison
    from nianbao.data.units import registry_for
    from nianbao.errors import NianbaoError
    from nianbao.roots import resolve_data_dir
    from nianbao.run.execute import NotebookTask, run_notebook
    from nianbao.run.layout import comparison_target

    if not args.parent and not args.units:
        raise NianbaoError("name a --parent (all its units) or --units")
    data = resolve_data_dir(args.data)
    units = args.units or ""
    comp = comparison.open_comparison(args.year, units, args.parent or "", str(data), args.threshold)  # fails early
    if args.rank_by not in comparison.RANK_MEASURES:
        raise NianbaoError(f"--rank-by must be one of {', '.join(comparison.RANK_MEASURES)}")
    parent_id = registry_for(data).get(args.parent).id if args.parent else ""
    ids = [uy.unit for uy in comp.unit_years] if args.units else []
    folder, stem = comparison_target(args.year, parent_id, ids, args.out, data)
    parameters = {"year": args.year, "units": ",".join(ids), "parent": parent_id, "threshold": args.threshold,
                  "rank_by": args.rank_by, "data_dir": str(data)}  # fmt: skip
    task = NotebookTask.declared(
        "comparison", parameters, folder, stem, heading=comparison.title(comp), synthetic=comp.synthetic,
        title_values={"year": args.year}, formats=args.formats, kernel=args.kernel, cell_timeout=args.cell_timeout,
    )  # fmt: skip
    result = run_notebook(task)
    print(result.describe())
    return 0 if result.ok else 1
