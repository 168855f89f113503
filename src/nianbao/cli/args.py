"""Argument types and option groups shared by the subcommands, so that an option means the same
in every command: ``--data`` a data folder or alias, ``--formats`` export formats, ``--kernel``,
``--cell-timeout`` seconds per cell, ``--force`` build despite data errors, years as
``2019-2023`` or ``2020,2022``."""

from __future__ import annotations

import argparse
import re

from nianbao.errors import NianbaoError


def comma_list(text: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list")
    return items


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def parse_years(text: str | None) -> list[int] | None:
    """``2019-2023``, ``2020,2022`` or ``2021`` → years; None or '' → None (every year with data)."""
    if not text:
        return None
    years: list[int] = []
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})\s*(?:-\s*(\d{4}))?", part)
        if not m:
            raise NianbaoError(f"years: expected e.g. 2019-2023, 2020,2022 or 2021; got {part!r}")
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if last < first:
            raise NianbaoError(f"years: {part!r} runs backwards")
        years.extend(y for y in range(first, last + 1) if y not in years)
    return years


def years(text: str) -> list[int] | None:
    """An argparse type: :func:`parse_years` with argparse's error."""
    try:
        return parse_years(text)
    except NianbaoError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def year(text: str) -> int:
    """An argparse type: one reporting year (a whole number in the range data files may hold)."""
    from nianbao.data.model import FIRST_YEAR, LAST_YEAR

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a year such as 2021, got {text!r}") from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"expected a year from {FIRST_YEAR} to {LAST_YEAR}, got {text!r}")
    return value


def scheduler_address(text: str) -> str:
    """An argparse type: a Dask scheduler's address, ``tcp://HOST:PORT`` (or tls://, ws://, wss://)."""
    if not re.fullmatch(r"(tcp|tls|ws|wss|ucx|inproc)://[^\s/:]+(:\d{1,5})?/?", text.strip()):
        raise argparse.ArgumentTypeError(f"expected a scheduler address such as tcp://HOST:8786, got {text!r}")
    return text.strip()


def year_span(text: str) -> tuple[int, int]:
    """An argparse type: a range of consecutive years ``FIRST-LAST`` (or one year) → (first, last)."""
    chosen = years(text)
    if not chosen or "," in text:
        raise argparse.ArgumentTypeError(f"expected FIRST-LAST such as 2019-2023, got {text!r}")
    return chosen[0], chosen[-1]


def add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default=None, help="data folder or alias (default: data/; 'demo' = data/demo)")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of every command that runs notebooks."""
    parser.add_argument(
        "--formats", type=comma_list, default=None, metavar="LIST", help="export formats: html,pdf (default: both)"
    )
    parser.add_argument(
        "--kernel", default=None, help="Jupyter kernel (default: the declared one, nianbao, else python3)"
    )
    parser.add_argument("--cell-timeout", type=positive_int, default=600, metavar="SECONDS",
                        help="seconds one cell may run before its notebook fails (default: 600)")  # fmt: skip


def add_force(parser: argparse.ArgumentParser, what: str) -> None:
    """``--force``: go on although the data breaks a rule (``--continue-on-errors`` is the same)."""
    parser.add_argument("--force", "--continue-on-errors", dest="force", action="store_true", help=what)
