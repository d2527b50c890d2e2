"""Labs: find them, generate the student release with nbgrader, and check both versions.

A lab is `solutions/<lab>/<lab>.ipynb` (nbgrader source); its release is `labs/<lab>/<lab>.ipynb`,
generated, never edited by hand. Every graded cell starts with a marker line naming its
nbgrader grade id (`# GRADED lab01_q2_tests`, or `<!-- GRADED lab01_q6_answer -->` in Markdown),
so that a notebook whose metadata an editor lost can be repaired before grading.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course import NBGRADER_MAIN, CourseError
from course.config import LABS_DIR, SOLUTIONS_DIR
from course.notebooks import dumps, normalize, read_notebook, source_text

MARKER = re.compile(r"^\s*(?:#|<!--)\s*GRADED\s+([A-Za-z0-9_\-]+)\s*(?:-->)?\s*$")
SECRET_TEXT = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@dataclass(frozen=True)
class Lab:
    name: str  # e.g. "lab01_mlp"
    root: Path

    @property
    def solution(self) -> Path:
        return self.root / SOLUTIONS_DIR / self.name / f"{self.name}.ipynb"

    @property
    def release(self) -> Path:
        return self.root / LABS_DIR / self.name / f"{self.name}.ipynb"

    @property
    def release_relpath(self) -> str:
        return f"{LABS_DIR}/{self.name}/{self.name}.ipynb"


def find_labs(root: Path, names: list[str] | None = None) -> list[Lab]:
    labs = [Lab(p.parent.name, root) for p in sorted((root / SOLUTIONS_DIR).glob("lab*/lab*.ipynb")) if p.stem == p.parent.name]
    if names:
        unknown = set(names) - {lab.name for lab in labs}
        if unknown:
            raise CourseError(f"No lab named {', '.join(sorted(unknown))}; the labs are {', '.join(l.name for l in labs)}.")
        labs = [lab for lab in labs if lab.name in names]
    return labs


def marker_of(cell: dict) -> str | None:
    """The grade id named by the cell's first-line marker, if it has one."""
    lines = source_text(cell).splitlines()
    match = MARKER.match(lines[0]) if lines else None
    return match.group(1) if match else None


def graded_cells(nb: dict) -> list[dict]:
    """The cells nbgrader tracks (answer, test and written-answer cells), with their metadata."""
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            and (c["metadata"]["nbgrader"].get("grade") or c["metadata"]["nbgrader"].get("solution"))]


def lint_lab(nb: dict, where: str, release: bool) -> list[str]:
    """Problems with a lab notebook: missing markers or points; in a release, leaked answers."""
    problems = []
    for cell in graded_cells(nb):
        meta = cell["metadata"]["nbgrader"]
        if marker_of(cell) != meta["grade_id"]:
            problems.append(f"{where}: cell {meta['grade_id']} must start with the marker line 'GRADED {meta['grade_id']}'.")
        if meta.get("grade") and not meta.get("points"):
            problems.append(f"{where}: graded cell {meta['grade_id']} has no points.")
        if meta.get("grade") and not meta.get("solution") and cell["cell_type"] == "code":
            problems += [f"{where}: {meta['grade_id']}: {p}" for p in _test_cell_problems(source_text(cell))]
    if release:
        text = "\n".join(source_text(c) for c in nb["cells"])
        problems += [f"{where}: contains '{s}', so answers or hidden tests would reach students." for s in SECRET_TEXT if s in text]
    if not any(c["metadata"]["nbgrader"].get("grade") for c in graded_cells(nb)):
        problems.append(f"{where}: has no graded cells.")
    return problems


def _test_cell_problems(source: str) -> list[str]:
    """A test cell must not end in a bare expression: nbgrader would read its value as the score.

    The one exception is `credit.result()` (helpers.checks.Credit), which is meant as the score.
    """
    import ast

    try:
        body = ast.parse(source).body
    except SyntaxError as err:
        return [f"is not valid Python ({err.msg}, line {err.lineno})."]
    last = body[-1] if body else None
    if isinstance(last, ast.Expr) and not (isinstance(last.value, ast.Call) and isinstance(last.value.func, ast.Attribute)
                                           and last.value.func.attr in ("result",) or _returns_none(last.value)):
        return ["ends in a bare expression whose value nbgrader would show and read as the score; "
                "assign it to a name, or end with `credit.result()` for partial credit."]
    return []


def _returns_none(node) -> bool:
    """Calls of the helpers.checks functions that return None (check_*, expect*)."""
    import ast

    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "checks" and node.func.attr.startswith(("check_", "expect")))


def with_absolute_data_dirs(env: dict[str, str]) -> dict[str, str]:
    """`env` with relative data and cache folders made absolute: kernels start in the submission's folder."""
    for name in ("COURSE_DATA_DIR", "COURSE_CACHE_DIR"):
        if env.get(name):
            env[name] = str(Path(env[name]).expanduser().resolve())
    return env


def run_nbgrader(args: list[str], course_dir: Path) -> str:
    """Run the nbgrader command line in `course_dir`; return its log, or raise CourseError."""
    env = with_absolute_data_dirs(dict(os.environ))
    # nbgrader runs the `alembic` program to migrate a gradebook (`nbgrader db upgrade`): it must be on PATH.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    command = [sys.executable, "-c", NBGRADER_MAIN, *args]
    done = subprocess.run(command, cwd=course_dir, env=env,
                          capture_output=True, text=True)
    log = done.stdout + done.stderr
    if done.returncode != 0 or re.search(r"\| ERROR\]", log):
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise CourseError(f"nbgrader {' '.join(args)} failed in {course_dir}:\n{tail}")
    return log


def new_course_dir(root: Path, labs: list[Lab], workdir: Path) -> Path:
    """A scratch nbgrader course folder holding the repository's config and these labs' sources."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", workdir / "nbgrader_config.py")
    for lab in labs:
        shutil.copytree(lab.solution.parent, workdir / SOLUTIONS_DIR / lab.name, dirs_exist_ok=True)
    return workdir


def generated_release(lab: Lab, workdir: Path) -> str:
    """The release nbgrader generates now from the lab's solution, as nbgrader writes it."""
    course_dir = new_course_dir(lab.root, [lab], workdir)
    run_nbgrader(["generate_assignment", lab.name, "--force"], course_dir)
    return (course_dir / LABS_DIR / lab.name / f"{lab.name}.ipynb").read_text(encoding="utf-8")


def build_labs(root: Path, names: list[str] | None = None, check_only: bool = False) -> list[str]:
    """Regenerate labs/ from solutions/ (or, with `check_only`, compare without writing).

    The release is nbgrader's output byte for byte, so instructors may also run plain nbgrader.
    Returns the problems found; a lab with problems is not written.
    """
    problems = []
    for lab in find_labs(root, names):
        with tempfile.TemporaryDirectory(prefix=f"{lab.name}-") as tmp:
            raw = generated_release(lab, Path(tmp))
        lab_problems, text = release_problems(lab, raw, check_only)
        current = lab.release.read_text(encoding="utf-8") if lab.release.is_file() else None
        if not lab_problems and not check_only and current != text:
            lab.release.parent.mkdir(parents=True, exist_ok=True)
            lab.release.write_text(text, encoding="utf-8")
        problems += lab_problems
    return problems


def release_problems(lab: Lab, raw: str, check_only: bool = True) -> tuple[list[str], str]:
    """(problems, the release in normal form) for `raw`, the release `nbgrader generate_assignment` wrote for `lab`."""
    problems = lint_lab(read_notebook(lab.solution), str(lab.solution.relative_to(lab.root)), release=False)
    text = dumps(normalize(json.loads(raw), lab.release_relpath))
    if raw != text:  # then plain `nbgrader generate_assignment` would rewrite labs/ differently
        problems.append(f"{SOLUTIONS_DIR}/{lab.name} is not in normal form; run 'course nb fmt'.")
    problems += lint_lab(json.loads(text), lab.release_relpath, release=True)
    current = lab.release.read_text(encoding="utf-8") if lab.release.is_file() else None
    if check_only and current != text:
        problems.append(f"{lab.release_relpath} is not what nbgrader generates from {SOLUTIONS_DIR}/{lab.name}; run 'course labs build {lab.name}'.")
    return problems, text

