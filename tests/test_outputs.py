"""Outputs that do not mislead: other data folders' outputs in trees of their own, a manifest in
every report folder that says which run made each file from which data (and which files are
stale), the data version on every page, a batch record that a rewritten folder does not fool,
one file mode for every file written, and errors told in one line (a traceback only with
--debug)."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from nianbao.batch import fingerprint
from nianbao.cli import main
from nianbao.errors import UsageError
from nianbao.roots import output_tree, outputs_dir
from nianbao.run.layout import report_folder
from nianbao.run.manifest import MANIFEST, check_same_data, read_manifest, write_manifest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
FIXTURE_SPEC = ROOT / "tests" / "fixtures" / "notebooks" / "report.toml"
REGISTRY = "units:\n  - {id: demo_district, name: 示例区, level: district}\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (data/ with a registry and a demo/ data set) as the working directory."""
    proj = tmp_path / "proj"
    (proj / "data").mkdir(parents=True)
    (proj / "data" / "units.yaml").write_text(REGISTRY, encoding="utf-8")
    shutil.copytree(FIXTURE_DATA / "units", proj / "data" / "units")
    shutil.copytree(FIXTURE_DATA / "units", proj / "data" / "demo" / "units")
    monkeypatch.chdir(proj)
    monkeypatch.delenv("NIANBAO_DATA", raising=False)
    return proj


def test_outputs_of_other_data_folders_go_to_trees_of_their_own(project, tmp_path, monkeypatch):
    outputs = project / "outputs"
    assert outputs_dir(None) == outputs
    assert output_tree(None, None) == output_tree(None, project / "data") == outputs
    assert output_tree(None, "demo") == output_tree(None, project / "data" / "demo") == outputs / "demo"
    assert report_folder(None, "demo_district", 2021, "demo") == outputs / "demo" / "demo_district" / "2021"
    one, two = tmp_path / "a" / "data", tmp_path / "b" / "data"
    tree_one, tree_two = output_tree(None, one), output_tree(None, two)
    assert re.fullmatch(r"data-[0-9a-f]{8}", tree_one.name) and tree_one.parent == outputs
    assert tree_one != tree_two  # two folders of the same name never share a tree
    assert output_tree(tmp_path / "elsewhere", "demo") == tmp_path / "elsewhere"  # --out is used as given
    monkeypatch.setenv("NIANBAO_DATA", str(one))  # the default data folder is the one named there
    assert output_tree(None, None) == outputs and output_tree(None, project / "data").parent == outputs


def test_batch_with_demo_data_plans_into_the_demo_tree(project):
    from nianbao.batch import plan as batch

    plan = batch.plan_batch(["demo_district"], [2021], data_dir="demo", spec=FIXTURE_SPEC, formats=["html"])
    assert plan.out == project / "outputs" / "demo"
    assert [s.folder for s in plan.specs] == [project / "outputs" / "demo" / "demo_district" / "2021"]


def _files(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{name} made at {os.urandom(4).hex()}", encoding="utf-8")


def test_the_manifest_says_which_files_belong_to_which_data(project):
    data = project / "data"
    folder = project / "outputs" / "demo_district" / "2021"
    folder.mkdir(parents=True)
    everything = ["01_overview.html", "01_overview.pdf", "01_overview.ipynb", "report.pdf", "csv/01_overview/t1.csv"]
    _files(folder, everything)
    write_manifest(folder, unit="demo_district", year=2021, data_dir=data, written=[folder / n for n in everything],
                   sections=["01_overview"], formats=["html", "pdf"])  # fmt: skip
    first = read_manifest(folder)
    assert first["stale"] == {} and set(first["files"]) == set(everything)
    assert first["data"]["folder"] == str(data) and len(first["data"]["version"]) == 8

    data_file = data / "units" / "demo_district" / "2021.yaml"  # the data change, then a partial run
    data_file.write_text(data_file.read_text(encoding="utf-8").replace("示例区", "示例新区"), encoding="utf-8")
    _files(folder, ["01_overview.html", "notes.txt"])
    write_manifest(folder, unit="demo_district", year=2021, data_dir=data, written=[folder / "01_overview.html"],
                   sections=["01_overview"], formats=["html"])  # fmt: skip
    second = read_manifest(folder)
    old, new = first["data"]["version"], second["data"]["version"]
    assert old != new
    assert second["files"]["01_overview.html"]["data_version"] == new
    assert second["stale"]["01_overview.pdf"] == f"made from data version {old}, not the current {new}"
    assert set(second["stale"]) == {"01_overview.pdf", "01_overview.ipynb", "report.pdf", "csv/01_overview/t1.csv",
                                    "notes.txt"}  # fmt: skip
    assert second["stale"]["notes.txt"] == "not made by a run recorded here"
    assert stat.S_IMODE((folder / MANIFEST).stat().st_mode) == 0o666 & ~_umask()


def test_a_folder_holds_the_outputs_of_one_data_folder(project):
    folder = project / "outputs" / "demo_district" / "2021"
    folder.mkdir(parents=True)
    write_manifest(folder, unit="demo_district", year=2021, data_dir=project / "data", written=[],
                   sections=[], formats=[])  # fmt: skip
    check_same_data(folder, project / "data")
    with pytest.raises(UsageError, match="holds outputs made from the data folder"):
        check_same_data(folder, project / "data" / "demo")


def test_the_batch_record_is_not_fooled_by_a_rewritten_folder(tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    _files(folder, ["03_applications.html", "csv/03_applications/t.csv"])
    fingerprint.write_stamp(folder, "f1", [folder / "03_applications.html", folder / "csv" / "03_applications"])
    assert fingerprint.up_to_date(folder, "f1") and not fingerprint.up_to_date(folder, "f2")
    page = folder / "03_applications.html"
    content = page.read_bytes()
    os.utime(page, ns=(1, 1))  # touched, same content: still the file the job wrote
    assert fingerprint.up_to_date(folder, "f1")
    page.write_bytes(content.replace(b"made", b"MADE"))  # rewritten (by `nianbao report`, from other data)
    assert not fingerprint.up_to_date(folder, "f1")
    (folder / "csv" / "03_applications" / "t.csv").unlink()
    assert not fingerprint.up_to_date(folder, "f1")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_every_file_written_has_the_usual_mode(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    expected = 0o666 & ~_umask()
    assert main(["template", "--unit", "demo_district", "--year", "2023", "--data", str(data)]) == 0
    book = tmp_path / "demo_district_2023.xlsx"
    assert main(["import", str(book), "--data", str(data), "--force"]) in (0, 1)
    page = ROOT / "tests" / "fixtures" / "pages" / "district_2021.html"
    main(["audit", str(page), "--unit", "demo_district", "--json", str(tmp_path / "audit.json")])
    main(["check", "--data", str(data), "--json", str(tmp_path / "check.json")])
    written = [book, data / "units" / "demo_district" / "2023.yaml", tmp_path / "audit.json", tmp_path / "check.json"]
    assert {str(p): stat.S_IMODE(p.stat().st_mode) for p in written} == {str(p): expected for p in written}


def test_an_error_is_one_line_and_a_traceback_only_with_debug(tmp_path, capsys):
    from nianbao.cli.main import register
    from nianbao.errors import MissingInput

    args = ["check", "--data", str(tmp_path / "nowhere")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err
    with pytest.raises(MissingInput):
        main(["--debug", *args])
    with pytest.raises(MissingInput):
        main([*args, "--debug"])

    def broken(options):
        raise ValueError("a bug")

    register("broken-for-test", "raises", lambda parser: None, broken)
    assert main(["broken-for-test"]) == 1
    err = capsys.readouterr().err
    assert "internal error: ValueError: a bug" in err and "--debug" in err and "Traceback" not in err
    with pytest.raises(ValueError):
        main(["--debug", "broken-for-test"])


@pytest.mark.slow
def test_pages_show_their_data_version_and_a_partial_run_marks_the_rest_stale(tmp_path):
    import pypdf

    from nianbao.run.report import build_report

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "notebooks" / "data", data)
    out = tmp_path / "out"
    first = build_report("demo", 2020, out=out, data_dir=data, spec=FIXTURE_SPEC, sections=["1"], workers=1)
    assert first.ok
    manifest = read_manifest(first.folder)
    version = manifest["data"]["version"]
    assert f"数据版本 {version}" in (first.folder / "01_overview.html").read_text(encoding="utf-8")
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(first.folder / "01_overview.pdf").pages)
    assert f"数据版本 {version}" in pdf_text and manifest["stale"] == {}

    data_file = data / "units" / "demo" / "2020.yaml"
    data_file.write_text(data_file.read_text(encoding="utf-8").replace("示例市", "示例新市"), encoding="utf-8")
    second = build_report("demo", 2020, out=out, data_dir=data, spec=FIXTURE_SPEC, sections=["1"], formats=["html"],
                          workers=1)  # fmt: skip
    manifest = read_manifest(second.folder)
    assert manifest["data"]["version"] != version and "01_overview.html" not in manifest["stale"]
    assert manifest["stale"]["01_overview.pdf"].startswith(f"made from data version {version}")


@pytest.mark.slow
def test_the_batch_runs_again_a_folder_that_report_rewrote(tmp_path):
    from nianbao.batch import plan as batch
    from nianbao.run.report import build_report

    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "notebooks" / "data", data)
    out, options = tmp_path / "out", {"sections": ["1"], "formats": ["html"]}
    done = batch.run_batch(["demo"], [2020], data_dir=data, spec=FIXTURE_SPEC, out=out, workers=1, **options)
    assert done.ok and read_manifest(out / "demo" / "2020")["run"]["by"] == "nianbao batch"
    data_file = data / "units" / "demo" / "2020.yaml"
    original = data_file.read_bytes()
    data_file.write_text(original.decode("utf-8").replace("示例市", "示例新市"), encoding="utf-8")
    assert build_report("demo", 2020, out=out, data_dir=data, spec=FIXTURE_SPEC, workers=1, **options).ok
    data_file.write_bytes(original)  # the batch's inputs are what they were; its outputs are not
    plan = batch.plan_batch(["demo"], [2020], data_dir=data, spec=FIXTURE_SPEC, out=out, **options)
    assert [s.key for s in plan.specs] == ["demo/2020"] and not plan.skipped
