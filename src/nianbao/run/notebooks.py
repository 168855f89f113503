"""The notebooks nianbao runs, declared once in ``notebooks/report.toml``: the report's sections
in order, with the report's title, formats and kernel, and the other notebooks (trends,
comparison, audit) with their titles. Everything that runs or lists a notebook reads this."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.data.model import UnitYear
from nianbao.errors import NianbaoError
from nianbao.format import schema
from nianbao.roots import SPEC_FILE, notebooks_dir
from nianbao.run.results import FORMATS


@dataclass(frozen=True)
class Section:
    """One part of the report and the notebook that makes it."""

    part: int
    id: str
    notebook: Path  # absolute path of the committed, unexecuted notebook

    @property
    def stem(self) -> str:
        return self.notebook.stem  # e.g. 03_applications

    def title(self, heading_variant: str = "standard") -> str:
        return schema.PART_BY_NUMBER[self.part].heading(heading_variant)


@dataclass(frozen=True)
class Notebook:
    """A notebook outside the report (trends, comparison, audit), run by a command of its own."""

    id: str
    notebook: Path
    title: str  # the running title of its pages, a template filled with the run's parameters

    def title_for(self, **values) -> str:
        return self.title.format(**values)


@dataclass(frozen=True)
class ReportSpec:
    title: str  # the report's title, a template: {year}, {unit_name}
    formats: tuple[str, ...]
    combined: str
    kernel: str
    sections: tuple[Section, ...]
    notebooks: dict[str, Notebook] = field(default_factory=dict)

    def section(self, key: int | str) -> Section:
        for s in self.sections:
            if key in (s.part, s.id, s.stem, str(s.part)):
                return s
        raise KeyError(f"no section {key!r}; sections are {[s.part for s in self.sections]}")

    def report_title(self, uy: UnitYear) -> str:
        """The title of ``uy``'s report: its cover, its running header, its PDF title."""
        return self.title.format(year=uy.year, unit_name=uy.unit_name)

    def notebook(self, notebook_id: str) -> Notebook:
        try:
            return self.notebooks[notebook_id]
        except KeyError:
            raise NianbaoError(
                f"no notebook {notebook_id!r} declared in {SPEC_FILE}; declared: {sorted(self.notebooks)}"
            ) from None


def load_report_spec(path: Path | None = None) -> ReportSpec:
    path = Path(path) if path else notebooks_dir() / SPEC_FILE
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    rep = raw["report"]
    sections = tuple(
        Section(int(s["part"]), str(s["id"]), (path.parent / s["notebook"]).resolve()) for s in raw["sections"]
    )
    notebooks = {
        str(n["id"]): Notebook(str(n["id"]), (path.parent / n["notebook"]).resolve(), str(n.get("title", n["id"])))
        for n in raw.get("notebooks", [])
    }
    return ReportSpec(
        title=rep.get("title", schema.REPORT_TITLE),
        formats=tuple(rep.get("formats", FORMATS)),
        combined=rep.get("combined", "report"),
        kernel=rep.get("kernel", "nianbao"),
        sections=sections,
        notebooks=notebooks,
    )


def read_spec(path: Path | str | None = None) -> ReportSpec:
    """The declaration at ``path`` (default: ``notebooks/report.toml``); a one-line error if unreadable."""
    try:
        return load_report_spec(Path(path) if path else None)
    except FileNotFoundError as exc:
        raise NianbaoError(f"no report declaration at {exc.filename}") from None
    except (ValueError, KeyError, TypeError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise NianbaoError(f"cannot read the report declaration {path or 'notebooks/report.toml'}: {exc}") from None


def select_sections(spec: ReportSpec, keys: Iterable[int | str] | None) -> list[Section]:
    """The sections to run, in report order; ``keys`` are part numbers, ids or notebook stems."""
    if keys is None:
        return list(spec.sections)
    wanted: list[Section] = []
    for key in keys:
        key = key.strip() if isinstance(key, str) else key
        try:
            section = spec.section(int(key) if isinstance(key, str) and key.isdigit() else key)
        except KeyError:
            valid = ", ".join(f"{s.part} ({s.id})" for s in spec.sections)
            raise NianbaoError(f"no section {key!r} in the report; sections are {valid}") from None
        if section not in wanted:
            wanted.append(section)
    if not wanted:
        raise NianbaoError("no sections selected")
    return [s for s in spec.sections if s in wanted]


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The export formats asked for, normalised; an unknown one is an error."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if bad:
        raise NianbaoError(f"unknown format(s) {bad}; formats are {list(FORMATS)}")
    return chosen


def installed_kernels() -> set[str]:
    """The names of the installed Jupyter kernels, found as jupyter_client's KernelSpecManager
    finds them (a ``kernel.json`` in a folder of Jupyter's kernel paths, and ipykernel's own
    ``python3`` when ipykernel is importable) without importing jupyter_client (0.12 s, on the
    way to starting the workers)."""
    import importlib.util

    from jupyter_core.paths import jupyter_path

    names = set()
    for folder in jupyter_path("kernels"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        names.update(e.name.lower() for e in entries if os.path.isfile(os.path.join(e.path, "kernel.json")))
    if importlib.util.find_spec("ipykernel") is not None:
        names.add(FALLBACK_KERNEL)
    return names


def resolve_kernel(name: str, explicit: bool = False) -> str:
    """``name`` if that Jupyter kernel is installed, else ``python3`` (unless asked for explicitly)."""
    available = installed_kernels()
    if name in available:
        return name
    if not explicit and FALLBACK_KERNEL in available:
        return FALLBACK_KERNEL
    raise NianbaoError(
        f"no Jupyter kernel {name!r} (installed: {', '.join(sorted(available)) or 'none'}); "
        "run scripts/setup.sh to register the project's kernel"
    )


FALLBACK_KERNEL = "python3"
