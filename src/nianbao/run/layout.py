"""Where each run writes, under the output tree of its data (``TREE`` is the output folder,
``outputs/`` by default, for the project's own data; ``OUT/<tag>`` for any other data folder,
e.g. ``outputs/demo`` for ``--data demo``: :func:`nianbao.roots.output_tree`)::

TREE/<unit>/<year>/                          nianbao report (and each batch job)
TREE/<unit>/trends/trends_<first>-<last>.*   nianbao trends
TREE/<parent>/<year>/comparison.*            nianbao compare --parent
TREE/comparisons/<year>/<units>/comparison.* nianbao compare --units

Every folder is made from valid unit ids and checked to lie inside the tree.
"""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.data.units import check_unit_id
from nianbao.errors import UsageError
from nianbao.roots import inside, output_tree


def check_output_folder(out: Path | str | None, option: str = "--out") -> None:
    """A usage error when the output folder asked for exists as something else than a folder."""
    if out is None:
        return
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option} {path}: is a file, not a folder; name a folder (it is made if missing)")
    for parent in path.resolve().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{option} {path}: {parent} is a file, not a folder")
            break


def report_folder(out: Path | str | None, unit: str, year: int, data_dir: Path | str | None = None) -> Path:
    check_output_folder(out)
    return inside(output_tree(out, data_dir), check_unit_id(unit), str(int(year)))


def trends_target(
    unit: str, first_year: int, last_year: int, out: Path | str | None, data_dir: Path | str | None = None
) -> tuple[Path, str]:
    """(folder, file stem) of a unit's trends over a range of years."""
    check_output_folder(out)
    return inside(output_tree(out, data_dir), check_unit_id(unit), "trends"), f"trends_{first_year}-{last_year}"


def comparison_target(
    year: int, parent: str | None, units: list[str], out: Path | str | None, data_dir: Path | str | None = None
) -> tuple[Path, str]:
    """(folder, file stem) of a comparison: beside the parent's report, or under comparisons/."""
    check_output_folder(out)
    tree = output_tree(out, data_dir)
    if parent and not units:
        return inside(tree, check_unit_id(parent), str(int(year))), "comparison"
    slug = re.sub(r"[^a-z0-9_-]+", "-", "_".join(units).lower()).strip("-")[:60] or "units"
    return inside(tree, "comparisons", str(int(year)), slug), "comparison"
