"""Every teaching notebook and every lab solution runs top to bottom and shows what it must."""
from __future__ import annotations

import os

import pytest

from conftest import ROOT
from course.execute import execute
from expectations import EXPECTATIONS

NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
SOLUTIONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "solutions").glob("*/*.ipynb"))


@pytest.fixture
def real_data():
    """Notebooks' results mean something only on real data: a mirror, or downloads."""
    if os.environ.get("COURSE_OFFLINE") == "1" and not os.environ.get("COURSE_DATA_DIR"):
        pytest.skip("offline without a mirror there are only stand-ins: set COURSE_DATA_DIR or allow downloads")


def test_every_notebook_has_expectations():
    assert NOTEBOOKS and SOLUTIONS
    missing = [p for p in NOTEBOOKS + SOLUTIONS if p not in EXPECTATIONS]
    assert not missing, f"add what these notebooks must show to tests/expectations.py: {missing}"
    stale = [p for p in EXPECTATIONS if p not in NOTEBOOKS + SOLUTIONS]
    assert not stale, f"tests/expectations.py names notebooks that do not exist: {stale}"


@pytest.mark.notebook
@pytest.mark.parametrize("relpath", NOTEBOOKS + SOLUTIONS)
def test_notebook_runs_and_shows_what_it_must(relpath, real_data, tmp_path):
    expected = EXPECTATIONS[relpath]
    execution = execute(ROOT / relpath, probes=expected["probes"], keep=tmp_path / "executed.ipynb")
    print(f"{relpath}: {execution.seconds:.1f} s; {execution.probes}")

    assert execution.text("stderr") == "", "notebooks must not write to stderr (nbgrader fails such cells)"
    assert "STAND-IN DATA" not in execution.text(), "the notebook ran on stand-in data"
    failed = {name: value for name, value in execution.probes.items() if name.startswith("check:") and value is not True}
    assert not failed, "\n".join(f"{name}: got {value!r}" for name, value in failed.items())
    assert execution.count_images() >= expected["min_images"]
