"""nianbao installed from its wheel (not editable), outside the checkout, checks and reports.

The wheel is built from a copy of the files a build needs (pyproject.toml, setup.py, MANIFEST.in,
README.md, src/, notebooks/, data/units.yaml), installed with ``--no-deps`` into a fresh virtual
environment made without system site-packages, and run in a temporary working directory that
holds only a data folder. The wheel's dependencies are not downloaded again (a full install of
requirements.lock takes minutes and nearly a gigabyte): the fresh environment sees the project's
pinned ones through a ``.pth`` line naming ``.venv``'s site-packages. Python does not read the
``.pth`` files of a folder added that way, so the checkout's editable ``src/`` stays out of
reach, and the test checks that ``nianbao`` is imported from the new environment; ``pip check``
there confirms that the wheel's declared dependencies are the ones it runs with. The data files
those dependencies installed (nbconvert's templates in ``.venv/share/jupyter``) are found through
``JUPYTER_PATH``, after the new environment's own (which holds the kernel registered for it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _source_copy(tmp: Path) -> Path:
    src = tmp / "source"
    src.mkdir()
    for name in BUILD_FILES:
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "notebooks", src / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (src / "data").mkdir()
    shutil.copy(ROOT / "data" / "units.yaml", src / "data" / "units.yaml")
    return src


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    source = _source_copy(tmp)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(source)], cwd=tmp)
    wheel = next((tmp / "dist").glob("nianbao-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False, system_site_packages=False)
    python = env_dir / "bin" / "python"
    site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip()
    )
    (site / "pinned_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)], cwd=tmp)  # fmt: skip
    _run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "nianbao-wheel"], cwd=tmp)
    work = tmp / "work"  # a user's folder: a data folder, nothing else
    shutil.copytree(FIXTURE_DATA, work / "data")
    env = {k: v for k, v in os.environ.items() if k not in ("NIANBAO_DATA", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # the new environment's kernel first; then the data files (nbconvert's templates) that the
    # dependencies installed into .venv/share, where an install into the new environment would put them
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(env_dir / "share" / "jupyter"), str(Path(sys.prefix) / "share" / "jupyter")]
    )
    return {"wheel": wheel, "venv": env_dir, "python": python, "work": work, "env": env, "site": site}


def test_the_wheel_carries_notebooks_declaration_registry_and_templates(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for name in (
        "01_overview.ipynb",
        "06_other.ipynb",
        "trends.ipynb",
        "comparison.ipynb",
        "audit.ipynb",
        "report.toml",
    ):
        assert f"nianbao/bundled/notebooks/{name}" in names
    assert "nianbao/bundled/units.yaml" in names
    assert "nianbao/render/templates/section.html.j2" in names


def test_installed_nianbao_is_its_own_and_finds_its_files_from_the_working_directory(installed):
    probe = (
        "import json, nianbao, nianbao.roots as r; print(json.dumps({'package': nianbao.__file__, "
        "'notebooks': str(r.notebooks_dir()), 'data': str(r.default_data_dir()), 'registry': str(r.default_registry_path()), "
        "'outputs': str(r.outputs_dir(None))}))"
    )
    found = json.loads(
        _run([str(installed["python"]), "-c", probe], cwd=installed["work"], env=installed["env"]).stdout
    )
    venv_dir, work = str(installed["venv"]), installed["work"].resolve()
    assert found["package"].startswith(venv_dir) and str(ROOT) not in found["package"]
    assert found["notebooks"].startswith(venv_dir) and found["registry"].startswith(venv_dir)  # bundled
    assert found["data"] == str(work / "data") and found["outputs"] == str(work / "outputs")
    _run([str(installed["python"]), "-m", "pip", "check"], cwd=installed["work"], env=installed["env"])


def test_installed_check_and_report_run_in_a_working_directory(installed):
    work, env = installed["work"], installed["env"]
    nianbao = str(installed["venv"] / "bin" / "nianbao")
    checked = _run([nianbao, "check", "--quiet"], cwd=work, env=env)
    assert "Checked 2 unit-years under data" in checked.stdout
    report = _run(
        [nianbao, "report", "--unit", "示例区", "--year", "2021", "--sections", "1,3", "--formats", "html,pdf",
         "--kernel", "nianbao-wheel"],
        cwd=work, env=env, timeout=600,
    )  # fmt: skip
    folder = work / "outputs" / "demo_district" / "2021"
    for name in ("01_overview.html", "01_overview.pdf", "03_applications.html", "03_applications.pdf"):
        assert (folder / name).stat().st_size > 0, report.stdout + report.stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data"]["folder"] == str((work / "data").resolve())
    assert f"数据版本 {manifest['data']['version']}" in (folder / "03_applications.html").read_text(encoding="utf-8")
    probe = "from jupyter_client.kernelspec import KernelSpecManager as M; print(M().get_kernel_spec('nianbao-wheel').argv[0])"
    kernel_python = _run([str(installed["python"]), "-c", probe], cwd=work, env=env).stdout.strip()
    assert kernel_python == str(installed["python"])  # the report ran in the new environment's kernel
    assert sorted(p.name for p in work.iterdir()) == ["data", "outputs"]  # nothing else written
