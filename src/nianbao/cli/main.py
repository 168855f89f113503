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

Exit codes: 0 all fine; 1 what was given is wrong or something failed (a data file, workbook or
page that breaks the format or the rules, a file that cannot be read or written, a section
notebook that failed); 2 the command line asks for something that cannot be done (see
:mod:`nianbao.errors`). :func:`main` is the one error boundary: every expected failure
(:class:`~nianbao.errors.NianbaoError`, :class:`OSError` such as permission denied or a
read-only folder, text that cannot be decoded, memory exhausted) becomes a message naming the
file, without a traceback; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nianbao.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, NianbaoError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "COMMANDS", "build_parser", "main", "register"]
EXIT_INTERRUPTED = 130


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
    parser.add_argument("--debug", action="store_true", help="on an error, show its traceback (for bug reports)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.set_defaults(handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)  # exits with 2 on usage errors
    try:
        return int(options.handler(options))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if options.debug:
            raise
        code, message = explain(exc)
        print(f"nianbao {options.command}: error: {message}", file=sys.stderr)
        return code


def run() -> None:
    """The ``nianbao`` program: :func:`main`, then exit with its code.

    Before exiting, everything the command left in memory is frozen out of the garbage
    collector: the interpreter's last collection would otherwise walk it all (a report leaves
    150,000 objects of page layouts behind: 0.2 s of every ``nianbao report``). Exit handlers
    still run. (Not in :func:`main`, which tests call many times in one process.)

    A Ctrl-C that comes after the command has returned (a second one, pressed while the first
    was stopping the workers, say) finds nothing left to stop: it is ignored, and the command
    exits as interrupted, without a traceback."""
    import gc
    import signal

    try:
        code = main()
    except KeyboardInterrupt:  # after main()'s own handling: the command is over
        code = EXIT_INTERRUPTED
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    sys.exit(code)


def explain(exc: BaseException) -> tuple[int, str]:
    """(exit code, message) for an error that stopped a command."""
    if isinstance(exc, NianbaoError):
        return exc.exit_code, str(exc)
    if isinstance(exc, OSError):
        return EXIT_FAILED, os_message(exc)
    if isinstance(exc, UnicodeError):
        return EXIT_FAILED, f"text that is not in the expected encoding: {exc}"
    if isinstance(exc, MemoryError):
        return EXIT_FAILED, "out of memory: the input is too large to handle on this machine"
    first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return (
        EXIT_FAILED,
        f"internal error: {type(exc).__name__}: {first} (run again with --debug for the traceback, and report it)",
    )


def os_message(exc: OSError) -> str:
    """An :class:`OSError` as one line: the file, what went wrong, and what to do."""
    what = {
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device",
        errno.ENOENT: "no such file or folder",
        errno.ENOTDIR: "a file where a folder was expected",
        errno.EISDIR: "a folder where a file was expected",
        errno.EEXIST: "already exists",
    }.get(exc.errno or -1, exc.strerror or str(exc))
    files = " → ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
    hint = (
        " (check the folder's owner and permissions)" if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else ""
    )
    return f"{files}: {what}{hint}" if files else f"{what}{hint}"


if __name__ == "__main__":
    sys.exit(main())
