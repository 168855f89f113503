"""The wheel's one build step (everything else is in pyproject.toml): the notebooks, their
declaration ``report.toml`` and the unit registry are copied into the package as
``nianbao/bundled/``, so that an installed nianbao runs without a checkout of this repository.

The top-level ``notebooks/`` (where analysts open them) and ``data/units.yaml`` stay the one copy
in git; an editable install (``pip install -e .``, what ``make setup`` does) bundles nothing and
finds them in the checkout (``nianbao/roots.py``). ``MANIFEST.in`` puts them into the sdist too,
so a wheel built from the sdist carries them as well.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def bundled_files() -> dict[Path, str]:
    """Source file → its place under nianbao/bundled/."""
    files = {p: f"notebooks/{p.name}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    files[ROOT / "notebooks" / "report.toml"] = "notebooks/report.toml"
    files[ROOT / "data" / "units.yaml"] = "units.yaml"
    return files


class BuildWithBundle(build_py):
    """``build_py``, then the bundled files copied into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "nianbao" / "bundled"
        for source, name in bundled_files().items():
            if not source.is_file():
                raise SystemExit(f"cannot bundle {source}: it is missing")
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            self.copy_file(str(source), str(target / name), preserve_mode=False)


setup(cmdclass={"build_py": BuildWithBundle})
