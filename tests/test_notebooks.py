"""Every teaching notebook runs top to bottom and shows what it must.

The notebooks are executed once per session, one per CPU side by side (each in its own
kernel, from a process of its own), and each test then looks at its notebook's run: a small
Keras notebook uses little more than one core, so two at a time take about half the time.
Lab solutions have expectations here too, but run where they are graded (tests/test_labs.py).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT
from course import CourseError
from course.execute import execute
from expectations import EXPECTATIONS

NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
SOLUTIONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "solutions").glob("*/*.ipynb"))


def _real_data_only():
    """Notebooks' results mean something only on real data: a mirror, or downloads."""
    if os.environ.get("COURSE_OFFLINE") == "1" and not os.environ.get("COURSE_DATA_DIR"):
        pytest.skip("offline without a mirror there are only stand-ins: set COURSE_DATA_DIR or allow downloads")


def _run(relpath: str, keep: str):
    """Execute one notebook (in a worker process); a failure comes back as its message."""
    try:
        return execute(ROOT / relpath, probes=EXPECTATIONS[relpath]["probes"], keep=Path(keep))
    except CourseError as err:
        return str(err)


@pytest.fixture(scope="session")
def executions(tmp_path_factory):
    """{relpath: Execution or error message} for every notebook that has expectations."""
    _real_data_only()
    relpaths = [p for p in NOTEBOOKS if p in EXPECTATIONS]
    folder = tmp_path_factory.mktemp("executed")
    keeps = [str(folder / (p.replace("/", "__"))) for p in relpaths]
    # spawn: the test process may have imported TensorFlow, which must not be forked
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return dict(zip(relpaths, pool.map(_run, relpaths, keeps)))


def test_every_notebook_has_expectations():
    assert NOTEBOOKS and SOLUTIONS
    missing = [p for p in NOTEBOOKS + SOLUTIONS if p not in EXPECTATIONS]
    assert not missing, f"add what these notebooks must show to tests/expectations.py: {missing}"
    stale = [p for p in EXPECTATIONS if p not in NOTEBOOKS + SOLUTIONS]
    assert not stale, f"tests/expectations.py names notebooks that do not exist: {stale}"


@pytest.mark.notebook
@pytest.mark.parametrize("relpath", NOTEBOOKS)
def test_notebook_runs_and_shows_what_it_must(relpath, executions):
    expected = EXPECTATIONS[relpath]
    execution = executions[relpath]
    assert not isinstance(execution, str), execution
    print(f"{relpath}: {execution.seconds:.1f} s; {execution.probes}")

    assert execution.text("stderr") == "", "notebooks must not write to stderr (nbgrader fails such cells)"
    assert "STAND-IN DATA" not in execution.text(), "the notebook ran on stand-in data"
    failed = {name: value for name, value in execution.probes.items() if name.startswith("check:") and value is not True}
    assert not failed, "\n".join(f"{name}: got {value!r}" for name, value in failed.items())
    assert execution.count_images() >= expected["min_images"]
