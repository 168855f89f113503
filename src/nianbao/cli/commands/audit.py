"""nianbao audit: check a published report (in any format it comes in) against every rule."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao.cli import args as cli_args

HELP = (
    "audit a published report (web page, text, PDF, DOCX, DOC, WPS or image): its three tables, every figure "
    "of its narrative read in context, and every share judged against the bases a reader would try"
)


EPILOG = """\
what it reads: the report's parts by their headings; counts of applications (only in the
依申请公开 part, only when the verb's object is an application), review and litigation cases,
shares, the named rates, year-on-year changes, claims in words and stated totals; tables in
HTML and in text (| or tab or space separated); unit and year from the title and the 统计期限.

findings: error (a contradiction), warning (right only when truncated, or against another
plausible base, or blank cells read as 0), unverifiable (无法复核: the base is nowhere given).
Every share shows its numerator, its base and the words they were read from.
The exit code is 1 when the audit found an error."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "file",
        help="the published report: a saved page (.html), text (.txt), PDF, DOCX, DOC, WPS or an image, "
        "recognised by its content; traditional characters are read as simplified",
    )
    parser.add_argument("--unit", help="the unit (id or name) when the page's title does not say, or to override it")
    parser.add_argument("--year", type=cli_args.year, help="the reporting year when the page's title does not say")
    parser.add_argument(
        "--data", help="data folder or alias: previous years for X1/X2, and where --import writes (default: data/)"
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write the audit as JSON to PATH ('-': standard output, instead of the text)"
    )
    parser.add_argument(
        "--import",
        dest="do_import",
        action="store_true",
        help="also write the page's tables and narrative figures into the data folder",
    )
    parser.add_argument("--force", action="store_true", help="with --import: write even when the audit found errors")
    parser.add_argument(
        "--html", metavar="PATH", help="also run the audit notebook and write it as a self-contained HTML page"
    )
    parser.add_argument("--pdf", metavar="PATH", help="also run the audit notebook and write it as PDF")
    parser.add_argument("--kernel", help="Jupyter kernel for --html/--pdf (default: nianbao, else python3)")


def run(args: argparse.Namespace) -> int:
    from nianbao.audit import audit_file
    from nianbao.audit.imports import import_audit
    from nianbao.audit.output import format_text, to_json
    from nianbao.data.store import DataStore
    from nianbao.errors import DataError, MissingInput
    from nianbao.rules.check import write_json

    if not Path(args.file).is_file():
        what = "is a folder, not a page" if Path(args.file).is_dir() else "no such file"
        raise MissingInput(f"{args.file}: {what}", path=args.file)
    unit = DataStore(args.data).unit_id_for(args.unit) if args.unit else None  # refuses ../x and the like
    result = audit_file(args.file, unit=unit, year=args.year, data_dir=args.data)  # errors: told by cli.main
    if args.json:
        write_json(to_json(result), args.json)
    if args.json != "-":
        print(format_text(result))
    if args.html or args.pdf:
        from nianbao.audit.export import export_audit

        written = export_audit(args.file, html=args.html, pdf=args.pdf, unit=unit, year=args.year,
                               data_dir=args.data, kernel=args.kernel)  # fmt: skip
        for path in written.values():
            print(f"wrote {path}", file=sys.stderr if args.json == "-" else sys.stdout)
    if args.do_import:
        try:
            written = import_audit(result, args.data, force=args.force)
        except DataError as exc:
            print(f"nianbao audit: import refused: {exc}", file=sys.stderr)
            return exc.exit_code
        print(f"imported into {written}", file=sys.stderr if args.json == "-" else sys.stdout)
    return 1 if result.errors else 0
