"""nianbao compare: units side by side for one year, as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

import argparse

HELP = "run the comparison notebook for a year and a set of units (or a parent's units) and export it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="reporting year")
    parser.add_argument("--parent", default=None, help="compare all units of this parent, beside its own figures (e.g. shanghai)")
    parser.add_argument("--units", default=None, help="comma-separated units (ids or names) instead of a parent's")
    parser.add_argument("--threshold", type=int, default=0, help="leave out units that answered fewer applications (default: 0)")
    parser.add_argument("--rank-by", default="new_received", help="measure to rank by (default: new_received)")
    parser.add_argument("--data", default=None, help="data folder or alias (default: data/; 'demo' = data/demo)")
    parser.add_argument("--out", default=None, help="output folder (default: outputs/)")
    parser.add_argument("--formats", default="html,pdf", help="html,pdf (default: both)")
    parser.add_argument("--kernel", default=None, help="Jupyter kernel (default: nianbao, else python3)")


def run(args: argparse.Namespace) -> int:
    from nianbao.run import analysis
    from nianbao.content import comparison
    from nianbao.data.files import resolve_data_dir
    from nianbao.errors import NianbaoError
    from nianbao.data.units import registry_for

    if not args.parent and not args.units:
        raise NianbaoError("name a --parent (all its units) or --units")
    data = resolve_data_dir(args.data)
    units = args.units or ""
    comp = comparison.open_comparison(args.year, units, args.parent or "", str(data), args.threshold)  # fails early
    if args.rank_by not in comparison.RANK_MEASURES:
        raise NianbaoError(f"--rank-by must be one of {', '.join(comparison.RANK_MEASURES)}")
    parent_id = registry_for(data).get(args.parent).id if args.parent else ""
    ids = [uy.unit for uy in comp.unit_years] if args.units else []
    folder, stem = analysis.comparison_target(args.year, parent_id, ids, args.out)
    result = analysis.run_analysis(
        "comparison",
        {"year": args.year, "units": ",".join(ids), "parent": parent_id, "threshold": args.threshold,
         "rank_by": args.rank_by, "data_dir": str(data)},
        folder, stem,
        title=f"{args.year}年政府信息公开工作年度报告·各单位比较",
        heading=comparison.title(comp),
        synthetic=comp.synthetic,
        formats=tuple(f.strip() for f in args.formats.split(",") if f.strip()),
        kernel=args.kernel,
    )  # fmt: skip
    print(analysis.format_result(result))
    return 0 if result.ok else 1
