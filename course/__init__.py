"""Instructor tooling behind the `course` command: notebook normal form, lab builds, grading.

Students never import this package; their code lives in `helpers`.
"""


class CourseError(RuntimeError):
    """A problem the instructor can fix; the message says how. The CLI prints it and exits 1."""
