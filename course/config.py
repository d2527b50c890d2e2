"""Where things are: the repository root, its folders, and the public GitHub home of the course."""
from __future__ import annotations

from pathlib import Path

from course import CourseError

# The course's home on GitHub: Colab badges and the Colab install line point here.
# A fork changes these two values and runs `course nb fmt` to rewrite every badge.
GITHUB_REPO = "keras-course/keras-course"
BRANCH = "main"

NOTEBOOKS_DIR = "notebooks"
SOLUTIONS_DIR = "solutions"  # nbgrader source
LABS_DIR = "labs"  # nbgrader release, generated


def repo_root(start: Path | None = None) -> Path:
    """The course repository containing `start` (default: the current folder)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / SOLUTIONS_DIR).is_dir():
            return folder
    raise CourseError(f"{here} is not inside the course repository; cd into the folder that holds nbgrader_config.py.")
