"""Labs: labs/ is exactly nbgrader's release of solutions/, and the labs are graded fairly.

Per lab, one `course grade` run (real nbgrader gradebook, SaveAutoGrades and feedback, sandboxed
kernels; run with the notebooks in one pool, tests/workload.py) grades a class made by tests/classes.py: the
solution's answers typed into the release (full marks, check cells silent), the untouched release
(zero), other correct answers (full marks, silent), and the wrong answers, several to a submission
but at most one per task (each loses exactly its task's points, or the partial credit the lab
grants, and its check cell says why in one sentence). One of those submissions also replaced a test
cell by `pass`: the grader puts it back and reports that one cell. Plain `nbgrader autograde` grades
that submission of Lab 1 too, and must give it the same grades. The graded solution also evaluates
the lab's probes from tests/expectations.py (the lab is not executed a second time): it must pass
them, quietly. A lab's alternative and wrong answers live in tests/labs/<lab>.py.
"""
from __future__ import annotations

import re

import pytest

from classes import MissingData, grading_cell_of, lab_answers
from conftest import ROOT
from course.config import LABS_DIR
from course.grading import max_scores
from course.labs import graded_cells, lint_lab, release_problems
from course.notebooks import read_notebook, source_text
from expectations import EXPECTATIONS
from workload import LABS, PLAIN_JOB, PLAIN_LAB, job_result, offline_without_mirror

LAB_IDS = [lab.name for lab in LABS]


def test_there_are_labs():
    assert LAB_IDS, "solutions/ holds no lab"


@pytest.mark.nbgrader
def test_labs_folder_is_what_nbgrader_generates_now(graded):
    """`course grade` ran `nbgrader generate_assignment` on solutions/<lab>: labs/<lab> must be its output."""
    lab, *_, (_, out) = graded
    problems, _ = release_problems(lab, (out / LABS_DIR / lab.name / f"{lab.name}.ipynb").read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lab", LABS, ids=LAB_IDS)
def test_release_hides_solutions_and_marks_graded_cells(lab):
    release, solution = read_notebook(lab.release), read_notebook(lab.solution)
    assert lint_lab(release, lab.release_relpath, release=True) == []
    assert lint_lab(solution, str(lab.solution), release=False) == []
    released = {c["metadata"]["nbgrader"]["grade_id"]: source_text(c) for c in graded_cells(release)}
    with_hidden = 0
    for cell in graded_cells(solution):
        grade_id, source = cell["metadata"]["nbgrader"]["grade_id"], source_text(cell)
        if grade_id.endswith("_tests"):  # students see exactly the visible part of each test cell
            with_hidden += "BEGIN HIDDEN TESTS" in source
            visible = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", source, flags=re.S)
            assert released[grade_id].rstrip() == visible.rstrip(), grade_id
    assert with_hidden >= 4, "each autograded task should have hidden tests"


@pytest.mark.parametrize("lab", LABS, ids=LAB_IDS)
def test_lab_has_enough_graded_tasks(lab):
    points = max_scores(lab)
    autograded = [g for g in points if g.endswith("_tests")]
    written = [g for g in points if g.endswith("_answer")]
    assert len(autograded) >= 4 and len(written) >= 1, points
    assert all(p > 0 for p in points.values())
    alternatives, wrong = lab_answers(lab)
    assert alternatives and all(isinstance(a, dict) for a in alternatives)
    covered = {answer["cell"] for answer in wrong.values()}
    missing = [g for g in autograded if g.replace("_tests", "_answer") not in covered]
    assert not missing, f"tests/labs/{lab.name}.py needs a wrong answer for {missing}"
    assert all(answer.get("says") for answer in wrong.values()), "each wrong answer names what the student must be told"


def _graded_class(result):
    if isinstance(result, MissingData):
        pytest.fail(str(result), pytrace=False)  # one sentence that says what to set, not a traceback
    lab, run, *_ = job_result(result)
    if "STAND-IN DATA" in run.solution.text() and offline_without_mirror():
        pytest.skip(f"offline without a mirror {lab.name} ran on stand-in data, whose grades prove nothing: set COURSE_DATA_DIR or allow downloads")
    return result


@pytest.fixture(params=LAB_IDS)
def graded(request, class_runs):
    return _graded_class(class_runs[request.param])


@pytest.fixture(scope="session")
def plain(workload):
    """Plain `nbgrader autograde` over the first lab's submission with wrong answers and an edited test
    cell, in a copy of the nbgrader course folder that `course grade` made (nbgrader generated the lab
    there), run by that lab's job in the suite's pool. One lab is enough: it checks course grade's
    pipeline, which is the same for every lab."""
    run = workload.get(PLAIN_JOB)
    if run is None:
        pytest.fail(f"{PLAIN_LAB}'s class could not be graded, so plain nbgrader had nothing to grade", pytrace=False)
    return job_result(run)


def autograded(scores: dict) -> dict:
    return {g: s for g, s in scores.items() if g.endswith("_tests")}


@pytest.mark.nbgrader
def test_solution_gets_full_marks_and_its_checks_show_nothing(graded):
    lab, run, points, *_ = graded
    assert autograded(run.scores["solution"]) == autograded(points)
    written = [g for g in points if not g.endswith("_tests")]
    assert all(run.scores["solution"][g] is None for g in written), "written answers wait for a person"
    shown = {g: text for g, text in run.shown["solution"].items() if g.endswith("_tests") and text}
    assert not shown, f"passing check cells must show nothing: {shown}"


@pytest.mark.nbgrader
def test_untouched_release_gets_zero(graded):
    lab, run, points, *_ = graded
    assert set(run.scores["release"]) == set(points)
    assert all(score == 0 for score in run.scores["release"].values()), run.scores["release"]
    assert all("NotImplementedError" in run.shown["release"][g] for g in autograded(points)), run.shown["release"]


@pytest.mark.nbgrader
def test_other_correct_answers_get_full_marks_quietly(graded):
    lab, run, points, *_ = graded
    for student in (s for s in run.scores if s.startswith("alternatives")):
        assert autograded(run.scores[student]) == autograded(points), student
        shown = {g: text for g, text in run.shown[student].items() if g.endswith("_tests") and text}
        assert not shown, f"{student}: passing check cells must show nothing: {shown}"


@pytest.mark.nbgrader
def test_each_wrong_answer_loses_its_points_and_says_why(graded):
    lab, run, points, wrong, rounds, *_ = graded
    for index, names in enumerate(rounds, 1):
        student = f"wrong{index}"
        expected = {**autograded(points), **{grading_cell_of(c): wrong[n].get("score", 0.0) for c, n in names.items()}}
        assert autograded(run.scores[student]) == expected, f"{student}: {names}"
        for cell, name in names.items():
            shown = run.shown[student][grading_cell_of(cell)]
            assert wrong[name]["says"] in shown, f"{name!r}: the student should read {wrong[name]['says']!r}, not {shown!r}"
            assert "Traceback" not in shown and len(shown.splitlines()) <= 3, f"{name!r}: one sentence, not {shown!r}"


@pytest.mark.nbgrader
def test_only_the_edited_test_cell_is_put_back_and_reported(graded):
    lab, run, *_, edited_cell, _ = graded
    assert [r for r in run.repairs["wrong1"] if edited_cell in r], run.repairs["wrong1"]
    reported = {s: r for s, r in run.repairs.items() if r and s != "wrong1"}
    assert not reported, f"nothing else was edited: {reported}"
    assert all(edited_cell in line for line in run.repairs["wrong1"]), run.repairs["wrong1"]


@pytest.mark.nbgrader
def test_solution_runs_quietly_and_shows_what_it_must(graded):
    """The graded solution: nothing on stderr in any cell, real data, its probes true, its figures shown."""
    lab, run, *_ = graded
    expected = EXPECTATIONS[lab.solution.relative_to(ROOT).as_posix()]
    print(f"{lab.name} solution: {run.solution.seconds:.1f} s in its sandbox; {run.solution.probes}")
    assert run.solution.text("stderr") == "", "lab cells must not write to stderr (nbgrader fails such cells)"
    assert "STAND-IN DATA" not in run.solution.text(), "the lab ran on stand-in data"
    failed = {n: v for n, v in run.solution.probes.items() if n.startswith("check:") and v is not True}
    assert not failed, "\n".join(f"{name}: got {value!r}" for name, value in failed.items())
    assert run.solution.count_images() >= expected["min_images"]


@pytest.mark.nbgrader
def test_plain_nbgrader_gives_the_same_grades_and_messages(class_runs, plain):
    lab, run, points, wrong, rounds, edited_cell, _ = _graded_class(class_runs[PLAIN_LAB])
    assert plain.scores["wrong1"] == run.scores["wrong1"]
    for cell, name in rounds[0].items():
        assert wrong[name]["says"] in plain.shown["wrong1"][grading_cell_of(cell)], name
    # nbgrader warns about the one test cell the student edited, not about every cell with hidden tests
    assert plain.warnings and all(edited_cell in line for line in plain.warnings), plain.warnings
