"""Where nianbao's own files are (notebooks, the unit registry) and where it reads data and
writes outputs by default.

Everything else takes these as arguments: a data folder, an output folder. The defaults are the
project's folders: ``data/`` (or ``$NIANBAO_DATA``), ``outputs/`` and ``notebooks/``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]  # the checkout: src/nianbao/ → ./
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_OUTPUTS = PROJECT_ROOT / "outputs"
DEFAULT_DATA = PROJECT_ROOT / "data"
REGISTRY_FILE = "units.yaml"

#: Short names for data folders, accepted wherever a data folder is asked for (``--data demo``).
DATA_ALIASES = {"demo": "data/demo"}


def default_data_dir() -> Path:
    """``$NIANBAO_DATA`` if set, else the project's ``data/`` folder."""
    env = os.environ.get("NIANBAO_DATA")
    return resolve_data_dir(env) if env else DEFAULT_DATA


def resolve_data_dir(value: Path | str | None) -> Path:
    """A data folder from a path or an alias (``demo`` → the project's ``data/demo``, the folder
    ``nianbao demo`` writes); empty or None means the default folder."""
    if value is None or str(value) == "":
        return default_data_dir()
    if str(value) in DATA_ALIASES and not Path(value).exists():
        return PROJECT_ROOT / DATA_ALIASES[str(value)]
    return Path(value).resolve()


def default_registry_path() -> Path:
    """The project's unit registry, ``data/units.yaml``."""
    return DEFAULT_DATA / REGISTRY_FILE


def outputs_dir(out: Path | str | None) -> Path:
    """The output folder asked for, or the project's ``outputs/``, as an absolute path."""
    return (Path(out) if out else DEFAULT_OUTPUTS).resolve()


def shown(path: Path | str | None) -> str:
    """A path as shown to people: relative to the working directory when inside it, else whole."""
    if path is None:
        return ""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
