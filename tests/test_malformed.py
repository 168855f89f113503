"""Every malformed input of the catalogue (tests/malformed/catalogue.py) is refused or reported
with a clear, located message, and leaves the data folder exactly as it was."""

import hashlib
from pathlib import Path

import pytest
from malformed.catalogue import CASES, FIXTURE_DATA

from nianbao.cli import main
from nianbao.data.store import DataStore
from nianbao.data.writing import save_unit_year


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.id.split("-")[0] for c in CASES} == {"wb", "page"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input(case, tmp_path, capsys):
    data = tmp_path / "data"
    store = DataStore(FIXTURE_DATA)
    for year in (2021, 2022):
        save_unit_year(store.load("demo_district", year), data)
    before = digest(data)
    work = tmp_path / "in"
    work.mkdir()
    argv = case.build(work, data)
    code = main(argv)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == case.code, output
    for fragment in case.expect:
        assert fragment in output, f"{case.id}: {fragment!r} not in:\n{output}"
    assert "Traceback" not in output
    assert digest(data) == before, f"{case.id} changed the data folder"
