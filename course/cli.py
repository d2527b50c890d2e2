"""The `course` command: thin argument parsing over the functions in this package."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course import CourseError

EXAMPLES = """examples:
  course nb fmt                  bring every notebook into the repository's normal form
  course nb fmt --check          list notebooks that are not in normal form (exit 1 if any)
  course labs build              regenerate labs/ from solutions/ with nbgrader
  course labs build lab01_mlp    regenerate one lab
  course labs check              verify labs/ is exactly what nbgrader generates now
  course grade lab01_mlp downloads.zip --workers 2
                                 grade a class: grading/lab01_mlp/grades.csv, feedback/, gradebook
  course site build              the course as a website, executed in fast mode: build/site/index.html
  course site build --full       the version to publish: every notebook in full mode
"""


def _nb_fmt(args) -> int:
    from course.config import repo_root
    from course.notebooks import format_notebooks

    root = repo_root()
    changed = format_notebooks(root, [Path(p) for p in args.paths] or None, check=args.check)
    for path in changed:
        print(f"{'not in normal form' if args.check else 'formatted'}: {path.relative_to(root)}")
    if args.check and changed:
        print("Run 'course nb fmt' to fix.")
        return 1
    return 0


def _labs(args) -> int:
    from course.config import repo_root
    from course.labs import build_labs, find_labs

    root = repo_root()
    problems = build_labs(root, args.labs or None, check_only=args.action == "check")
    for problem in problems:
        print(f"problem: {problem}")
    if not problems:
        verb = "up to date" if args.action == "check" else "built"
        print(f"{verb}: {', '.join(lab.name for lab in find_labs(root, args.labs or None))}")
    return 1 if problems else 0


def _grade(args) -> int:
    from course.classgrade import Options, grade_class
    from course.config import repo_root
    from course.labs import find_labs

    root = repo_root()
    lab = find_labs(root, [args.lab])[0]
    submissions = Path(args.submissions)
    if not submissions.exists():
        raise CourseError(f"{submissions} does not exist; pass the folder or .zip of submissions you downloaded.")
    out = Path(args.out or root / "grading" / lab.name)
    options = Options(workers=args.workers, scheduler=args.scheduler, db_url=args.db, force=args.force,
                      student=args.student, pattern=args.pattern, cell_timeout=args.cell_timeout,
                      notebook_timeout=args.notebook_timeout, memory_bytes=int(args.memory_gb * 2**30), warm=not args.cold_kernels)
    report = grade_class(lab, submissions, out, options)
    for path, why in report["not_read"]:
        print(f"not graded: {path}: {why}")
    for student in report["graded"]:
        entry = report["state"][student]
        for line in entry.get("repairs", []):
            print(f"{student}: repaired: {line}")
        for line in entry.get("problems", []):
            print(f"{student}: {entry['status']}: {line}")
        if entry.get("others"):
            print(f"{student}: graded {entry['path']}; older submissions not graded: {', '.join(entry['others'])}")
    if report["skipped_unchanged"]:
        print(f"unchanged since the last run, not regraded: {len(report['skipped_unchanged'])} (use --force to regrade)")
    print(report["summary"])
    print(f"grades: {out / 'grades.csv'}; feedback: {out / 'feedback'}; gradebook: {options.db_url or out / 'gradebook.db'}")
    return 0


def _site(args) -> int:
    from course.config import repo_root
    from course.site import build_site

    root = repo_root()
    out = Path(args.out or root / "build" / "site")
    home = build_site(root, out, fast=not args.full)
    print(f"site: {home} (serve it with: python -m http.server -d {out})")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="course", description="Instructor tools for the Keras course.",
                                   epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)

    nb = commands.add_parser("nb", help="notebook hygiene").add_subparsers(dest="action", required=True)
    fmt = nb.add_parser("fmt", help="write notebooks in normal form (no outputs, stable ids, badges)")
    fmt.add_argument("--check", action="store_true", help="only report; exit 1 if a notebook would change")
    fmt.add_argument("paths", nargs="*", help="notebooks (default: notebooks/, solutions/, labs/)")
    fmt.set_defaults(run=_nb_fmt)

    labs = commands.add_parser("labs", help="student versions of the labs").add_subparsers(dest="action", required=True)
    for action, text in (("build", "regenerate labs/ from solutions/"), ("check", "verify labs/ without writing")):
        sub = labs.add_parser(action, help=text)
        sub.add_argument("labs", nargs="*", help="lab names such as lab01_mlp (default: all)")
        sub.set_defaults(run=_labs)

    grade = commands.add_parser("grade", help="grade a whole class's submissions of one lab")
    grade.add_argument("lab", help="lab name, e.g. lab01_mlp")
    grade.add_argument("submissions", help="folder or .zip downloaded from Moodle, Canvas, Google Classroom/Forms, or nbgrader's submitted/")
    grade.add_argument("--workers", type=int, default=1, help="submissions graded side by side on this machine (default 1)")
    grade.add_argument("--scheduler", help="address of a Dask distributed scheduler that runs the submissions")
    grade.add_argument("--db", help="gradebook URL, e.g. postgresql://user@host/db (default: SQLite in the output folder)")
    grade.add_argument("--out", help="output folder, an nbgrader course (default: grading/LAB)")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded and unchanged")
    grade.add_argument("--student", help="grade (again) only this student id")
    grade.add_argument("--pattern", help="regex with a (?P<student>...) group that finds the student id in each file path")
    grade.add_argument("--cell-timeout", type=int, default=300, help="seconds per cell (default 300)")
    grade.add_argument("--notebook-timeout", type=int, default=1800, help="seconds per notebook (default 1800)")
    grade.add_argument("--memory-gb", type=float, default=4.0, help="memory a submission may really use (default 4)")
    grade.add_argument("--cold-kernels", action="store_true",
                       help="start each kernel from scratch instead of forking it from a sandboxed process that already imported TensorFlow")
    grade.set_defaults(run=_grade)

    site = commands.add_parser("site", help="the course as a static website").add_subparsers(dest="action", required=True)
    build = site.add_parser("build", help="execute every notebook and lab release (cached by content) and build the site")
    build.add_argument("--full", action="store_true", help="execute in full mode, the version to publish (default: fast mode, said on every page)")
    build.add_argument("--out", help="output folder (default: build/site, git-ignored)")
    build.set_defaults(run=_site)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as err:
        print(f"course: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
