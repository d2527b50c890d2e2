"""Grade submissions of one lab with real nbgrader, in a scratch course folder.

This is plain nbgrader (generate, then autograde every student one at a time); the scores
come back from nbgrader's own gradebook.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from course.labs import Lab, new_course_dir, run_nbgrader


@dataclass
class GradingRun:
    scores: dict[str, dict[str, float | None]]  # {student: {grade id: score}}; None: a person grades it
    course_dir: Path  # nbgrader's folder: submitted/, autograded/, gradebook.db
    generate_seconds: float
    autograde_seconds: float


def autograde(lab: Lab, submissions: dict[str, dict], workdir: Path) -> GradingRun:
    """Autograde `submissions` ({student id: notebook JSON}) with nbgrader in the empty folder `workdir`."""
    from nbgrader.api import Gradebook

    course_dir = new_course_dir(lab.root, [lab], workdir)
    start = time.perf_counter()
    run_nbgrader(["generate_assignment", lab.name, "--force"], course_dir)
    generated = time.perf_counter()
    for student, nb in submissions.items():
        target = course_dir / "submitted" / student / lab.name / f"{lab.name}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(nb), encoding="utf-8")
    run_nbgrader(["autograde", lab.name, "--force"], course_dir)
    graded = time.perf_counter()
    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in submissions:
            notebook = gradebook.find_submission_notebook(lab.name, lab.name, student)
            scores[student] = {g.name: (None if g.needs_manual_grade else g.score) for g in notebook.grades}
    return GradingRun(scores, course_dir, generated - start, graded - generated)


def max_scores(lab: Lab) -> dict[str, float]:
    """Points of every graded cell of the lab, by grade id, read from its release."""
    nb = json.loads(lab.release.read_text(encoding="utf-8"))
    return {c["metadata"]["nbgrader"]["grade_id"]: float(c["metadata"]["nbgrader"]["points"])
            for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
