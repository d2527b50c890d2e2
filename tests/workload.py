"""The suite's heavy work, in one pool: the teaching notebooks executed, each lab's class graded, and
each lab's student version executed for the site.

Tests of what a notebook shows (tests/test_notebooks.py) or wrote (tests/test_tensorboard_server.py)
read the `executions` fixture; tests of a lab's grades (tests/test_labs.py) read `class_runs`; the
site's tests (tests/test_site.py) read `executions` and `release_runs`. All come from one session fixture that runs every job the selected tests need, a job per CPU at a time,
the longest first: run as two phases, each phase ended with one CPU idle while its last job ran.
A job's length is its time in the previous run (pytest's cache); on a fresh clone, labs go first
(a class of seven submissions outlasts any notebook) and later topics before earlier ones.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from classes import GRADE_LAB, ROOT, grade_awkward_class, grade_lab_class
from course.grading import autograde
from corpus import grade_corpus_class
from course import CourseError
from course.execute import execute
from course.labs import find_labs
from course.notebooks import read_notebook
from course.site import execute_page, is_release, pages
from expectations import EXPECTATIONS

NOTEBOOKS = [p for p in pages(ROOT) if not is_release(p)]
RELEASES = [p for p in pages(ROOT) if is_release(p)]
REPEATED = [p for p in NOTEBOOKS if "repeat" in EXPECTATIONS.get(p, {})]
LABS = find_labs(ROOT)
PLAIN_LAB = "lab01_mlp"  # the lab that plain nbgrader also grades (tests/test_labs.py)
CORPUS_LAB = "lab03_callbacks"  # the lab whose corpus the suite grades (tests/test_corpus.py): about 8 s a submission
CORPUS_JOB = f"corpus of {CORPUS_LAB}"
GRADE_JOB = f"awkward class of {GRADE_LAB}"  # tests/test_grade.py's class (tests/classes.py)
PLAIN_JOB = f"plain nbgrader on {PLAIN_LAB}"  # done by PLAIN_LAB's job, from its output
CACHE_KEY = "course/job-seconds"


def offline_without_mirror() -> bool:
    """COURSE_OFFLINE=1 and no COURSE_DATA_DIR: the loaders can give only stand-ins."""
    return os.environ.get("COURSE_OFFLINE") == "1" and not os.environ.get("COURSE_DATA_DIR")


def job_result(result):
    """A pool job's result; the exception the job raised is raised here instead, in the test that reads it."""
    if isinstance(result, Exception):
        raise result
    return result


def real_data_only():
    """Notebooks' results mean something only on real data: a mirror, or downloads."""
    if offline_without_mirror():
        pytest.skip("offline without a mirror there are only stand-ins: set COURSE_DATA_DIR or allow downloads")


def _run(path: str, probes: dict, keep: str):
    """Execute one notebook (in a worker process); a failure comes back as its message."""
    try:
        return execute(Path(path), probes=probes, keep=Path(keep))
    except CourseError as err:
        return str(err)


def _run_release(relpath: str):
    """Execute one lab's student version as the site shows it (in a worker process); a failure comes back as its message."""
    try:
        return execute_page(ROOT, relpath)
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


def _wanted(session) -> tuple[bool, bool, set[str]]:
    """Whether any selected test reads the notebooks' runs, or the releases' runs; the labs whose classes selected tests
    read, and CORPUS_JOB if one reads the corpus's grading."""
    items = session.items
    notebooks = any("executions" in item.fixturenames for item in items)
    releases = any("release_runs" in item.fixturenames for item in items)
    labs = {item.callspec.params["graded"] for item in items if hasattr(item, "callspec") and "graded" in item.callspec.params}
    if any("plain" in item.fixturenames for item in items):
        labs |= {PLAIN_LAB, PLAIN_JOB}
    if any("corpus_run" in item.fixturenames for item in items):
        labs.add(CORPUS_JOB)
    if any(getattr(item.module, "__name__", "") == "test_grade" and "graded" in item.fixturenames for item in items):
        labs.add(GRADE_JOB)
    return notebooks, releases, labs


def _fresh_clone_order(name: str) -> tuple[int, int]:
    """Lab classes, then notebooks, then the short release runs; later topics before earlier ones
    ("lab07_…", "notebooks/07_…" and "labs/lab07_…" are topic 7)."""
    kind = 2 if name.startswith("labs/") else 0 if name.startswith("lab") else 1
    return kind, -int(re.search(r"(\d\d)_", name).group(1))


@pytest.fixture(scope="session")
def workload(request, tmp_path_factory):
    """{notebook relpath: Execution or error message, "<relpath> (again)": its shortened second run,
    lab name: the graded class (tests/classes.py) or the exception its run raised}."""
    want_notebooks, want_releases, want_labs = _wanted(request.session)
    if offline_without_mirror():
        want_notebooks = want_releases = False  # their fixtures skip, saying why
    folder = tmp_path_factory.mktemp("executed")
    notebook_jobs = {}
    if want_notebooks:
        notebook_jobs = {p: (str(ROOT / p), EXPECTATIONS[p]["probes"]) for p in NOTEBOOKS if p in EXPECTATIONS}
        for relpath in REPEATED:
            again = folder / "again" / Path(relpath).stem
            again.mkdir(parents=True)
            names = EXPECTATIONS[relpath]["repeat"]["probes"]
            notebook_jobs[f"{relpath} (again)"] = (str(_shortened(relpath, again)), {n: EXPECTATIONS[relpath]["probes"][n] for n in names})
    labs = {lab.name: lab for lab in LABS if lab.name in want_labs}
    class_jobs = [job for job in (CORPUS_JOB, GRADE_JOB) if job in want_labs]  # classes made here, not of a lab's answers
    releases = RELEASES if want_releases else []

    cache = getattr(request.config, "cache", None)
    previous = cache.get(CACHE_KEY, {}) if cache is not None else {}
    names = sorted([*notebook_jobs, *labs, *class_jobs, *releases], key=_fresh_clone_order)
    if previous:  # a job not timed before counts as long; the sort is stable, so ties keep the order above
        names.sort(key=lambda name: -previous.get(name, float("inf")))
    seconds: dict[str, float] = {}
    extras: dict[str, object] = {}
    cpus = os.cpu_count() or 1
    # spawn: the test process may have imported TensorFlow, which must not be forked
    with ProcessPoolExecutor(cpus, mp_context=multiprocessing.get_context("spawn")) as processes, ThreadPoolExecutor(cpus) as pool:
        def job(name):
            start = time.perf_counter()
            try:
                if name in labs:
                    graded = grade_lab_class(labs[name], tmp_path_factory)
                    if name == PLAIN_LAB and PLAIN_JOB in want_labs:  # plain nbgrader in a copy of the course folder it made
                        lab, *_, (submissions, out) = graded
                        try:
                            extras[PLAIN_JOB] = autograde(lab, {"wrong1": submissions["wrong1"]},
                                                          tmp_path_factory.mktemp(f"{lab.name}-plain"), generated=out)
                        except Exception as err:  # reported by the test that reads it
                            extras[PLAIN_JOB] = err
                    return graded
                if name == CORPUS_JOB:
                    return grade_corpus_class(find_labs(ROOT, [CORPUS_LAB])[0], tmp_path_factory)
                if name == GRADE_JOB:
                    return grade_awkward_class(tmp_path_factory)
                if name in releases:
                    return processes.submit(_run_release, name).result()
                path, probes = notebook_jobs[name]
                keep = folder / name.replace("/", "__").replace(" ", "_")
                return processes.submit(_run, path, probes, str(keep)).result()
            except Exception as err:  # reported by that job's tests, not by every test
                return err if name in labs or name in class_jobs else f"{type(err).__name__}: {err}"
            finally:
                seconds[name] = round(time.perf_counter() - start, 1)

        results = dict(zip(names, pool.map(job, names)))
    results.update(extras)
    if cache is not None:
        cache.set(CACHE_KEY, {**previous, **seconds})
    return results


@pytest.fixture(scope="session")
def executions(workload):
    """{relpath: Execution or error message} for every notebook that has expectations, and for each
    "repeat" entry {relpath + " (again)": its shortened second run, in a folder of its own}."""
    real_data_only()
    return {name: run for name, run in workload.items() if name.startswith("notebooks/")}


@pytest.fixture(scope="session")
def release_runs(workload):
    """{"labs/<lab>/<lab>.ipynb": the executed student version (a notebook dict) or the error message}."""
    real_data_only()
    return {name: run for name, run in workload.items() if name.startswith("labs/")}


@pytest.fixture(scope="session")
def class_runs(workload):
    """{lab name: its graded class, or the exception its run raised} for the labs the selected tests read."""
    return {name: run for name, run in workload.items() if name.startswith("lab") and not name.startswith("labs/")}


@pytest.fixture(scope="session")
def corpus_run(workload):
    """(the corpus variants graded, course grade's report, its output folder) for CORPUS_LAB; see tests/corpus.py."""
    return job_result(workload[CORPUS_JOB])
