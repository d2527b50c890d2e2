"""Labs: labs/ is exactly nbgrader's release of solutions/, and real nbgrader grades it fairly.

Per lab, one `nbgrader autograde` run grades: the solution's answers typed into the release
(full marks, check cells silent), the untouched release (zero), other correct answers (full
marks, silent), and the wrong answers, several to a submission but at most one per task (each
loses exactly its task's points, or the partial credit the lab grants, and its check cell says
why in one sentence). One of those submissions also replaced a test cell by `pass`: nbgrader
restores it, and it is the only cell reported as changed. A lab's alternative and wrong answers
live in tests/labs/<lab>.py.
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
    """(alternative submissions, {name: wrong answer}) from tests/labs/<lab>.py."""
    path = ROOT / "tests" / "labs" / f"{lab.name}.py"
    if not path.is_file():
        pytest.fail(f"add tests/labs/{lab.name}.py with ALTERNATIVE_ANSWERS and WRONG_ANSWERS for {lab.name}")
    spec = importlib.util.spec_from_file_location(f"answers_{lab.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ALTERNATIVE_ANSWERS, module.WRONG_ANSWERS


def grading_cell_of(answer_id: str) -> str:
    return answer_id.replace("_answer", "_tests")


def rounds_of(wrong: dict) -> list[dict[str, str]]:
    """Wrong answers shared out into submissions with at most one per task ({answer id: name})."""
    rounds: list[dict[str, str]] = []
    for name, answer in wrong.items():
        free = next((r for r in rounds if answer["cell"] not in r), None)
        if free is None:
            free = {}
            rounds.append(free)
        free[answer["cell"]] = name
    return rounds


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
    assert alternatives and all(isinstance(a, dict) for a in alternatives)
    covered = {answer["cell"] for answer in wrong.values()}
    missing = [g for g in autograded if g.replace("_tests", "_answer") not in covered]
    assert not missing, f"tests/labs/{lab.name}.py needs a wrong answer for {missing}"
    assert all(answer.get("says") for answer in wrong.values()), "each wrong answer names what the student must be told"


# A student who replaced this test cell with `pass`; nbgrader must put it back and warn about it.
EDITED_TEST_CELL = "# GRADED {grade_id}\npass\n"


@pytest.fixture(scope="module", params=LABS, ids=LAB_IDS)
def graded(request, tmp_path_factory):
    """One real nbgrader autograde run over every kind of submission of a lab."""
    lab = request.param
    alternatives, wrong = lab_answers(lab)
    reference = solution_answers(lab)
    submissions = {
        "solution": make_submission(lab, reference),
        "release": read_notebook(lab.release),
    }
    for index, answers in enumerate(alternatives, 1):
        submissions[f"alternatives{index}"] = make_submission(lab, {**reference, **answers})
    rounds = rounds_of(wrong)
    for index, names in enumerate(rounds, 1):
        submissions[f"wrong{index}"] = make_submission(lab, {**reference, **{cell: wrong[name]["source"] for cell, name in names.items()}})
    # In the first round, the student also replaced the test cell of one wrong answer by `pass`.
    edited_cell = grading_cell_of(next(iter(rounds[0])))
    for cell in submissions["wrong1"]["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == edited_cell:
            cell["source"] = EDITED_TEST_CELL.format(grade_id=edited_cell).splitlines(keepends=True)
    workers = os.cpu_count() or 1  # nbgrader processes side by side; also tests that scores are merged right
    run = autograde(lab, submissions, tmp_path_factory.mktemp(lab.name), workers=workers)
    return lab, run, max_scores(lab), wrong, rounds, edited_cell


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
    lab, run, points, wrong, rounds, _ = graded
    for index, names in enumerate(rounds, 1):
        student = f"wrong{index}"
        expected = {**autograded(points), **{grading_cell_of(c): wrong[n].get("score", 0.0) for c, n in names.items()}}
        assert autograded(run.scores[student]) == expected, f"{student}: {names}"
        for cell, name in names.items():
            shown = run.shown[student][grading_cell_of(cell)]
            assert wrong[name]["says"] in shown, f"{name!r}: the student should read {wrong[name]['says']!r}, not {shown!r}"
            assert "Traceback" not in shown and len(shown.splitlines()) <= 3, f"{name!r}: one sentence, not {shown!r}"


@pytest.mark.nbgrader
def test_only_edited_locked_cells_are_reported(graded):
    """nbgrader warns about the one test cell a student edited, not about every test cell with hidden tests."""
    lab, run, *_, edited_cell = graded
    assert run.warnings, "the edited test cell should be reported"
    assert all(edited_cell in line for line in run.warnings), run.warnings
