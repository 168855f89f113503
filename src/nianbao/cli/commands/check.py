"""nianbao check: check the data against the rules of the format (DOMAIN.md section 4)."""

from __future__ import annotations

import argparse
import sys

from nianbao.cli import args as cli_args

HELP = "check unit-years in the data folder against the format's rules; exit 1 when there is an error"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", help="unit id or name (default: every unit)")
    parser.add_argument("--year", type=cli_args.year, help="reporting year (default: every year)")
    parser.add_argument("--data", help="data folder or alias (default: data/, or $NIANBAO_DATA)")
    parser.add_argument(
        "--json", metavar="PATH", help="write the findings as JSON to PATH ('-': standard output, instead of the text)"
    )
    parser.add_argument("--rules", help="comma-separated rule ids to run (default: all)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument("--quiet", action="store_true", help="one line per unit-year instead of every finding")


def run(args: argparse.Namespace) -> int:
    from nianbao.rules import RULES
    from nianbao.rules.check import check_data, format_text, to_json, write_json

    rules = [r.strip().upper() for r in args.rules.split(",") if r.strip()] if args.rules else None
    bad = [r for r in rules or [] if r not in RULES]
    if bad:
        print(f"nianbao check: unknown rule(s) {', '.join(bad)}; rules are {', '.join(RULES)}", file=sys.stderr)
        return 2
    result = check_data(args.data, args.unit, args.year, rules)
    if args.json:
        write_json(to_json(result), args.json)
    if args.json != "-":
        print(format_text(result, quiet=args.quiet))
    return result.exit_code(args.strict)
