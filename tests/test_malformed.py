"""Every malformed input of the catalogue (tests/malformed/) is refused or reported with a clear,
located message and the right exit code, without a traceback, and leaves everything outside the
folders the case allows exactly as it was (the data folder, the working directory, the inputs,
the output folder, and the project's own data/ and outputs/)."""

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from malformed.catalogue import CASES, FIXTURE_DATA

from nianbao.cli import main
from nianbao.data.store import DataStore
from nianbao.data.writing import save_unit_year

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534


def digest(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file and folder under ``folder`` (but those under ``skip``) with its content's digest."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if rel.parts and rel.parts[0] in skip:
            continue
        out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else "dir"
    return out


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Names, sizes and times under one of the project's folders (cheap: they may be large)."""
    if not folder.exists():
        return {}
    return {str(p): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in folder.rglob("*")}


@contextlib.contextmanager
def as_user(unprivileged: bool):
    """Run as the unprivileged user ``nobody`` when the tests run as root (permissions bind only
    ordinary users); otherwise as we are."""
    if not unprivileged or os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@contextlib.contextmanager
def world_for(case, tmp_path: Path):
    """The case's world: the test's own temporary folder, or one every user may enter (for a case
    run as an ordinary user: pytest's folders are private to root)."""
    if not case.unprivileged:
        yield tmp_path
        return
    base = Path(tempfile.mkdtemp(prefix="nianbao-case-"))
    os.chmod(base, 0o755)
    try:
        yield base
    finally:
        for p in base.rglob("*"):  # the case may have taken permissions away
            if not p.is_symlink():
                os.chmod(p, stat.S_IMODE(p.lstat().st_mode) | 0o700)
        shutil.rmtree(base)


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 80
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.id.split("-")[0] for c in CASES} >= {"wb", "page", "path", "cli", "data", "size"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input(case, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NIANBAO_DATA", raising=False)
    with world_for(case, tmp_path) as world:
        data = world / "data"
        store = DataStore(FIXTURE_DATA)
        for year in (2021, 2022):
            save_unit_year(store.load("demo_district", year), data)
        for name in ("in", "cwd"):
            (world / name).mkdir()
        monkeypatch.chdir(world / "cwd")
        argv = case.build(world / "in", data)
        before = digest(world, skip=case.may_change)
        project = {name: listing(ROOT / name) for name in ("data", "outputs")}
        capsys.readouterr()  # what building the case printed
        with as_user(case.unprivileged):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code
        captured = capsys.readouterr()
        output = captured.out + captured.err
        assert code == case.code, output
        for fragment in case.expect:
            assert fragment in output, f"{case.id}: {fragment!r} not in:\n{output}"
        assert "Traceback" not in output and "internal error" not in output, output
        assert digest(world, skip=case.may_change) == before, f"{case.id} changed something outside {case.may_change}"
        assert {name: listing(ROOT / name) for name in ("data", "outputs")} == project, "the project's folders changed"
