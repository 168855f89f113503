"""nianbao audit: check a published report (in any format it comes in) against every rule; or a
whole corpus of them into one dataset with a report on top."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nianbao.cli import args as cli_args

HELP = (
    "audit a published report (web page, text, PDF, DOCX, DOC, WPS or image): its three tables, every figure "
    "of its narrative read in context, and every share judged against the bases a reader would try; "
    "or a corpus of reports (several paths, or folders) into one dataset and a corpus report"
)


EPILOG = """\
what it reads: the report's parts by their headings; counts of applications (only in the
依申请公开 part, only when the verb's object is an application), review and litigation cases,
shares, the named rates, year-on-year changes, claims in words and stated totals; tables in
HTML and in text (| or tab or space separated); unit and year from the title and the 统计期限.

findings: error (a contradiction), warning (right only when truncated, or against another
plausible base, or blank cells read as 0), unverifiable (无法复核: the base is nowhere given).
Every share shows its numerator, its base and the words they were read from.

a corpus (several paths, or a folder searched recursively) is written to --out as
documents, cells, statements and findings (.parquet and .csv) with corpus.html and corpus.pdf;
a rerun audits only new or changed files; Ctrl-C keeps what was audited for the next run.

The exit code is 1 when an audit found an error (or, for a corpus, a file could not be audited)."""

SINGLE_FILE_ONLY = ("unit", "year", "json", "html", "pdf", "force")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="the published report: a saved page (.html), text (.txt), PDF, DOCX, DOC, WPS or an image, "
        "recognised by its content; traditional characters are read as simplified. Several paths, or a "
        "folder: a corpus",
    )  # fmt: skip
    parser.add_argument("--unit", help="the unit (id or name) when the page's title does not say, or to override it")
    parser.add_argument("--year", type=cli_args.year, help="the reporting year when the page's title does not say")
    parser.add_argument(
        "--data", help="data folder or alias: previous years for X1/X2, and where --import writes (default: data/)"
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write the audit as JSON to PATH ('-': standard output, instead of the text)"
    )
    parser.add_argument(
        "--import", dest="do_import", action="store_true",
        help="also write the tables and narrative figures into the data folder (a corpus: each unit-year whose "
        "audit found no error; the others are listed with why)",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="with --import: write even when the audit found errors")
    parser.add_argument(
        "--html", metavar="PATH", help="also run the audit notebook and write it as a self-contained HTML page"
    )
    parser.add_argument("--pdf", metavar="PATH", help="also run the audit notebook and write it as PDF")
    parser.add_argument("--kernel", help="Jupyter kernel for the notebooks (default: nianbao, else python3)")
    _add_corpus_arguments(parser.add_argument_group("a corpus (several paths, or a folder)"))


def _add_corpus_arguments(group) -> None:
    group.add_argument(
        "--out", metavar="DIR", help="where the dataset and the corpus report go (default: outputs/corpus/)"
    )
    group.add_argument("--workers", type=cli_args.positive_int, default=2, metavar="N",
                       help="local worker processes (default: 2)")  # fmt: skip
    group.add_argument("--file-timeout", type=cli_args.positive_int, default=600, metavar="SECONDS",
                       help="seconds one file may take; a file that takes longer is stopped and reported (default: 600)")  # fmt: skip
    group.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="audit on a Dask cluster (files and --out at the same paths on every machine)")  # fmt: skip
    group.add_argument("--rerun", action="store_true", help="audit every file again, changed or not")
    group.add_argument("--retry-failed", action="store_true", help="audit again the files whose audit failed before")
    group.add_argument(
        "--no-report", action="store_true", help="write the dataset only, not corpus.html and corpus.pdf"
    )


def is_corpus(paths: list[str]) -> bool:
    return len(paths) > 1 or Path(paths[0]).is_dir()


def run(args: argparse.Namespace) -> int:
    if is_corpus(args.paths):
        return run_corpus(args)
    args.file = args.paths[0]
    return run_one(args)


def run_one(args: argparse.Namespace) -> int:
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


def run_corpus(args: argparse.Namespace) -> int:
    from nianbao.audit.corpus import CorpusOptions, Interrupted, audit_corpus, describe
    from nianbao.roots import outputs_dir

    given = [f"--{name.replace('_', '-')}" for name in SINGLE_FILE_ONLY if getattr(args, name, None)]
    if given:
        print(f"nianbao audit: {', '.join(given)} apply to one file; a corpus is written to --out", file=sys.stderr)
        return 2
    out = outputs_dir(args.out) if args.out else outputs_dir(None) / "corpus"
    options = CorpusOptions(out, args.workers, float(args.file_timeout), args.scheduler,
                            str(args.data) if args.data else None, args.rerun, args.retry_failed)  # fmt: skip
    try:
        done = audit_corpus(args.paths, options)
    except Interrupted as exc:
        print(f"nianbao audit: {exc}", file=sys.stderr)
        return 130
    print(describe(done))
    if not args.no_report:
        from nianbao.audit.corpus.export import export_corpus_report

        for path in export_corpus_report(out, kernel=args.kernel).values():
            print(f"wrote {path}")
    if args.do_import:
        _import(out, options, args.data)
    return 1 if done.failed or done.errors else 0


def _import(out: Path, options, data) -> None:
    from nianbao.audit.corpus.imports import import_corpus

    imported = import_corpus(out, options, data)
    for path, unit, year, written in imported.written:
        print(f"imported {unit} {year} from {path} into {written}")
    for path, why in imported.skipped:
        print(f"not imported: {path}: {why}")
    print(f"{len(imported.written)} unit-year(s) imported, {len(imported.skipped)} document(s) not imported")
