"""Every teaching notebook with expectations, executed once per session (the `executions` fixture).

The notebooks run one per CPU side by side (each in its own kernel, from a process of its own):
a small Keras notebook uses little more than one core, so two at a time take about half the time.
Tests of what a notebook shows (tests/test_notebooks.py) and of what it wrote, such as the
TensorBoard logs a real server reads (tests/test_tensorboard_server.py), look at these runs.
"""
from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from course import CourseError
from course.execute import execute
from course.notebooks import read_notebook
from expectations import EXPECTATIONS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


def _real_data_only():
    """Notebooks' results mean something only on real data: a mirror, or downloads."""
    if os.environ.get("COURSE_OFFLINE") == "1" and not os.environ.get("COURSE_DATA_DIR"):
        pytest.skip("offline without a mirror there are only stand-ins: set COURSE_DATA_DIR or allow downloads")


REPEATED = [p for p in NOTEBOOKS if "repeat" in EXPECTATIONS.get(p, {})]


def _run(path: str, probes: dict, keep: str):
    """Execute one notebook (in a worker process); a failure comes back as its message."""
    try:
        return execute(Path(path), probes=probes, keep=Path(keep))
    except CourseError as err:
        return str(err)


def _shortened(relpath: str, folder: Path) -> Path:
    """The notebook's cells up to the one tagged `until`, without those tagged `background`, in `folder`."""
    until = EXPECTATIONS[relpath]["repeat"]["until"]
    notebook = read_notebook(ROOT / relpath)
    tags = [cell["metadata"].get("tags", []) for cell in notebook["cells"]]
    end = next((i for i, t in enumerate(tags) if until in t), None)
    assert end is not None, f"{relpath} has no cell tagged {until!r}"
    notebook["cells"] = [c for c, t in zip(notebook["cells"][:end + 1], tags) if "background" not in t]
    path = folder / Path(relpath).name
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def executions(tmp_path_factory):
    """{relpath: Execution or error message} for every notebook that has expectations, and for each
    "repeat" entry {relpath + " (again)": its shortened second run, in a folder of its own}."""
    _real_data_only()
    folder = tmp_path_factory.mktemp("executed")
    jobs = {p: (str(ROOT / p), EXPECTATIONS[p]["probes"]) for p in NOTEBOOKS if p in EXPECTATIONS}
    for relpath in REPEATED:
        again = folder / "again" / Path(relpath).stem
        again.mkdir(parents=True)
        names = EXPECTATIONS[relpath]["repeat"]["probes"]
        jobs[f"{relpath} (again)"] = (str(_shortened(relpath, again)), {n: EXPECTATIONS[relpath]["probes"][n] for n in names})
    keeps = [str(folder / (name.replace("/", "__").replace(" ", "_"))) for name in jobs]
    # spawn: the test process may have imported TensorFlow, which must not be forked
    with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = pool.map(_run, [path for path, _ in jobs.values()], [probes for _, probes in jobs.values()], keeps)
        return dict(zip(jobs, runs))
