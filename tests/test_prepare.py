"""nianbao prepare: parameterized, unexecuted copies of the notebooks for JupyterLab."""

import json

import pytest

from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.run.prepare import prepare


def _injected(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)  # not executed
    tags = [c["metadata"].get("tags", []) for c in code]
    assert "parameters" in tags[0] and "injected-parameters" in tags[1]
    return "".join(code[1]["source"])


def test_prepare_writes_parameterized_copies(tmp_path, project_root):
    result = prepare("上海市", 2020, out=tmp_path)
    names = [p.name for p in result.notebooks]
    assert names == [
        "01_overview.ipynb",
        "02_proactive.ipynb",
        "03_applications.ipynb",
        "04_review_litigation.ipynb",
        "05_problems.ipynb",
        "06_other.ipynb",
        "trends.ipynb",
    ]  # fmt: skip  (no unit data: no comparison)
    params = _injected(tmp_path / "03_applications.ipynb")
    assert 'unit = "shanghai"' in params and "year = 2020" in params
    assert f'data_dir = "{project_root / "data"}"' in params  # absolute: runs from any folder
    trends = _injected(tmp_path / "trends.ipynb")
    assert "first_year = 2019" in trends and "last_year = 2020" in trends


def test_prepare_chosen_sections_on_demo_data(tmp_path, demo_data):
    result = prepare("shanghai", 2022, sections=["3", "comparison"], out=tmp_path, data_dir=demo_data)
    assert [p.name for p in result.notebooks] == ["03_applications.ipynb", "comparison.ipynb"]
    params = _injected(tmp_path / "comparison.ipynb")
    assert 'parent = "shanghai"' in params and "year = 2022" in params
    with pytest.raises(NianbaoError, match="no section '9'"):
        prepare("shanghai", 2022, sections=["9"], out=tmp_path, data_dir=demo_data)
    with pytest.raises(NianbaoError, match="no units with 2022 data"):
        prepare("黄浦区", 2022, sections=["comparison"], out=tmp_path, data_dir=demo_data)


def test_prepare_command_says_how_to_open_them(tmp_path, capsys):
    assert main(["prepare", "--unit", "shanghai", "--year", "2020", "--section", "4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "04_review_litigation.ipynb" in out and "jupyter lab" in out
    assert main(["prepare", "--unit", "shanghai", "--year", "1999", "--out", str(tmp_path)]) == 2  # no such data
