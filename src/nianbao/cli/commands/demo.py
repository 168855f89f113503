"""nianbao demo: write the synthetic demo data set (all units of the registry) into data/demo."""

from __future__ import annotations

import argparse

HELP = "generate synthetic, rule-consistent demo data (示例数据) for every unit into data/demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=None, help="folder to write (default: data/demo); never one holding real data")
    parser.add_argument("--years", default="2019-2023", help="consecutive years, FIRST-LAST (default: 2019-2023)")
    parser.add_argument(
        "--seed", type=int, default=None, help="random seed (default: 2024); the same seed writes the same files"
    )


def run(args: argparse.Namespace) -> int:
    from nianbao.errors import NianbaoError
    from nianbao.roots import shown
    from nianbao.run.layout import check_output_folder
    from nianbao.workflows.demo import DEFAULT_SEED, write_demo

    check_output_folder(args.out)
    try:
        first, _, last = args.years.partition("-")
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        raise NianbaoError(f"--years: expected FIRST-LAST such as 2019-2023, got {args.years!r}") from None
    result = write_demo(args.out, years, DEFAULT_SEED if args.seed is None else args.seed)
    print(
        f"wrote {len(result.files)} synthetic unit-years ({result.units} units, {result.years[0]}–{result.years[-1]}, "
        f"seed {result.seed}) to {shown(result.folder)}"
    )
    print("every output made from them shows 「示例数据」; use them with --data demo, e.g.")
    print(f"  nianbao report --unit shanghai --year {result.years[-1] - 1} --data demo")
    return 0
