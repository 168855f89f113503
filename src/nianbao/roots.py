"""Where nianbao finds things, and the check that keeps every write inside its folder.

**The project** is the working directory, or the nearest folder above it that holds a nianbao
project (``notebooks/report.toml`` or ``data/units.yaml``): a checkout of this repository, or a
folder a user of the installed package keeps their data in. Data and outputs are found from
there (``data/``, ``outputs/``), from options, or from ``$NIANBAO_DATA``; never from where the
package is installed. The notebooks (with ``report.toml``) and the unit registry come from the
project when it has them, else from nianbao's own copies: those the wheel carries
(``nianbao/bundled/``, put there by the build: ``setup.py``), or, for an editable install, the
checkout's.

**Writes** go through :func:`inside`: a path is resolved and refused unless it lies under the
folder it is meant for (the data folder, the output folder), before anything is written.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from nianbao.errors import OutsideRoot

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "bundled"  # notebooks/ and units.yaml inside an installed wheel
REGISTRY_FILE = "units.yaml"
SPEC_FILE = "report.toml"
PROJECT_MARKERS = ("notebooks/" + SPEC_FILE, "data/" + REGISTRY_FILE)

#: Short names for data folders inside the project's ``data/``, accepted wherever a data folder
#: is asked for (``--data demo``).
DATA_ALIASES = {"demo": "demo"}


def project_root(start: Path | str | None = None) -> Path:
    """The nianbao project of the working directory (or of ``start``): the nearest folder, from
    there upwards, with ``notebooks/report.toml`` or ``data/units.yaml``; else the folder itself."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder
    return here


def own_copy(bundled: str, in_checkout: str) -> Path:
    """One of nianbao's own files: bundled in the installed wheel, or (an editable install) in the
    checkout the package is in."""
    path = BUNDLED_DIR / bundled
    return path if path.exists() else PACKAGE_DIR.parents[1] / in_checkout


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` when it declares a report, else nianbao's own notebooks."""
    own = project_root() / "notebooks"
    return own if (own / SPEC_FILE).is_file() else own_copy("notebooks", "notebooks")


def project_data_dir() -> Path:
    """The project's own ``data/`` folder (whatever ``$NIANBAO_DATA`` says)."""
    return project_root() / "data"


def default_data_dir() -> Path:
    """``$NIANBAO_DATA`` if set, else the project's ``data/`` folder."""
    env = os.environ.get("NIANBAO_DATA")
    return resolve_data_dir(env) if env else project_data_dir()


def resolve_data_dir(value: Path | str | None) -> Path:
    """A data folder from a path or an alias (``demo`` → the project's ``data/demo``, the folder
    ``nianbao demo`` writes); empty or None means the default folder."""
    if value is None or str(value) == "":
        return default_data_dir()
    if str(value) in DATA_ALIASES and not Path(value).exists():
        return project_data_dir() / DATA_ALIASES[str(value)]
    return Path(value).resolve()


def default_registry_path() -> Path:
    """The unit registry: the project's ``data/units.yaml``, else nianbao's own."""
    own = project_data_dir() / REGISTRY_FILE
    return own if own.is_file() else own_copy(REGISTRY_FILE, f"data/{REGISTRY_FILE}")


def outputs_dir(out: Path | str | None) -> Path:
    """The output folder asked for, or the project's ``outputs/``, as an absolute path."""
    return (Path(out) if out else project_root() / "outputs").resolve()


def work_dir() -> Path:
    """Where ``nianbao prepare`` puts notebooks to explore: the project's ``work-notebooks/``."""
    return project_root() / "work-notebooks"


# ---------------------------------------------------------------------------------------------
# outputs of other data folders
# ---------------------------------------------------------------------------------------------


def data_tag(data_dir: Path | str | None) -> str | None:
    """The name of the output tree of a data folder: None for the default data folder (its
    outputs go straight into the output folder), else a name of its own, so that outputs made
    from other data never replace the real ones.

    * a folder inside the project's ``data/`` (an alias such as ``demo``, ``data/draft``): its
      path there, ``demo`` or ``draft``;
    * any other folder: its name and a digest of its whole path (``data-1a2b3c4d``), so that two
      folders of the same name never share a tree.
    """
    folder = resolve_data_dir(data_dir)
    if folder == default_data_dir().resolve():
        return None
    try:
        inner = folder.relative_to(project_data_dir().resolve())
    except ValueError:
        inner = None
    if inner is not None and inner.parts:
        tag = _slug("-".join(inner.parts))
        if tag:
            return tag
    digest = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:8]
    return f"{_slug(folder.name) or 'data'}-{digest}"


def output_tree(out: Path | str | None, data_dir: Path | str | None) -> Path:
    """The folder a run's outputs go under. The project's ``outputs/`` (the default) is shared by
    every data folder: outputs of the default data go straight into it, those of any other data
    folder into ``outputs/<tag>/`` (:func:`data_tag`). Any other output folder, named with
    ``--out``, is used as it is."""
    base = outputs_dir(out)
    if base != outputs_dir(None):
        return base
    tag = data_tag(data_dir)
    return inside(base, tag) if tag else base


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:40]


# ---------------------------------------------------------------------------------------------
# paths written, and paths shown
# ---------------------------------------------------------------------------------------------


def inside(root: Path | str, *parts: str | os.PathLike) -> Path:
    """``root / parts``, resolved; :class:`OutsideRoot` unless it lies under ``root`` (resolved
    too). Every path nianbao writes under a folder it was given is made with this."""
    base = Path(root).resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        shown_parts = "/".join(str(p) for p in parts)
        raise OutsideRoot(
            f"refusing to write {shown_parts!r}: it resolves to {target}, outside {base}, the folder it belongs in",
            path=target,
        )
    return target


def shown(path: Path | str | None) -> str:
    """A path as shown to people: relative to the working directory when inside it, else whole."""
    if path is None:
        return ""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
