"""``nianbao check``: run every rule over the data folder (one unit-year or all of them).

The Python API is :func:`findings_for` (one unit-year, as the report runner needs it) and
:func:`check_data` (many); :func:`format_text` and :func:`to_json` present a :class:`CheckResult`.
The command itself is :mod:`nianbao.cli.commands.check`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.atomic import write_atomic
from nianbao.data.model import UnitYear
from nianbao.data.store import DataStore
from nianbao.data.units import registry_for
from nianbao.errors import EXIT_FAILED, DataError, NianbaoError
from nianbao.roots import shown
from nianbao.rules import RULES, check_unit_year
from nianbao.rules import findings as fnd
from nianbao.rules.findings import Finding


@dataclass
class CheckResult:
    data_dir: Path
    checked: list[UnitYear] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    file_errors: list[DataError] = field(default_factory=list)  # files that could not be read

    @property
    def errors(self) -> int:
        return fnd.counts(self.findings)[fnd.ERROR] + len(self.file_errors)

    @property
    def warnings(self) -> int:
        return fnd.counts(self.findings)[fnd.WARNING]

    def exit_code(self, strict: bool = False) -> int:
        """0: no error (warnings allowed unless ``strict``); 1: a rule found an error, or a file
        (a data file, the unit registry) could not be read."""
        return 1 if self.errors or (strict and self.warnings) else 0


def data_file_locator(table: str, row_id: str, col_id: str | None) -> str | None:
    """Where a cell lives in a data file, as a key path (``table_b.granted.total``)."""
    if table == "B":
        if row_id.startswith("group:"):
            return f"table_b_groups.{row_id[len('group:') :]}.{col_id}"
        return f"table_b.{row_id}.{col_id}"
    if table == "C":
        return f"table_c.{row_id}.{col_id}"
    if table == "A":
        return f"table_a.{row_id}.{col_id}"
    if table == "text":
        return f"statements: {row_id}"
    return None


class _Loader:
    """Loads each unit-year once; remembers files that could not be read."""

    def __init__(self, store: DataStore):
        self.store = store
        self.cache: dict[tuple[str, int], UnitYear | None] = {}
        self.errors: dict[Path, DataError] = {}

    def get(self, unit: str, year: int) -> UnitYear | None:
        key = (unit, year)
        if key not in self.cache:
            path = self.store.path(unit, year)
            uy = None
            if path.exists():
                try:
                    uy = self.store.load(unit, year)
                except DataError as exc:
                    self.errors[path] = exc
            self.cache[key] = uy
        return self.cache[key]


def check_data(
    data_dir: Path | str | None = None,
    unit: str | None = None,
    year: int | None = None,
    rules: Iterable[str] | None = None,
) -> CheckResult:
    """Check the unit-years under ``data_dir`` (default: the project's data/), all or one unit's
    or one unit-year. The previous year (X1, X2) and member units (G1) are read when present."""
    store = DataStore(data_dir or None).require()
    loader = _Loader(store)
    registry_error = _registry_problem(store)
    if unit is not None:
        unit = store.resolve_unit(unit)
        years = [int(year)] if year is not None else store.years(unit)
        if year is not None and not store.path(unit, int(year)).exists():
            store.load(unit, int(year))  # raises a DataError that names the years there are
        targets = [(unit, y) for y in years]
    else:
        targets = [(u, y) for u, y in store.all() if year is None or y == int(year)]
    rule_ids = list(rules) if rules is not None else None
    result = CheckResult(store.root)
    for u, y in targets:
        uy = loader.get(u, y)
        if uy is None:
            continue
        members = [m for m in (loader.get(mid, y) for mid in uy.compiled_from) if m is not None]
        result.checked.append(uy)
        result.findings.extend(
            check_unit_year(uy, prev=loader.get(u, y - 1), members=members, locate=data_file_locator, rules=rule_ids)
        )
    result.file_errors = [*registry_error, *_strays(store, unit), *loader.errors.values()]
    return result


def _registry_problem(store: DataStore) -> list[DataError]:
    """The unit registry the data folder uses, read as ``nianbao report`` reads it."""
    try:
        registry_for(store.root)
    except DataError as exc:
        return [exc]
    return []


def _strays(store: DataStore, unit: str | None) -> list[DataError]:
    """Files under ``units/`` that look like data but that nothing reads (never skipped silently)."""
    out = []
    for path in store.strays():
        if unit is not None and path.parent.name != unit:
            continue
        what = (
            "a .yaml file not named <year>.yaml"
            if path.is_file()
            else "not a unit folder (a unit id is lower-case ascii letters, digits, '_' or '-')"
        )
        out.append(DataError(f"{path}: {what}: it is not read; rename or remove it", path=path))
    return out


def findings_for(unit: str, year: int, data_dir: Path | str | None = None) -> list[Finding]:
    """Every finding for one unit-year (what ``nianbao report`` checks before it builds).

    Raises :class:`DataError` when the unit-year's data cannot be read.
    """
    result = check_data(data_dir, unit, int(year))
    target = DataStore(data_dir or None).path(DataStore(data_dir or None).resolve_unit(unit), int(year))
    for err in result.file_errors:
        if err.path == target:
            raise err
    return result.findings


# ---------------------------------------------------------------------------------------------
# presentation
# ---------------------------------------------------------------------------------------------


def format_text(result: CheckResult, *, quiet: bool = False) -> str:
    """Findings grouped by data file, errors first, then a summary line."""
    lines: list[str] = []
    for err in result.file_errors:
        lines.append(f"{shown(err.path)}: cannot be read")
        lines.append(f"  error   {err}")
    by_file: dict[tuple[str, int], list[Finding]] = {}
    for f in result.findings:
        by_file.setdefault((f.unit, f.year), []).append(f)
    for uy in result.checked:
        items = fnd.sorted_findings(by_file.get((uy.unit, uy.year), []))
        if not items:
            continue
        lines.append(
            f"{shown(uy.path)} — {uy.unit_name} {uy.year} (format {uy.format_version}): {fnd.summary_line(items)}"
        )
        if not quiet:
            lines.extend("  " + f.text().replace("\n", "\n  ") for f in items)
    n = len(result.checked)
    files_with = len({(f.unit, f.year) for f in result.findings})
    summary = f"Checked {n} unit-year{'s' if n != 1 else ''} under {shown(result.data_dir)}: "
    summary += f"{result.errors} error{'s' if result.errors != 1 else ''}, "
    summary += f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
    if files_with:
        summary += f" in {files_with} of them"
    if result.file_errors:
        summary += f"; {len(result.file_errors)} file(s) could not be read"
    lines.append(summary + ".")
    return "\n".join(lines)


def to_json(result: CheckResult) -> dict:
    return {
        "data_dir": str(result.data_dir),
        "checked": [
            {"unit": u.unit, "year": u.year, "format_version": u.format_version, "path": str(u.path)}
            for u in result.checked
        ],
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [f.to_dict() for f in fnd.sorted_findings(result.findings)],
        "file_errors": [
            {"path": str(e.path) if e.path else None, "location": e.location, "message": str(e)}
            for e in result.file_errors
        ],
        "rules": {
            r.id: {"severity": r.severity, "title": r.title, "formula": r.formula, "scope": r.scope}
            for r in RULES.values()
        },
    }


def write_json(payload: dict, target: str) -> None:
    """``-`` writes to standard output; a path is written atomically."""
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        write_atomic(Path(target), text)


# ---------------------------------------------------------------------------------------------
# the report's gate
# ---------------------------------------------------------------------------------------------


class DataHasErrors(NianbaoError):
    """The data of a unit-year breaks a rule: ``nianbao report`` refuses it unless forced."""

    exit_code = EXIT_FAILED

    def __init__(self, unit: str, year: int, found: list[Finding], data_dir: Path | str | None = None):
        errors = fnd.sorted_findings(f for f in found if f.is_error)
        listed = "\n".join("  " + f.text().replace("\n", "\n  ") for f in errors[:10])
        more = f"\n  … and {len(errors) - 10} more" if len(errors) > 10 else ""
        super().__init__(
            f"the data for {unit} {year} has {len(errors)} error{'s' if len(errors) != 1 else ''}; fix the data "
            f"(`nianbao check --unit {unit} --year {year}{f' --data {data_dir}' if data_dir else ''}` lists them) or build the report anyway with --force:"
            f"\n{listed}{more}"
        )
        self.findings = found


def report_gate(unit: str, year: int, data_dir: Path | str | None = None, *, force: bool = False) -> list[Finding]:
    """What ``nianbao report`` calls before building: the unit-year's findings. Raises
    :class:`DataHasErrors` when there is an error, unless ``force``."""
    found = findings_for(unit, year, data_dir)
    if fnd.has_errors(found) and not force:
        raise DataHasErrors(unit, int(year), found, data_dir)
    return found
