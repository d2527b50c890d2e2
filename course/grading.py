"""Grade submissions of one lab with real nbgrader, in scratch course folders.

This is nbgrader itself: generate the assignment once, then `nbgrader autograde`; the scores
come back from nbgrader's own gradebooks, and what each test cell showed the student from the
autograded notebooks. With `workers` > 1 the students are shared among that many nbgrader
processes running side by side, each in its own copy of the course folder, because nbgrader's
SQLite gradebook is written by one process at a time.

Locked cells (setup and tests) that a student left as released are put back, hidden tests
included, before nbgrader sees them. nbgrader would do the same, but it would also log
"Attribute 'checksum' for cell … has changed!" for every test cell with hidden tests in every
submission, since the release's checksums are computed without the hidden tests. Restoring
them first leaves nbgrader's warnings for the submissions whose locked cells were edited.
"""
from __future__ import annotations

import copy
import json
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from course.config import LABS_DIR
from course.labs import Lab, new_course_dir, run_nbgrader
from course.notebooks import read_notebook, source_text

_CHANGED = re.compile(r"Attribute '(\w+)' for cell (\S+) has changed!")


@dataclass
class GradingRun:
    scores: dict[str, dict[str, float | None]]  # {student: {grade id: score}}; None: a person grades it
    shown: dict[str, dict[str, str]]  # {student: {grade id: what the graded cell printed or raised}}
    warnings: list[str]  # nbgrader's warnings about changed cells, each naming the cell
    course_dirs: list[Path]  # nbgrader's folders: submitted/, autograded/, gradebook.db
    generate_seconds: float
    autograde_seconds: float


def autograde(lab: Lab, submissions: dict[str, dict], workdir: Path, workers: int = 1, generated: Path | None = None) -> GradingRun:
    """Autograde `submissions` ({student id: notebook JSON}) with nbgrader in the empty folder `workdir`.

    `generated`: an nbgrader course folder where `generate_assignment` already ran for the lab
    (e.g. a `course grade` output folder); a copy of it is used instead of generating again.
    """
    start = time.perf_counter()
    if generated is not None:
        generated_dir = shutil.copytree(generated, workdir / "course", ignore=shutil.ignore_patterns("submitted", "autograded", "feedback"))
        config = generated_dir / "nbgrader_config.py"  # the copy keeps its own gradebook: nbgrader's default, in its folder
        config.write_text("".join(line for line in config.read_text(encoding="utf-8").splitlines(keepends=True)
                                  if not line.startswith("c.CourseDirectory.db_url")), encoding="utf-8")
    else:
        generated_dir = new_course_dir(lab.root, [lab], workdir / "course")
        run_nbgrader(["generate_assignment", lab.name, "--force"], generated_dir)
    sources = _source_cells(generated_dir, lab)
    released = {c["metadata"]["nbgrader"]["grade_id"]: source_text(c)
                for c in read_notebook(generated_dir / LABS_DIR / lab.name / f"{lab.name}.ipynb")["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id")}
    ready = time.perf_counter()

    students = list(submissions)
    shares = [students[i::workers] for i in range(min(workers, len(students)))]
    course_dirs = [generated_dir] + [shutil.copytree(generated_dir, workdir / f"course{i}") for i in range(1, len(shares))]
    for course_dir, share in zip(course_dirs, shares):
        for student in share:
            target = course_dir / "submitted" / student / lab.name / f"{lab.name}.ipynb"
            target.parent.mkdir(parents=True)
            notebook = restore_locked_cells(submissions[student], sources, released)
            target.write_text(json.dumps(notebook), encoding="utf-8")
    with ThreadPoolExecutor(len(course_dirs)) as pool:  # threads only wait on nbgrader processes
        logs = list(pool.map(lambda d: run_nbgrader(["autograde", lab.name, "--force"], d), course_dirs))
    graded = time.perf_counter()

    scores, shown = {}, {}
    for course_dir, share in zip(course_dirs, shares):
        scores.update(gradebook_scores(course_dir, lab, share))
        shown.update({s: shown_by_graded_cells(course_dir / "autograded" / s / lab.name / f"{lab.name}.ipynb") for s in share})
    warnings = [line.strip() for log in logs for line in log.splitlines() if _CHANGED.search(line)]
    return GradingRun({s: scores[s] for s in students}, {s: shown[s] for s in students}, warnings,
                      course_dirs, ready - start, graded - ready)


def _source_cells(course_dir: Path, lab: Lab) -> dict[str, tuple[str, str]]:
    """{grade id: (source, checksum)} of the lab's locked cells as nbgrader's gradebook holds them."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        cells = gradebook.find_notebook(lab.name, lab.name).source_cells
        return {c.name: (c.source, c.checksum) for c in cells if c.locked}


def restore_locked_cells(nb: dict, sources: dict[str, tuple[str, str]], released: dict[str, str]) -> dict:
    """A copy of `nb` whose locked cells that equal their release are replaced by their source (hidden tests included)."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in sources and grade_id in released and source_text(cell).rstrip() == released[grade_id].rstrip():
            cell["source"], meta["checksum"] = sources[grade_id]
    return nb


def shown_by_graded_cells(autograded: Path) -> dict[str, str]:
    """What each graded code cell of an autograded notebook printed, displayed or raised, as text."""
    shown = {}
    if not autograded.is_file():
        return shown
    for cell in read_notebook(autograded)["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not grade_id or cell["cell_type"] != "code":
            continue
        parts = []
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                parts.append("".join(output["text"]))
            elif output["output_type"] == "error":
                parts.append(f"{output['ename']}: {output['evalue']}")
            elif "text/plain" in output.get("data", {}):
                parts.append("".join(output["data"]["text/plain"]))
        shown[grade_id] = "\n".join(part.strip() for part in parts if part.strip())
    return shown


def gradebook_scores(course_dir: Path, lab: Lab, students: list[str]) -> dict[str, dict[str, float | None]]:
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
