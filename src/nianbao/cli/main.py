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
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: the project's data/)")
    parser.add_argument(
        "--sections", type=_comma_list, default=None, metavar="LIST",
        help="parts to run, by number or id, e.g. 3,4 (default: all; the combined report needs all)",
    )
    parser.add_argument("--workers", type=_positive_int, default=None, help="worker processes (default: 2)")
    parser.add_argument(
        "--formats", type=_comma_list, default=None, metavar="LIST", help="export formats: html,pdf (default: both)"
    )
    parser.add_argument("--spec", type=Path, default=None, help="report declaration (default: notebooks/report.toml)")
    parser.add_argument("--kernel", default=None, help="Jupyter kernel (default: the spec's, else python3)")
    parser.add_argument("--timeout", type=_positive_int, default=None, help="seconds one cell may run (default: 600)")
    parser.add_argument(
        "--force", "--continue-on-errors", dest="force", action="store_true",
        help="build even when `nianbao check` finds errors in the data",
    )


def _report(args: argparse.Namespace) -> int:
    from nianbao.run import report as runner
    from nianbao.rules.check import report_gate

    checked = report_gate(args.unit, args.year, args.data, force=args.force)  # refuses data with errors
    if checked:
        from nianbao.rules.findings import summary_line

        print(f"data check: {summary_line(checked)} (`nianbao check --unit {args.unit} --year {args.year}` for details)")

    def show(result: runner.SectionResult) -> None:
        print(format_section(result), flush=True)

    kwargs = {"timeout": args.timeout} if args.timeout else {}
    report = runner.build_report(
        args.unit,
        args.year,
        out=args.out,
        data_dir=args.data,
        sections=args.sections,
        workers=args.workers,
        formats=args.formats,
        spec=args.spec,
        kernel=args.kernel,
        on_section=show,
        **kwargs,
    )
    for line in format_summary(report):
        print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


def format_section(result) -> str:
    """One line for a section (plus the failing cell and its error, indented, for a failure)."""
    head = f"{result.stem:<24} {'ok' if result.ok else 'FAILED':<6} {result.seconds:6.1f}s"
    if result.ok:
        return f"{head}  " + " ".join(_shown(p) for p in result.outputs.values())
    lines = [f"{head}  {result.notebook.name}"]
    err = result.error
    if err is not None:
        where = f"cell {err.cell_number}" + (f", line {err.line}" if err.line else "")
        count = f" (In [{err.execution_count}])" if err.execution_count is not None else ""
        lines.append(f"    {where}{count}: {err.ename}: {err.evalue}")
        lines.extend(f"    | {line}" for line in err.source.splitlines())
    else:
        lines.append(f"    {result.stage}: {result.message}")
    if result.executed is not None:
        lines.append(f"    executed notebook kept: {_shown(result.executed)}")
    return "\n".join(lines)


def format_summary(report) -> list[str]:
    lines = []
    if report.combined:
        lines.append(f"{'report':<24} {'ok':<6} {'':>7}  " + " ".join(_shown(p) for p in report.combined.values()))
    elif report.combined_error:
        lines.append(f"{'report':<24} FAILED          {report.combined_error}")
    elif report.combined_skipped:
        lines.append(f"{'report':<24} {'-':<6} {'':>7}  {report.combined_skipped}")
    failed = len(report.failed) + (1 if report.combined_error else 0)
    status = "ok" if report.ok else f"{failed} failed"
    lines.append(f"{report.unit} {report.year}: {status} in {report.seconds:.1f}s (kernel {report.kernel}) → {_shown(report.folder)}")
    return lines


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it, else as it is."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _comma_list(text: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list")
    return items


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


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
        p.set_defaults(_handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on usage errors
    try:
        return int(args._handler(args))  # noqa: SLF001
    except NianbaoError as exc:
        print(f"nianbao {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
