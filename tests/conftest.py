from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixture_data() -> Path:
    return FIXTURE_DATA


@pytest.fixture(scope="session")
def shanghai():
    from nianbao.data.store import DataStore

    return DataStore(ROOT / "data").load("shanghai", 2020)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """The demo data set (nianbao demo, default seed and years), written once per test session."""
    from nianbao.workflows.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder)
    return folder


@pytest.fixture
def leftovers():
    """Processes a test started (psutil.Process): those still running when it ends are killed."""
    from processes import alive

    started: list = []
    yield started
    for process in alive(started):
        process.kill()
