"""Instructor tooling behind the `course` command: notebook normal form, lab builds, grading.

Students never import this package; their code lives in `helpers`.
"""
import sys

# nbformat imports jsonschema, which compiles rfc3987-syntax's grammar at import time (about 2.5 s
# of CPU here) for "iri" format checks that notebook validation never uses. Course processes (the
# CLI, each grading runner, the nbgrader commands it runs) skip it: jsonschema then has no "iri" check.
sys.modules.setdefault("rfc3987_syntax", None)


def quicken_nbgrader() -> None:
    """Read nbgrader's gradebook schema version in-process when it creates a gradebook.

    nbgrader runs the `alembic heads` program for it, a new Python that imports nbgrader again:
    4 s for every new gradebook, against a few milliseconds for the same lookup here.
    """
    import os

    import nbgrader.api
    from alembic.script import ScriptDirectory

    def alembic_head() -> str:
        return ScriptDirectory(os.path.join(os.path.dirname(nbgrader.__file__), "alembic")).get_current_head()

    nbgrader.api.get_alembic_version = alembic_head


# How course runs the nbgrader command line (`python -c NBGRADER_MAIN args...`): with both speed-ups.
NBGRADER_MAIN = "import course; course.quicken_nbgrader(); from nbgrader.apps.nbgraderapp import main; main()"


class CourseError(RuntimeError):
    """A problem the instructor can fix; the message says how. The CLI prints it and exits 1."""
