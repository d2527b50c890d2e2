"""Student-like submissions made from a lab's release: the way a student fills in answer cells.

Used to check that grading gives the points a careful human would: the solution's answers
typed into the release, other correct answers, and answers wrong in one task.
"""
from __future__ import annotations

import copy
import re

from course.labs import Lab, graded_cells
from course.notebooks import read_notebook, source_text

_SOLUTION_LINE = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def answer_cells(nb: dict) -> dict[str, dict]:
    """The cells a student writes in (nbgrader solution cells), by grade id."""
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in graded_cells(nb) if c["metadata"]["nbgrader"].get("solution")}


def solution_answers(lab: Lab) -> dict[str, str]:
    """What a student who wrote the reference answers would have in each answer cell."""
    answers = {}
    for grade_id, cell in answer_cells(read_notebook(lab.solution)).items():
        answers[grade_id] = "".join(line for line in source_text(cell).splitlines(keepends=True) if not _SOLUTION_LINE.match(line))
    return answers


def make_submission(lab: Lab, answers: dict[str, str]) -> dict:
    """The lab's release with the given answer cells filled in ({grade id: cell source}).

    An answer without its marker line gets the marker, as the release's cell had it.
    """
    nb = copy.deepcopy(read_notebook(lab.release))
    cells = answer_cells(nb)
    unknown = set(answers) - set(cells)
    if unknown:
        raise KeyError(f"{lab.name} has no answer cells {sorted(unknown)}")
    for grade_id, source in answers.items():
        if not source.lstrip().startswith(("# GRADED", "<!-- GRADED")):
            marker = source_text(cells[grade_id]).splitlines()[0]
            source = f"{marker}\n{source.strip()}\n"
        cells[grade_id]["source"] = source.splitlines(keepends=True)
    return nb
