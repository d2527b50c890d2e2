"""`course grade`: grade a whole class's submissions of one lab, on nbgrader's own pieces.

The output folder is an nbgrader course (nbgrader_config.py, solutions/<lab>, labs/<lab>,
submitted/, autograded/, feedback/, the gradebook), so `nbgrader formgrader` opened there grades
the written answers. Each submission is found (course.intake), repaired (course.repair), run in
its own sandbox (course.runner) by a local thread pool or a Dask cluster, and then this process
alone writes its grades into the gradebook with nbgrader's SaveAutoGrades. Unchanged submissions
already graded are skipped on a re-run (by content hash) unless --force or --student.
"""
from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from course import CourseError
from course.config import LABS_DIR, SOLUTIONS_DIR
from course.labs import Lab, run_nbgrader, with_absolute_data_dirs
from course.notebooks import read_notebook, source_text
from course.repair import LabCells, UnreadableNotebook, repair
from course.runner import grade_job, new_private_folder

STATE_FILE = "grading-state.json"
GRADED = "graded"


@dataclass
class Options:
    workers: int = 1
    scheduler: str | None = None
    db_url: str | None = None
    force: bool = False
    student: str | None = None
    pattern: str | None = None
    cell_timeout: int = 300
    notebook_timeout: int = 1800
    memory_bytes: int = 4 * 2**30
    max_processes: int = 1024
    warm: bool = True  # fork kernels from a sandboxed process that imported TensorFlow (course.warm)
    progress: bool = True


def prepare_course(lab: Lab, out: Path, db_url: str) -> None:
    """Make `out` an nbgrader course holding the lab, and put the lab into its gradebook."""
    out.mkdir(parents=True, exist_ok=True)
    config = (lab.root / "nbgrader_config.py").read_text(encoding="utf-8")
    config += (f"\nc.CourseDirectory.db_url = {db_url!r}\n"
               "# Feedback shows what each check said, not the hidden tests.\n"
               "from nbgrader.preprocessors import ClearHiddenTests, GetGrades\n"
               "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor\n"
               "c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]\n")
    (out / "nbgrader_config.py").write_text(config, encoding="utf-8")
    source = out / SOLUTIONS_DIR / lab.name
    digest = hashlib.sha256(lab.solution.read_bytes()).hexdigest()
    stamp = out / SOLUTIONS_DIR / f".{lab.name}.sha256"
    if stamp.is_file() and stamp.read_text() == digest and (out / LABS_DIR / lab.name).is_dir():
        return  # the gradebook already holds this version of the lab
    shutil.copytree(lab.solution.parent, source, dirs_exist_ok=True)
    run_nbgrader(["generate_assignment", lab.name, "--force"], out)
    stamp.write_text(digest)


def lab_cells(lab: Lab, out: Path, db_url: str) -> LabCells:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        locked = {c.name: c.source for c in gradebook.find_notebook(lab.name, lab.name).source_cells if c.locked}
    return LabCells(read_notebook(out / LABS_DIR / lab.name / f"{lab.name}.ipynb"), locked)


def setup_imports(cells: LabCells) -> str:
    """The top-level imports of the lab's locked, ungraded cells: rebound before each test cell."""
    lines = []
    for cell in cells.release["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("locked") and not meta.get("grade"):
            try:
                tree = ast.parse(source_text(cell))
            except SyntaxError:
                continue
            lines += [ast.unparse(node) for node in tree.body
                      if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", None) != "__future__"]
    return "\n".join(lines) + "\n"


def _kernel_env(threads: int) -> dict[str, str]:
    env = with_absolute_data_dirs({k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER_"))})
    # N workers share the cores: each kernel's TensorFlow and BLAS get their share of threads.
    env.update(NBGRADER_EXECUTION="autograde", PYTHONUNBUFFERED="1", TF_CPP_MIN_LOG_LEVEL="2",
               TF_NUM_INTRAOP_THREADS=str(threads), TF_NUM_INTEROP_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    return env


def _executor(options: Options):
    if options.scheduler:
        from distributed import Client

        client = Client(options.scheduler)
        return client.get_executor(pure=False), client
    return ThreadPoolExecutor(max(1, options.workers)), None  # threads only wait on runner processes


def grade_class(lab: Lab, submissions: Path, out: Path, options: Options) -> dict:
    """Grade every submission of `lab` found in `submissions`; write the gradebook, CSV, feedback and summary into `out`."""
    from course.intake import read_submissions

    out = out.resolve()
    db_url = options.db_url or f"sqlite:///{out / 'gradebook.db'}"
    prepare_course(lab, out, db_url)
    cells = lab_cells(lab, out, db_url)
    test_cells = [g for g, c in cells.cells.items() if c["metadata"]["nbgrader"].get("grade") and c["metadata"]["nbgrader"].get("locked")]
    intake = read_submissions(submissions, lab.name, pattern=options.pattern)
    if not intake.found and not intake.skipped:
        raise CourseError(f"no notebooks in {submissions}; pass the folder or .zip you downloaded from the course platform.")
    state_path = out / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.is_file() else {}
    if options.student and options.student not in {f.student for f in intake.found}:
        raise CourseError(f"no submission from student {options.student!r} in {submissions}; the ids found are "
                          f"{', '.join(f.student for f in intake.found[:10])}.")

    private = new_private_folder()
    threads = max(1, (os.cpu_count() or 1) // max(1, options.workers))
    env = _kernel_env(threads)
    hide = [str(private), str(out), str(lab.root / SOLUTIONS_DIR), str(submissions.resolve().parent if submissions.is_file() else submissions.resolve())]
    rebind = setup_imports(cells)
    jobs, entries = [], {}
    for number, found in enumerate(intake.found):
        digest = hashlib.sha256(found.data).hexdigest()
        entry = {"sha256": digest, "path": found.path, "name": found.name, "others": found.others, "repairs": [], "problems": []}
        previous = state.get(found.student, {})
        wanted = options.student is None or options.student == found.student
        unchanged = previous.get("sha256") == digest and previous.get("status") in (GRADED, "unreadable")
        if not wanted or (unchanged and not options.force and options.student is None):
            continue
        try:
            notebook, entry["repairs"] = repair(found.data, cells)
        except UnreadableNotebook as err:
            entry.update(status="unreadable", problems=[str(err)])
            entries[found.student] = entry
            continue
        entries[found.student] = entry
        key = f"s{number:04d}"
        jobs.append({"key": key, "student": found.student, "lab": lab.name, "notebook": notebook, "test_cells": test_cells,
                     "rebind": rebind, "env": env, "folder": str(private / key), "private": str(private / "jobs"),
                     "hide": hide, "expose": [str(lab.root), sys.prefix, sys.base_prefix]
                     + [env[n] for n in ("COURSE_DATA_DIR", "COURSE_CACHE_DIR") if env.get(n)], "cell_timeout": options.cell_timeout, "notebook_timeout": options.notebook_timeout,
                     "memory_bytes": options.memory_bytes, "max_processes": options.max_processes, "warm": options.warm and bool(shutil.which("bwrap"))})

    started = time.perf_counter()
    results = {}
    executor, client = _executor(options) if jobs else (None, None)
    try:
        if jobs:
            from tqdm import tqdm

            futures = [executor.submit(grade_job, job) for job in jobs]
            bar = tqdm(total=len(futures), desc=f"grading {lab.name}", unit="submission", disable=not options.progress, file=sys.stderr)
            for future in as_completed(futures):
                result = future.result()
                results[result["student"]] = result
                bar.update(1)
            bar.close()
    finally:
        if executor is not None:
            executor.shutdown(wait=True)
        if client is not None:
            client.close()
        from course import warm

        warm.close_all(under=private)
        shutil.rmtree(private, ignore_errors=True)
    seconds = time.perf_counter() - started

    for student, entry in entries.items():  # the one writer of the gradebook
        result = results.get(student)
        if entry.get("status") == "unreadable":
            _save_grades(lab, out, db_url, student, cells.release, zero=True)
        elif "error" in result:
            entry.update(status="error", problems=[result["error"]])
            _save_grades(lab, out, db_url, student, cells.release, zero=True)
        else:
            entry.update(status=GRADED, problems=result["problems"], grader_notes=result.get("grader_notes", []), seconds=result["seconds"], wall_seconds=result["wall_seconds"], phases=result.get("phases"),
                         peak_memory_bytes=result["peak_memory_bytes"], isolation=result["isolation"])
            _save_grades(lab, out, db_url, student, result["notebook"])
        state[student] = entry
    state_path.write_text(json.dumps(state, indent=1, ensure_ascii=False), encoding="utf-8")

    if entries:
        _generate_feedback(lab, out, state, list(entries))
        state_path.write_text(json.dumps(state, indent=1, ensure_ascii=False), encoding="utf-8")
    grades = write_grades_csv(lab, out, db_url, state)
    summary = write_summary(lab, out, grades)
    return {"graded": sorted(entries), "skipped_unchanged": sorted(set(state) - set(entries)),
            "not_read": intake.skipped, "seconds": seconds, "grades": grades, "summary": summary, "state": state}


def _save_grades(lab: Lab, out: Path, db_url: str, student: str, notebook: dict, zero: bool = False) -> None:
    """Put the executed notebook into autograded/ and its scores into the gradebook, as `nbgrader autograde` does."""
    import nbformat
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades

    nb = nbformat.reads(json.dumps(notebook), as_version=4)  # sources as strings, as nbgrader expects
    if zero:  # nothing could be run: every check fails, every written answer is unanswered
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade") and cell.metadata["nbgrader"].get("locked"):
                cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue="the submission could not be run", traceback=[])]
    for folder in ("submitted", "autograded"):
        target = out / folder / student / lab.name / f"{lab.name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(nb), encoding="utf-8")
    with Gradebook(db_url) as gradebook:
        gradebook.update_or_create_student(student)
        gradebook.update_or_create_submission(lab.name, student)
    SaveAutoGrades().preprocess(nb, {"nbgrader": {"db_url": db_url, "assignment": lab.name, "notebook": lab.name, "student": student}})


def _generate_feedback(lab: Lab, out: Path, state: dict, students: list[str]) -> None:
    """nbgrader's feedback for the whole class in one run; where that fails, one student at a time,
    so that a notebook nbconvert cannot render loses only its own feedback (said in its problems)."""
    try:
        run_nbgrader(["generate_feedback", lab.name, "--force"], out)
        return
    except CourseError:
        pass
    for student in students:
        if not (out / "autograded" / student / lab.name).is_dir():
            continue
        try:
            run_nbgrader(["generate_feedback", lab.name, "--force", "--student", student], out)
        except CourseError as err:
            reason = next((line.strip() for line in reversed(str(err).splitlines()) if "Error" in line and "nbgrader" not in line), "see nbgrader's log")
            state[student].setdefault("problems", []).append(f"no feedback file: nbgrader could not render this notebook ({reason})")


def write_grades_csv(lab: Lab, out: Path, db_url: str, state: dict) -> list[dict]:
    """grades.csv: one row per student with the points of each task, the total, and what the grader did."""
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(db_url) as gradebook:
        for student in sorted(state):
            try:
                notebook = gradebook.find_submission_notebook(lab.name, lab.name, student)
            except Exception:  # MissingEntry: never graded
                continue
            entry = state[student]
            scores = {g.name: g.score for g in notebook.grades}
            row = {"student": student, "name": entry.get("name") or "",
                   **{name: ("" if notebook_grade.needs_manual_grade and notebook_grade.manual_score is None else f"{scores[name]:g}")
                      for name, notebook_grade in sorted((g.name, g) for g in notebook.grades)},
                   "total": f"{sum(s for s in scores.values() if s is not None):g}", "max": f"{notebook.max_score:g}",
                   "status": entry["status"], "repairs": "; ".join(entry.get("repairs", [])),
                   "problems": "; ".join(entry.get("problems", [])), "file": entry.get("path", ""),
                   "older_submissions": "; ".join(entry.get("others", []))}
            rows.append(row)
    if rows:
        with open(out / "grades.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return rows


def write_summary(lab: Lab, out: Path, rows: list[dict]) -> str:
    """summary.png (score histogram, pass rate per task) and a text table; returns the table."""
    if not rows:
        return "no submissions graded"
    tasks = [k for k in rows[0] if k.endswith("_tests")]
    totals = [float(r["total"]) for r in rows]
    maximum = float(rows[0]["max"])
    from course.grading import max_scores

    points = max_scores(lab)
    rates = {t: sum(r[t] != "" and float(r[t]) >= points[t] for r in rows) / len(rows) for t in tasks}
    lines = [f"{lab.name}: {len(rows)} students, mean {sum(totals) / len(totals):.1f} of {maximum:g} autograded+graded points "
             f"(written answers wait for formgrader)", f"{'task':<24}{'full marks':>12}"]
    lines += [f"{t:<24}{rate:>11.0%}" for t, rate in rates.items()]
    problems = [r["student"] for r in rows if r["status"] != GRADED or r["problems"]]
    if problems:
        lines.append(f"look at: {', '.join(problems)} (see the status and problems columns of grades.csv)")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.hist(totals, bins=min(20, max(5, len(rows))), range=(0, maximum), color="tab:blue")
    left.set(title=f"{lab.name}: total scores ({len(rows)} students)", xlabel="points", ylabel="students")
    right.barh([t.replace("_tests", "") for t in tasks], [rates[t] for t in tasks], color="tab:green")
    right.set(title="students with full marks, per task", xlim=(0, 1))
    right.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    figure.tight_layout()
    figure.savefig(out / "summary.png", dpi=100)
    plt.close(figure)
    return "\n".join(lines)
