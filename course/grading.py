"""Grade submissions of one lab with real nbgrader, in scratch course folders.

This is plain nbgrader: generate the assignment once, then `nbgrader autograde`; the scores
come back from nbgrader's own gradebooks. With `workers` > 1 the students are shared among
that many nbgrader processes running side by side, each in its own copy of the course folder,
because nbgrader's SQLite gradebook is written by one process at a time.
"""
from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from course.labs import Lab, new_course_dir, run_nbgrader


@dataclass
class GradingRun:
    scores: dict[str, dict[str, float | None]]  # {student: {grade id: score}}; None: a person grades it
    course_dirs: list[Path]  # nbgrader's folders: submitted/, autograded/, gradebook.db
    generate_seconds: float
    autograde_seconds: float


def autograde(lab: Lab, submissions: dict[str, dict], workdir: Path, workers: int = 1) -> GradingRun:
    """Autograde `submissions` ({student id: notebook JSON}) with nbgrader in the empty folder `workdir`."""
    start = time.perf_counter()
    generated_dir = new_course_dir(lab.root, [lab], workdir / "course")
    run_nbgrader(["generate_assignment", lab.name, "--force"], generated_dir)
    generated = time.perf_counter()

    students = list(submissions)
    shares = [students[i::workers] for i in range(min(workers, len(students)))]
    course_dirs = [generated_dir] + [shutil.copytree(generated_dir, workdir / f"course{i}") for i in range(1, len(shares))]
    for course_dir, share in zip(course_dirs, shares):
        for student in share:
            target = course_dir / "submitted" / student / lab.name / f"{lab.name}.ipynb"
            target.parent.mkdir(parents=True)
            target.write_text(json.dumps(submissions[student]), encoding="utf-8")
    with ThreadPoolExecutor(len(course_dirs)) as pool:  # threads only wait on nbgrader processes
        list(pool.map(lambda d: run_nbgrader(["autograde", lab.name, "--force"], d), course_dirs))
    graded = time.perf_counter()

    scores = {}
    for course_dir, share in zip(course_dirs, shares):
        scores.update(_gradebook_scores(course_dir, lab, share))
    return GradingRun({s: scores[s] for s in students}, course_dirs, generated - start, graded - generated)


def _gradebook_scores(course_dir: Path, lab: Lab, students: list[str]) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        return {student: {g.name: (None if g.needs_manual_grade else g.score)
                          for g in gradebook.find_submission_notebook(lab.name, lab.name, student).grades}
                for student in students}


def max_scores(lab: Lab) -> dict[str, float]:
    """{grade id: points} of every graded cell of the lab's release."""
    nb = json.loads(lab.release.read_text(encoding="utf-8"))
    return {c["metadata"]["nbgrader"]["grade_id"]: float(c["metadata"]["nbgrader"]["points"])
            for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
