"""`course grade` end to end on a small class of Lab 3 with real nbgrader pieces (gradebook, SaveAutoGrades, feedback).

One run grades, side by side: the reference answers pasted into a fresh notebook (every cell lost its
nbgrader metadata; CRLF; an old nbformat minor), a submission that tries to cheat (it looks for
solutions/, turns `checks.expect` into a no-op and installs an AST transformer before a wrong answer)
and then kills its kernel in another task, and a file that is not a notebook. The same class graded
again one submission at a time on a Dask cluster, into a PostgreSQL gradebook, gets the same grades.
"""
from __future__ import annotations

import subprocess

import pytest

from conftest import ROOT
from postgres import postgres_server, postgres_unavailable_reason
from course.classgrade import Options, grade_class
from course.grading import max_scores
from course.labs import find_labs
from classes import GRADE_LAB, LEFTOVER_SECONDS
from workload import GRADE_JOB, job_result

LAB = find_labs(ROOT, [GRADE_LAB])[0]


@pytest.fixture(scope="module")
def graded(workload):
    """(the downloads folder, course grade's output folder, its report, {student: grades.csv row}): see tests/classes.py."""
    return job_result(workload[GRADE_JOB])


def autograded_points():
    return {g: p for g, p in max_scores(LAB).items() if g.endswith("_tests")}


@pytest.mark.nbgrader
def test_a_pasted_notebook_is_repaired_and_gets_full_marks(graded):
    _, out, report, rows = graded
    row = rows["000123"]
    assert row["name"] == "Ana Lima" and row["status"] == "graded"
    assert {g: float(row[g]) for g in autograded_points()} == autograded_points()
    assert "restored the nbgrader metadata" in row["repairs"] and "line endings" in row["repairs"]
    assert row[next(g for g in max_scores(LAB) if g.endswith("_answer"))] == "", "written answers wait for a person"


@pytest.mark.nbgrader
def test_cheating_gains_nothing_and_a_killed_kernel_costs_only_its_task(graded):
    _, out, report, rows = graded
    row = rows["000789"]
    points = autograded_points()
    expected = {**points, "lab03_q1_tests": 0.0, "lab03_q4_tests": 0.0}
    assert {g: float(row[g]) for g in points} == expected, row
    assert "stopped the kernel" in row["problems"]
    autograded = (out / "autograded" / "000789" / LAB.name / f"{LAB.name}.ipynb").read_text(encoding="utf-8")
    assert "FOUND []" in autograded, "the sandbox must hide solutions/ and the gradebook"
    assert "WROTE" not in autograded and not (ROOT / "gradebook.db").exists(), "the course folder is read-only"
    left = subprocess.run(["pgrep", "-f", f"sleep {LEFTOVER_SECONDS}"], capture_output=True, text=True).stdout.split()
    assert not left, "a submission's background processes end with its grading"


@pytest.mark.nbgrader
def test_a_broken_file_gets_a_status_and_the_class_is_graded(graded):
    _, out, report, rows = graded
    assert rows["000999"]["status"] == "unreadable" and "not a notebook" in rows["000999"]["problems"]
    assert float(rows["000999"]["total"]) == 0
    assert (out / "summary.png").stat().st_size > 10_000 and "lab03_q1_tests" in report["summary"]


@pytest.mark.nbgrader
def test_feedback_shows_the_message_but_not_the_hidden_tests(graded):
    _, out, *_ = graded
    html = (out / "feedback" / "000789" / LAB.name / f"{LAB.name}.html").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in html and "stopped the kernel" in html


@pytest.mark.nbgrader
def test_a_second_run_skips_unchanged_submissions(graded):
    folder, out, *_ = graded
    report = grade_class(LAB, folder, out, Options(workers=2, progress=False))
    assert report["graded"] == [] and report["skipped_unchanged"] == ["000123", "000789", "000999"]


@pytest.mark.nbgrader
def test_one_student_is_regraded_on_request(graded):
    folder, out, *_ = graded
    report = grade_class(LAB, folder, out, Options(student="000999", progress=False))
    assert report["graded"] == ["000999"] and report["skipped_unchanged"] == ["000123", "000789"]


def grades_of(rows) -> dict:
    """{student: (points per graded cell, total, status)} from grades.csv rows."""
    return {row["student"]: ({k: v for k, v in row.items() if k.endswith(("_tests", "_answer"))}, row["total"], row["status"])
            for row in rows}


@pytest.mark.nbgrader
def test_a_sequential_run_on_a_dask_cluster_into_postgresql_gives_the_same_grades(graded, tmp_path):
    """The class graded with --workers 2 (two kernels side by side, one thread each) and again one at a
    time (two threads) by a one-worker Dask LocalCluster, with the gradebook in a real PostgreSQL."""
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    from distributed import LocalCluster
    from nbgrader.api import Gradebook

    folder, out, report, rows = graded
    with postgres_server(tmp_path) as db_url, \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        again = grade_class(LAB, folder, tmp_path / "again", Options(scheduler=cluster.scheduler_address, db_url=db_url, progress=False))
        with Gradebook(db_url) as gradebook:
            in_postgres = {s.student.id: s.score for s in gradebook.assignment_submissions(LAB.name)}
    assert grades_of(again["grades"]) == grades_of(rows.values())
    assert in_postgres == {s: float(row["total"]) for s, row in rows.items()}
    assert not (tmp_path / "again" / "gradebook.db").exists(), "the grades went to PostgreSQL, not SQLite"


def test_a_cell_keeps_its_figures_but_not_a_flood_of_output():
    import base64
    import os

    from course.runner import MAX_OUTPUTS, _cap_outputs

    figure = {"output_type": "display_data", "metadata": {}, "data": {"image/png": base64.b64encode(os.urandom(110_000)).decode()}}
    with_figures = {"outputs": [figure, figure]}
    _cap_outputs(with_figures)
    assert with_figures["outputs"] == [figure, figure]
    error = {"output_type": "error", "ename": "CheckFailed", "evalue": "wrong", "traceback": []}
    flood = {"outputs": [{"output_type": "stream", "name": "stdout", "text": "epoch\n"}] * (MAX_OUTPUTS + 1) + [error]}
    _cap_outputs(flood)
    assert len(flood["outputs"]) == 2 and "dropped this cell's outputs" in flood["outputs"][0]["text"]
    assert flood["outputs"][1] == error, "the error that decides the grade stays"
