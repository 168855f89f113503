"""The ``nianbao`` command: argument parsing only; every subcommand calls a public function."""

from nianbao.cli.main import COMMANDS, build_parser, main, register, run

__all__ = ["COMMANDS", "build_parser", "main", "register", "run"]
