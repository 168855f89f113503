"""Subcommands of ``nianbao`` beyond ``report``: one module each, found by :mod:`nianbao.cli`.

A module here defines ``add_arguments(parser)`` and ``run(args) -> int`` (the exit code), and
optionally ``HELP`` (the one-line help; default: the first line of its docstring) and ``NAME``
(default: the module name with ``_`` turned into ``-``). Keep module-level imports light: every
``nianbao`` invocation imports all of these modules to build its argument parser.
"""
