"""The ``nianbao`` command: a thin shell over the Python API.

Subcommands live in a registry, :data:`COMMANDS`: name → :class:`Command` (help text, a function
that adds the subcommand's arguments to its parser, a handler that takes the parsed arguments
and returns the exit code). ``report`` is registered here. Any other subcommand is a module in
the package :mod:`nianbao.commands`, found at start-up, so adding one touches no existing file::

    # src/nianbao/commands/check.py
    HELP = "check a unit-year's figures against the rules of the format"

    def add_arguments(parser): parser.add_argument("--unit", default="shanghai")

    def run(args) -> int:  # import heavy things here, not at module level
        ...
        return 0

(``NAME`` may override the subcommand's name, which defaults to the module's name with ``_``
turned into ``-``.) :func:`register` adds a subcommand from code.

Exit codes: 0 all fine, 1 something failed (e.g. a section notebook), 2 usage or data errors.
A :class:`~nianbao.errors.NianbaoError` is printed as a one-line message, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nianbao.cli import args
from nianbao.errors import NianbaoError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


#: name → Command. ``report`` is registered below; :func:`_discover` adds nianbao.commands.*.
COMMANDS: dict[str, Command] = {}

#: The package whose modules are subcommands.
COMMANDS_PACKAGE = "nianbao.cli.commands"


def register(
    name: str,
    help: str,  # noqa: A002 - argparse's own word
    add_arguments: Callable[[argparse.ArgumentParser], None],
    handler: Callable[[argparse.Namespace], int],
) -> None:
    """Add (or replace) the subcommand ``name``."""
    COMMANDS[name] = Command(help, add_arguments, handler)


# ---------------------------------------------------------------------------------------------
# nianbao report
# ---------------------------------------------------------------------------------------------


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unit", default="shanghai", help="reporting unit id (default: shanghai)")
    parser.add_argument("--year", type=int, default=2020, help="reporting year (default: 2020)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: the project's outputs/)")
    args.add_data(parser)
    parser.add_argument(
        "--sections", type=args.comma_list, default=None, metavar="LIST",
        help="parts to run, by number or id, e.g. 3,4 (default: all; the combined report needs all)",
    )  # fmt: skip
    parser.add_argument("--workers", type=args.positive_int, default=None, help="worker processes (default: 2)")
    parser.add_argument("--spec", type=Path, default=None, help="report declaration (default: notebooks/report.toml)")
    args.add_run_options(parser)
    args.add_force(parser, "build even when `nianbao check` finds errors in the data")


def _report(options: argparse.Namespace) -> int:
    from nianbao.rules.findings import summary_line
    from nianbao.run.report import build_report

    def show(result) -> None:
        print(result.describe(), flush=True)

    report = build_report(
        options.unit, options.year, out=options.out, data_dir=options.data, sections=options.sections,
        workers=options.workers, formats=options.formats, spec=options.spec, kernel=options.kernel,
        cell_timeout=options.cell_timeout, force=options.force, on_section=show,
    )  # fmt: skip
    if report.findings:
        print(f"data check: {summary_line(report.findings)} (`nianbao check --unit {report.unit} --year {report.year}` for details)")
    for line in report.describe():
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


register("report", "run the section notebooks of one unit-year and export HTML and PDF", _report_arguments, _report)


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def _discover() -> None:
    """Register every module of :data:`COMMANDS_PACKAGE` that defines ``add_arguments`` and ``run``.

    A module that fails to import is reported and skipped: one broken subcommand must not take
    the others down with it.
    """
    package = importlib.import_module(COMMANDS_PACKAGE)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{COMMANDS_PACKAGE}.{info.name}")
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            print(f"nianbao: subcommand module {info.name!r} not loaded: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if hasattr(module, "add_arguments") and hasattr(module, "run"):
            name = getattr(module, "NAME", info.name.replace("_", "-"))
            help_text = getattr(module, "HELP", (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else "")
            COMMANDS.setdefault(name, Command(help_text, module.add_arguments, module.run))


def build_parser() -> argparse.ArgumentParser:
    from nianbao import __version__

    _discover()
    parser = argparse.ArgumentParser(
        prog="nianbao", description="Government information disclosure annual reports from parameterized notebooks."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.set_defaults(handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)  # exits with 2 on usage errors
    try:
        return int(options.handler(options))
    except NianbaoError as exc:
        print(f"nianbao {options.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
