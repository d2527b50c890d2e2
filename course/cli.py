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
