"""Parameterized, unexecuted copies of the notebooks (papermill's prepare-only), so an analyst
starts from any unit-year in JupyterLab without editing a parameters cell by hand.

The copies go to a working folder outside git (``work-notebooks/<unit>/<year>/`` by default);
``data_dir`` in them is the absolute data folder, so they run from wherever they are opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nianbao.data.store import DataStore
from nianbao.data.units import registry_for
from nianbao.errors import NianbaoError
from nianbao.roots import data_tag, inside, resolve_data_dir, work_dir
from nianbao.run.notebooks import load_report_spec

TRENDS_YEARS = 5  # the trends notebook looks back this many years, as far as there is data


@dataclass(frozen=True)
class Prepared:
    unit: str
    year: int
    folder: Path
    notebooks: tuple[Path, ...]


def prepare(
    unit: str,
    year: int,
    *,
    sections: list[str] | None = None,
    out: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> Prepared:
    """Write parameterized copies of the chosen notebooks (default: the six sections, the trends
    notebook, and the comparison notebook when the unit's own units have data for the year)."""
    import papermill

    data = resolve_data_dir(data_dir)
    store = DataStore(data)
    unit_id = store.resolve_unit(unit)
    year = int(year)
    store.load(unit_id, year)  # fail now, not in JupyterLab, when there is no such unit-year
    tag = data_tag(data)  # the notebooks of other data folders in a tree of their own, as outputs are
    folder = Path(out).resolve() if out else inside(work_dir(), *([tag] if tag else []), unit_id, str(year))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook, parameters in _plan(unit_id, year, store, sections):
        target = folder / notebook.name
        papermill.execute_notebook(
            str(notebook), str(target), parameters=parameters, prepare_only=True, language="python",
            kernel_name="nianbao", progress_bar=False, log_output=False,
        )  # fmt: skip
        written.append(target)
    return Prepared(unit_id, year, folder, tuple(written))


def _plan(unit: str, year: int, store: DataStore, sections: list[str] | None) -> list[tuple[Path, dict]]:
    spec = load_report_spec()
    data = str(store.root)
    registry = registry_for(store.root)
    children = registry.children(unit) if registry.find(unit) else []
    has_units = any(store.try_load(c.id, year) is not None for c in children)
    years = [y for y in store.years(unit) if year - TRENDS_YEARS < y <= year]
    extra = {
        "trends": (
            spec.notebook("trends").notebook,
            {"unit": unit, "first_year": min(years), "last_year": year, "data_dir": data},
        ),
        "comparison": (
            spec.notebook("comparison").notebook,
            {"year": year, "units": "", "parent": unit, "data_dir": data},
        ),
    }
    keys = sections or [str(s.part) for s in spec.sections] + ["trends"] + (["comparison"] if has_units else [])
    plan = []
    for key in keys:
        if key in extra:
            if key == "comparison" and not has_units:
                raise NianbaoError(
                    f"{unit} has no units with {year} data to compare; use the comparison notebook with units=..."
                )
            plan.append(extra[key])
            continue
        try:
            section = spec.section(int(key) if key.isdigit() else key)
        except KeyError:
            valid = ", ".join([f"{s.part} ({s.id})" for s in spec.sections] + list(extra))
            raise NianbaoError(f"no section {key!r}; sections are {valid}") from None
        plan.append((section.notebook, {"unit": unit, "year": year, "data_dir": data}))
    return plan
