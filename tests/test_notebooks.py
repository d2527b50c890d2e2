"""Every teaching notebook runs top to bottom and shows what it must.

The notebooks are executed once per session (tests/workload.py), and each test looks at its
notebook's run. Lab solutions have expectations here too, but run where they are graded
(tests/test_labs.py).
"""
from __future__ import annotations

import pytest

from conftest import ROOT
from expectations import EXPECTATIONS
from workload import NOTEBOOKS, REPEATED

SOLUTIONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "solutions").glob("*/*.ipynb"))


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
    if isinstance(execution, str):
        pytest.fail(f"{relpath}: {execution}", pytrace=False)  # the failing cell and what it said, not a traceback
    print(f"{relpath}: {execution.seconds:.1f} s; {execution.probes}")

    assert execution.text("stderr") == "", "notebooks must not write to stderr (nbgrader fails such cells)"
    assert "STAND-IN DATA" not in execution.text(), "the notebook ran on stand-in data"
    failed = {name: value for name, value in execution.probes.items() if name.startswith("check:") and value is not True}
    assert not failed, "\n".join(f"{name}: got {value!r}" for name, value in failed.items())
    assert execution.count_images() >= expected["min_images"]


@pytest.mark.notebook
@pytest.mark.parametrize("relpath", REPEATED)
def test_a_second_run_gives_the_same_results(relpath, executions):
    """Seeded results are reproducible: a second run, up to where they are computed, gives the same values."""
    first, again = executions[relpath], executions[f"{relpath} (again)"]
    for run in (first, again):
        if isinstance(run, str):
            pytest.fail(f"{relpath}: {run}", pytrace=False)
    assert again.text("stderr") == ""
    names = EXPECTATIONS[relpath]["repeat"]["probes"]
    assert all(not str(first.probes[n]).startswith("error:") for n in names), first.probes
    assert {n: again.probes[n] for n in names} == {n: first.probes[n] for n in names}
