"""Instructor tooling behind the `course` command: notebook normal form, lab builds, grading.

Students never import this package; their code lives in `helpers`.
"""
import sys

# nbformat imports jsonschema, which compiles rfc3987-syntax's grammar at import time (about 2.5 s
# of CPU here) for "iri" format checks that notebook validation never uses. Course processes (the
# CLI, each grading runner, the nbgrader commands it runs) skip it: jsonschema then has no "iri" check.
sys.modules.setdefault("rfc3987_syntax", None)
SKIP_SLOW_IMPORTS = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"  # the same, for `python -c`


class CourseError(RuntimeError):
    """A problem the instructor can fix; the message says how. The CLI prints it and exits 1."""
