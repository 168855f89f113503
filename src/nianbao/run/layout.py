"""Where each run writes, under the output folder (``outputs/`` by default)::

OUT/<unit>/<year>/                      nianbao report (and each batch job)
OUT/<unit>/trends/trends_<first>-<last>.*   nianbao trends
OUT/<parent>/<year>/comparison.*        nianbao compare --parent
OUT/comparisons/<year>/<units>/comparison.*  nianbao compare --units
"""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.roots import outputs_dir


def report_folder(out: Path | str | None, unit: str, year: int) -> Path:
    return outputs_dir(out) / unit / str(int(year))


def trends_target(unit: str, first_year: int, last_year: int, out: Path | str | None) -> tuple[Path, str]:
    """(folder, file stem) of a unit's trends over a range of years."""
    return outputs_dir(out) / unit / "trends", f"trends_{first_year}-{last_year}"


def comparison_target(year: int, parent: str | None, units: list[str], out: Path | str | None) -> tuple[Path, str]:
    """(folder, file stem) of a comparison: beside the parent's report, or under comparisons/."""
    base = outputs_dir(out)
    if parent and not units:
        return base / parent / str(year), "comparison"
    slug = re.sub(r"[^a-z0-9_-]+", "-", "_".join(units).lower())[:60] or "units"
    return base / "comparisons" / str(year) / slug, "comparison"
