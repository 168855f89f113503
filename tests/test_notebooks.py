"""Each section notebook runs through papermill, in a real kernel, on the default data and on a
small second fixture (2021 format, all cells known, synthetic)."""

import json
import re

import pytest

papermill = pytest.importorskip("papermill")

from nianbao.run.notebooks import load_report_spec  # noqa: E402

SECTIONS = load_report_spec().sections


def _kernel():
    from jupyter_client.kernelspec import KernelSpecManager

    return "nianbao" if "nianbao" in KernelSpecManager().find_kernel_specs() else "python3"


def _texts(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            for mime in ("text/html", "text/plain", "text/markdown"):
                if mime in data:
                    text = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    out += [text, re.sub(r"<[^>]+>", "", text)]  # as written, and as a reader sees it
            if o.get("output_type") == "error":
                out.append("ERROR " + o.get("ename", ""))
    return "\n".join(out), nb


def _run(section, tmp_path, **params):
    out = tmp_path / f"{section.stem}.ipynb"
    papermill.execute_notebook(
        str(section.notebook), str(out), parameters=params, kernel_name=_kernel(), progress_bar=False
    )
    return _texts(out)


@pytest.fixture(scope="module")
def default_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("default")
    return {s.part: _run(s, tmp, unit="shanghai", year=2020, data_dir="") for s in SECTIONS}


@pytest.fixture(scope="module")
def fixture_runs(tmp_path_factory, fixture_data):
    tmp = tmp_path_factory.mktemp("fixture")
    return {s.part: _run(s, tmp, unit="示例区", year=2022, data_dir=str(fixture_data)) for s in SECTIONS}


@pytest.mark.slow
def test_default_sections(default_runs):
    text = {part: t for part, (t, _) in default_runs.items()}
    assert all("ERROR" not in t for t in text.values())
    assert "一、总体情况" in text[1] and "29130件" in text[1] and "较2019年下降6.62%" in text[1]
    assert "image/svg+xml" in json.dumps(default_runs[1][1])
    assert "二、主动公开政府信息情况" in text[2] and "本年新公开数量" in text[2] and "1910752" in text[2]
    assert "三、收到和处理政府信息公开申请情况" in text[3]
    for piece in ("29130", "41.53%", "28406", "2124", "30530", "较2019年下降6.62%"):
        assert piece in text[3], piece
    assert "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况" in text[4]
    for piece in ("5.17%", "3.35%", "3.14%", "纠错率 = 结果纠正 ÷ 总计", "0.21个百分点"):
        assert piece in text[4], piece
    assert "五、政府信息公开工作存在的主要问题及改进情况" in text[5] and "<ol" in text[5]
    assert "六、其他需要报告的事项" in text[6]
    assert all("示例数据" not in t for t in text.values())


@pytest.mark.slow
def test_fixture_sections(fixture_runs):
    text = {part: t for part, (t, _) in fixture_runs.items()}
    assert all("ERROR" not in t for t in text.values())
    assert all("示例数据" in t for t in text.values())
    assert "四、政府信息公开行政复议、行政诉讼情况" in text[4]
    assert "较2021年" in text[3]  # computed from the 2021 file
    assert "本年制发件数" in text[2] and "251.6" in text[2]
    assert "收取信息处理费0元" in text[6]


@pytest.mark.slow
def test_parameters_cell_is_documented():
    for s in SECTIONS:
        nb = json.loads(s.notebook.read_text(encoding="utf-8"))
        params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
        src = "".join(params["source"])
        for name in ("unit", "year", "data_dir"):
            assert f"#   {name}" in src and f"{name} = " in src
