"""nianbao prepare: parameterized, unexecuted copies of the notebooks to explore in JupyterLab."""

from __future__ import annotations

import argparse

from nianbao.cli import args as cli_args

HELP = "write parameterized copies of the notebooks for a unit-year into a working folder (for JupyterLab)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", default="shanghai", help="unit id or name (default: shanghai)")
    parser.add_argument("--year", type=cli_args.year, default=2020, help="reporting year (default: 2020)")
    parser.add_argument(
        "--section", action="append", default=None, metavar="N",
        help="a part number or id, or trends / comparison; repeat or separate with commas (default: all that apply)",
    )  # fmt: skip
    parser.add_argument("--data", default=None, help="data folder or alias (default: data/; 'demo' = data/demo)")
    parser.add_argument("--out", default=None, help="working folder (default: work-notebooks/<unit>/<year>/)")


def run(args: argparse.Namespace) -> int:
    from nianbao.roots import shown
    from nianbao.run.prepare import prepare

    sections = [s.strip() for item in args.section for s in item.split(",") if s.strip()] if args.section else None
    result = prepare(args.unit, args.year, sections=sections, out=args.out, data_dir=args.data)
    print(f"prepared {len(result.notebooks)} notebooks for {result.unit} {result.year} in {shown(result.folder)}:")
    for path in result.notebooks:
        print(f"  {path.name}")
    print("open them in JupyterLab (kernel “Python (nianbao)”), e.g.:")
    print(f"  .venv/bin/jupyter lab {shown(result.folder)}")
    return 0
