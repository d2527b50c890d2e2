"""`course grade` end to end on a small class of Lab 3 with real nbgrader pieces (gradebook, SaveAutoGrades, feedback).

One run grades, side by side: the reference answers pasted into a fresh notebook (every cell lost its
nbgrader metadata; CRLF; an old nbformat minor), a submission that tries to cheat (it looks for
solutions/, turns `checks.expect` into a no-op and installs an AST transformer before a wrong answer)
and then kills its kernel in another task, and a file that is not a notebook.
"""
from __future__ import annotations

import copy
import csv
import json

import pytest

from conftest import ROOT
from course.classgrade import Options, grade_class
from course.grading import max_scores
from course.labs import find_labs
from course.submissions import make_submission, solution_answers
from test_labs import lab_answers

LAB = find_labs(ROOT, ["lab03_callbacks"])[0]
CHEAT = '''
import glob
print("FOUND", glob.glob("{root}/solutions/*") + glob.glob("../../*/gradebook.db"))
from helpers import checks as _checks
_checks.expect = lambda *args, **kwargs: None
_checks.check_close = lambda *args, **kwargs: None
get_ipython().ast_transformers.append(__import__("ast").NodeTransformer())
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    reference = solution_answers(LAB)
    pasted = copy.deepcopy(make_submission(LAB, reference))
    pasted["nbformat_minor"] = 2
    for cell in pasted["cells"]:
        cell["metadata"] = {}
        cell.pop("id", None)
        cell["source"] = "".join(cell["source"]).replace("\n", "\r\n")
    (folder / "Ana Lima_000123_assignsubmission_file_Copy of lab03_callbacks.ipynb").write_text(json.dumps(pasted))
    _, wrong = lab_answers(LAB)
    wrong_q1 = next(w for w in wrong.values() if w["cell"] == "lab03_q1_answer")
    cheat = make_submission(LAB, {**reference,
                                  "lab03_q1_answer": wrong_q1["source"] + CHEAT.format(root=ROOT),
                                  "lab03_q4_answer": reference["lab03_q4_answer"] + "\nimport os\nos._exit(1)\n"})
    (folder / "Carla Dias_000789_assignsubmission_file_lab03_callbacks.ipynb").write_text(json.dumps(cheat))
    (folder / "Dan Reis_000999_assignsubmission_file_lab03_callbacks.ipynb").write_text("not a notebook")
    out = tmp_path_factory.mktemp("grading")
    report = grade_class(LAB, folder, out, Options(workers=2, progress=False))
    rows = {row["student"]: row for row in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    return folder, out, report, rows


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
