"""Classes of student-like submissions of a lab, made from its answers in tests/labs/<lab>.py.

A lab's class: the solution's answers typed into the release (full marks), the untouched
release (zero), each set of alternative answers (full marks), and the wrong answers, several
to a submission but at most one per task (each loses exactly its task's points). The lab tests
grade one such class per lab (`grade_lab_class`); the benchmark cycles it to any size.
"""
from __future__ import annotations

import copy
import csv
import importlib.util
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.classgrade import Options, grade_class
from course.execute import Execution, probe_cell, read_probes
from course.grading import gradebook_scores, max_scores, shown_by_graded_cells
from course.labs import Lab, find_labs
from course.notebooks import read_notebook
from course.submissions import make_submission, solution_answers
from expectations import EXPECTATIONS

ROOT = Path(__file__).resolve().parents[1]

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


class MissingData(Exception):
    """The lab's data could not be had (no mirror, no internet): its grades would mean nothing."""


def data_error(run: Execution) -> str | None:
    """What the first cell that could not load its data said (a helpers.data DataError), if one did."""
    return next((output["evalue"] for output in run.outputs("error") if output.get("ename") == "DataError"), None)


@dataclass
class ClassRun:
    scores: dict[str, dict[str, float | None]]  # {student: {grade id: score}}; None: a person grades it
    shown: dict[str, dict[str, str]]  # {student: {grade id: what the graded cell printed or raised}}
    repairs: dict[str, list[str]]  # {student: what the grader repaired}
    solution: Execution  # the graded solution notebook, outputs and probe results included


def grade_lab_class(lab: Lab, tmp_path_factory):
    """One `course grade` run over every kind of submission of `lab`; the solution also evaluates the lab's probes.

    Returns (lab, ClassRun, max scores, wrong answers, wrong rounds, edited test cell, (submissions, output folder)).
    """
    submissions, rounds, edited_cell = lab_class(lab)
    probes = EXPECTATIONS[lab.solution.relative_to(ROOT).as_posix()]["probes"]
    submissions["solution"]["cells"].append(nbformat.v4.new_code_cell(probe_cell(probes)))
    folder = write_submitted(tmp_path_factory.mktemp(f"{lab.name}-submitted"), lab, submissions)
    out = tmp_path_factory.mktemp(f"{lab.name}-grading")
    report = grade_class(lab, folder, out, Options(workers=1, progress=False))
    assert sorted(report["graded"]) == sorted(submissions), report["not_read"]
    assert all(e["status"] == "graded" and not e["problems"] for e in report["state"].values()), report["state"]
    notebooks = {s: out / "autograded" / s / lab.name / f"{lab.name}.ipynb" for s in submissions}
    solution = Execution(read_notebook(notebooks["solution"]), report["state"]["solution"]["seconds"])
    missing = data_error(solution)
    if missing:
        raise MissingData(f"{lab.name} could not be graded: {missing}")
    solution.probes = read_probes(solution)
    run = ClassRun(gradebook_scores(out, lab, list(submissions)), {s: shown_by_graded_cells(n) for s, n in notebooks.items()},
                   {s: e["repairs"] for s, e in report["state"].items()}, solution)
    _, wrong = lab_answers(lab)
    return lab, run, max_scores(lab), wrong, rounds, edited_cell, (submissions, out)


GRADE_LAB = "lab03_callbacks"  # the lab of tests/test_grade.py
LEFTOVER_SECONDS = 4321  # how long the cheater's background process would sleep
CHEAT = '''
import glob, os
os.system("umount {root}/solutions 2>/dev/null")  # run by root with its capabilities, this would uncover solutions/
print("FOUND", glob.glob("{root}/solutions/*") + glob.glob("../../*/gradebook.db"))
try:
    open("{root}/gradebook.db", "w").write("forged")
    print("WR" + "OTE")  # the word appears in the outputs only if the write worked
except OSError:
    pass
import subprocess
subprocess.Popen(["sleep", "{leftover}"], start_new_session=True)  # left running, for the next student's kernel
from helpers import checks as _checks
_checks.expect = lambda *args, **kwargs: None
_checks.check_close = lambda *args, **kwargs: None
get_ipython().ast_transformers.append(__import__("ast").NodeTransformer())
'''


def grade_awkward_class(tmp_path_factory):
    """Lab 3 graded by `course grade --workers 2`: the reference answers pasted into a fresh notebook, a cheater who
    then kills its kernel, and a file that is not a notebook (tests/test_grade.py)."""
    lab = find_labs(ROOT, [GRADE_LAB])[0]
    folder = tmp_path_factory.mktemp("downloads")
    reference = solution_answers(lab)
    pasted = copy.deepcopy(make_submission(lab, reference))
    pasted["nbformat_minor"] = 2
    for cell in pasted["cells"]:
        cell["metadata"] = {}
        cell.pop("id", None)
        cell["source"] = "".join(cell["source"]).replace("\n", "\r\n")
    (folder / "Ana Lima_000123_assignsubmission_file_Copy of lab03_callbacks.ipynb").write_text(json.dumps(pasted))
    _, wrong = lab_answers(lab)
    wrong_q1 = next(w for w in wrong.values() if w["cell"] == "lab03_q1_answer")
    cheat = make_submission(lab, {**reference,
                                  "lab03_q1_answer": wrong_q1["source"] + CHEAT.format(root=ROOT, leftover=LEFTOVER_SECONDS),
                                  "lab03_q4_answer": reference["lab03_q4_answer"] + "\nimport os\nos._exit(1)\n"})
    (folder / "Carla Dias_000789_assignsubmission_file_lab03_callbacks.ipynb").write_text(json.dumps(cheat))
    (folder / "Dan Reis_000999_assignsubmission_file_lab03_callbacks.ipynb").write_text("not a notebook")
    out = tmp_path_factory.mktemp("grading")
    report = grade_class(lab, folder, out, Options(workers=2, progress=False))
    rows = {row["student"]: row for row in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    return folder, out, report, rows


