"""Labs: labs/ is exactly nbgrader's release of solutions/, and real nbgrader grades it fairly.

Per lab, one `nbgrader autograde` run grades: the solution's answers typed into the release
(full marks), the untouched release (zero), other correct answers (full marks), and one
submission per wrong answer (exactly that task's points lost). A lab's alternative and wrong
answers live in tests/labs/<lab>.py.
"""
from __future__ import annotations

import importlib.util
import os
import re

import pytest

from conftest import ROOT
from course.grading import autograde, max_scores
from course.labs import build_labs, find_labs, graded_cells, lint_lab
from course.notebooks import read_notebook, source_text
from course.submissions import make_submission, solution_answers

LABS = find_labs(ROOT)
LAB_IDS = [lab.name for lab in LABS]


def lab_answers(lab):
    path = ROOT / "tests" / "labs" / f"{lab.name}.py"
    if not path.is_file():
        pytest.fail(f"add tests/labs/{lab.name}.py with ALTERNATIVE_ANSWERS and WRONG_ANSWERS for {lab.name}")
    spec = importlib.util.spec_from_file_location(f"answers_{lab.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ALTERNATIVE_ANSWERS, module.WRONG_ANSWERS


def grading_cell_of(answer_id: str) -> str:
    return answer_id.replace("_answer", "_tests")


def test_there_are_labs():
    assert LAB_IDS, "solutions/ holds no lab"


@pytest.mark.nbgrader
def test_labs_folder_is_what_nbgrader_generates_now():
    problems = build_labs(ROOT, check_only=True)
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
    missing = [g for g in autograded if g.replace("_tests", "_answer") not in wrong]
    assert not missing, f"tests/labs/{lab.name}.py needs a wrong answer for {missing}"


@pytest.fixture(scope="module", params=LABS, ids=LAB_IDS)
def graded(request, tmp_path_factory):
    """One real nbgrader autograde run over every kind of submission of a lab."""
    lab = request.param
    alternatives, wrong = lab_answers(lab)
    reference = solution_answers(lab)
    submissions = {
        "solution": make_submission(lab, reference),
        "release": read_notebook(lab.release),
        "alternatives": make_submission(lab, {**reference, **alternatives}),
    }
    for answer_id, source in wrong.items():
        submissions[f"wrong_{answer_id}"] = make_submission(lab, {**reference, answer_id: source})
    workers = os.cpu_count() or 1  # nbgrader processes side by side; also tests that scores are merged right
    scores = autograde(lab, submissions, tmp_path_factory.mktemp(lab.name), workers=workers).scores
    return lab, scores, max_scores(lab), wrong


def autograded(scores: dict) -> dict:
    return {g: s for g, s in scores.items() if g.endswith("_tests")}


@pytest.mark.nbgrader
def test_solution_gets_full_marks(graded):
    lab, scores, points, _ = graded
    assert autograded(scores["solution"]) == autograded(points)
    written = [g for g in points if not g.endswith("_tests")]
    assert all(scores["solution"][g] is None for g in written), "written answers wait for a person"


@pytest.mark.nbgrader
def test_untouched_release_gets_zero(graded):
    lab, scores, points, _ = graded
    assert set(scores["release"]) == set(points)
    assert all(score == 0 for score in scores["release"].values()), scores["release"]


@pytest.mark.nbgrader
def test_other_correct_answers_get_full_marks(graded):
    lab, scores, points, _ = graded
    assert autograded(scores["alternatives"]) == autograded(points)


@pytest.mark.nbgrader
def test_each_wrong_answer_loses_exactly_its_points(graded):
    lab, scores, points, wrong = graded
    for answer_id in wrong:
        expected = {**autograded(points), grading_cell_of(answer_id): 0.0}
        assert autograded(scores[f"wrong_{answer_id}"]) == expected, answer_id
