"""The report declaration (``notebooks/report.toml``): sections in order, notebooks, formats."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from nianbao.format import schema
from nianbao.data.files import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_OUTPUTS = PROJECT_ROOT / "outputs"


@dataclass(frozen=True)
class Section:
    part: int
    id: str
    notebook: Path  # absolute path of the committed, unexecuted notebook

    @property
    def stem(self) -> str:
        return self.notebook.stem  # e.g. 03_applications

    def title(self, heading_variant: str = "standard") -> str:
        return schema.PART_BY_NUMBER[self.part].heading(heading_variant)


@dataclass(frozen=True)
class ReportSpec:
    title: str
    formats: tuple[str, ...]
    combined: str
    kernel: str
    sections: tuple[Section, ...]

    def section(self, key: int | str) -> Section:
        for s in self.sections:
            if key in (s.part, s.id, s.stem, str(s.part)):
                return s
        raise KeyError(f"no section {key!r}; sections are {[s.part for s in self.sections]}")


def load_report_spec(path: Path | None = None) -> ReportSpec:
    path = Path(path) if path else NOTEBOOKS_DIR / "report.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    rep = raw["report"]
    sections = tuple(
        Section(int(s["part"]), str(s["id"]), (path.parent / s["notebook"]).resolve()) for s in raw["sections"]
    )
    return ReportSpec(
        title=rep.get("title", schema.REPORT_TITLE),
        formats=tuple(rep.get("formats", ("html", "pdf"))),
        combined=rep.get("combined", "report"),
        kernel=rep.get("kernel", "nianbao"),
        sections=sections,
    )
