"""Classes of student-like submissions of a lab, made from its answers in tests/labs/<lab>.py.

A lab's class: the solution's answers typed into the release (full marks), the untouched
release (zero), each set of alternative answers (full marks), and the wrong answers, several
to a submission but at most one per task (each loses exactly its task's points). The lab tests
grade one such class per lab; the benchmark cycles it to any size.
"""
from __future__ import annotations

import copy
import importlib.util
import itertools
import json
from pathlib import Path

from conftest import ROOT
from course.labs import Lab
from course.notebooks import read_notebook
from course.submissions import make_submission, solution_answers

# A student who replaced this test cell with `pass`; the grader must put it back and say so.
EDITED_TEST_CELL = "# GRADED {grade_id}\npass\n"


def lab_answers(lab: Lab) -> tuple[list[dict], dict]:
    """(alternative submissions, {name: wrong answer}) from tests/labs/<lab>.py."""
    path = ROOT / "tests" / "labs" / f"{lab.name}.py"
    if not path.is_file():
        raise FileNotFoundError(f"add tests/labs/{lab.name}.py with ALTERNATIVE_ANSWERS and WRONG_ANSWERS for {lab.name}")
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


def lab_class(lab: Lab) -> tuple[dict[str, dict], list[dict[str, str]], str]:
    """({student: notebook}, the wrong rounds, the test cell that student "wrong1" replaced by `pass`)."""
    alternatives, wrong = lab_answers(lab)
    reference = solution_answers(lab)
    submissions = {"solution": make_submission(lab, reference), "release": read_notebook(lab.release)}
    for index, answers in enumerate(alternatives, 1):
        submissions[f"alternatives{index}"] = make_submission(lab, {**reference, **answers})
    rounds = rounds_of(wrong)
    for index, names in enumerate(rounds, 1):
        submissions[f"wrong{index}"] = make_submission(lab, {**reference, **{cell: wrong[name]["source"] for cell, name in names.items()}})
    edited_cell = grading_cell_of(next(iter(rounds[0])))
    for cell in submissions["wrong1"]["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == edited_cell:
            cell["source"] = EDITED_TEST_CELL.format(grade_id=edited_cell).splitlines(keepends=True)
    return submissions, rounds, edited_cell


def cycled_class(lab: Lab, size: int) -> dict[str, dict]:
    """`size` submissions: the lab's class over and over ({"student007": notebook, ...})."""
    kinds = itertools.cycle(lab_class(lab)[0].values())
    return {f"student{i:03d}": copy.deepcopy(next(kinds)) for i in range(size)}


def write_submitted(folder: Path, lab: Lab, submissions: dict[str, dict]) -> Path:
    """Write `submissions` as nbgrader's submitted/ tree (folder/<student>/<lab>/<lab>.ipynb); return `folder`."""
    for student, notebook in submissions.items():
        target = folder / student / lab.name / f"{lab.name}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(notebook), encoding="utf-8")
    return folder
