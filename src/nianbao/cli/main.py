"""The ``nianbao`` command: a thin shell over the Python API.

Subcommands live in a registry, :data:`COMMANDS`: name → :class:`Command` (help text, a function
that adds the subcommand's arguments to its parser, a handler that takes the parsed arguments
and returns the exit code). Every subcommand is a module in the package
:mod:`nianbao.cli.commands`, found at start-up, so adding one touches no existing file::

    # src/nianbao/cli/commands/check.py
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

from nianbao.errors import NianbaoError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.Namespace], int]


#: name → Command; :func:`_discover` adds every module of nianbao.cli.commands.
COMMANDS: dict[str, Command] = {}

#: The package whose modules are subcommands.
COMMANDS_PACKAGE = "nianbao.cli.commands"


def register(
    name: str,
    help: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    handler: Callable[[argparse.Namespace], int],
) -> None:
    """Add (or replace) the subcommand ``name``."""
    COMMANDS[name] = Command(help, add_arguments, handler)


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
        except Exception as exc:
            print(f"nianbao: subcommand module {info.name!r} not loaded: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if hasattr(module, "add_arguments") and hasattr(module, "run"):
            name = getattr(module, "NAME", info.name.replace("_", "-"))
            help_text = getattr(
                module, "HELP", (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
            )
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
