"""environment.yml must list the same dependencies as pyproject.toml."""

import re
import tomllib

import yaml

#: conda-forge's names of packages whose PyPI name differs.
CONDA_NAMES = {"python-fastjsonschema": "fastjsonschema"}


def _name_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*([^#]*)", req)
    name = m.group(1).lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject(project_root):
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = dict(_name_spec(r) for r in pyproject["project"]["dependencies"])
    wanted.update(_name_spec(r) for r in pyproject["project"]["optional-dependencies"]["dev"])
    env = yaml.safe_load((project_root / "environment.yml").read_text(encoding="utf-8"))
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = _name_spec(dep)
            if name not in ("python", "pip"):
                conda[name] = spec
    assert conda == wanted
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part
    assert "jupyterlab" in conda


def test_committed_notebooks_carry_no_outputs_and_keep_tags(project_root):
    import json

    for path in sorted((project_root / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path.name
        assert "parameters" in code[0]["metadata"].get("tags", []), path.name


def _locked(project_root) -> dict[str, list[str]]:
    """name → pinned versions in requirements.lock (a name may be pinned twice, for two Pythons)."""
    pins: dict[str, list[str]] = {}
    for line in (project_root / "requirements.lock").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if m:
            pins.setdefault(m.group(1).lower().replace("_", "-"), []).append(m.group(2))
    return pins


def test_lock_pins_every_dependency_within_pyproject(project_root):
    """requirements.lock (uv pip compile, `make lock`) is in step with pyproject.toml: every
    direct dependency is pinned there, with hashes, at a version its specifier allows."""
    from packaging.requirements import Requirement

    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]
    pins = _locked(project_root)
    for text in wanted:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        for version in pins[name]:
            assert req.specifier.contains(version, prereleases=True), (
                f"{name}=={version} is outside {req.specifier}: run `make lock`"
            )
    lock = (project_root / "requirements.lock").read_text(encoding="utf-8")
    assert "--hash=sha256:" in lock
    assert "uv pip compile pyproject.toml --extra dev" in lock


def test_requires_python_is_what_is_tested(project_root):
    import sys

    from packaging.specifiers import SpecifierSet

    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    claimed = SpecifierSet(pyproject["project"]["requires-python"])
    assert claimed.contains(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert not claimed.contains("3.10"), "tomllib needs 3.11: do not claim 3.10"
