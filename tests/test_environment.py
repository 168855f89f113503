"""environment.yml must list the same dependencies as pyproject.toml."""

import re
import tomllib

import yaml


def _name_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


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
