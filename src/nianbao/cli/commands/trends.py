"""nianbao trends: one unit over a range of years, as HTML, PDF, XLSX and CSV."""

from __future__ import annotations

import argparse

HELP = "run the trends notebook for a unit over a range of years and export it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", default="shanghai", help="unit id or name (default: shanghai)")
    parser.add_argument("--years", default="2019-2023", help="FIRST-LAST (default: 2019-2023)")
    parser.add_argument("--data", default=None, help="data folder or alias (default: data/; 'demo' = data/demo)")
    parser.add_argument("--out", default=None, help="output folder (default: outputs/); writes <unit>/trends/")
    parser.add_argument("--formats", default="html,pdf", help="html,pdf (default: both)")
    parser.add_argument("--kernel", default=None, help="Jupyter kernel (default: nianbao, else python3)")


def run(args: argparse.Namespace) -> int:
    from nianbao.run import analysis
    from nianbao.content import trends
    from nianbao.data.files import resolve_data_dir
    from nianbao.errors import NianbaoError

    try:
        first, _, last = args.years.partition("-")
        first_year, last_year = int(first), int(last or first)
    except ValueError:
        raise NianbaoError(f"--years: expected FIRST-LAST such as 2019-2023, got {args.years!r}") from None
    data = resolve_data_dir(args.data)
    series = trends.open_series(args.unit, first_year, last_year, str(data))  # fails early on bad input
    folder, stem = analysis.trends_target(series.unit, first_year, last_year, args.out)
    result = analysis.run_analysis(
        "trends",
        {"unit": series.unit, "first_year": first_year, "last_year": last_year, "data_dir": str(data)},
        folder, stem,
        title=f"{series.unit_name}政府信息公开工作年度报告·历年数据",
        heading=trends.title(series),
        synthetic=series.synthetic,
        formats=tuple(f.strip() for f in args.formats.split(",") if f.strip()),
        kernel=args.kernel,
    )  # fmt: skip
    print(analysis.format_result(result))
    return 0 if result.ok else 1
