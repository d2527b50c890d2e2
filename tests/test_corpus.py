"""`course grade` gets every grade of the awkward, broken and hostile submissions right (tests/corpus.py).

The suite grades one variant of each group of Lab 3 (a cheap lab: about 8 s a submission) and every
variant that needs no kernel, as one class, in a job of the suite's pool (tests/workload.py). Each
per-task grade must equal the one derived from the variant's clean counterpart, no attack may leave
its mark in any graded notebook, and the batch must go through. `benchmarks/benchmark.py --corpus` grades the whole corpus of every lab.
"""
from __future__ import annotations

import pytest

from corpus import GROUPS, compare, course_grades, leaked, table
from workload import CORPUS_LAB


@pytest.mark.nbgrader
def test_every_variant_gets_the_grade_of_its_clean_counterpart(corpus_run):
    variants, report, _ = corpus_run
    assert {v.group for v in variants} == set(GROUPS)
    grades, notes = course_grades(report, variants)
    mismatches = compare(variants, grades, notes)
    assert not mismatches, "grades that differ from the expected ones:\n" + table(mismatches)


@pytest.mark.nbgrader
def test_no_attack_leaves_a_mark_and_the_batch_goes_through(corpus_run):
    variants, report, out = corpus_run
    notebooks = list((out / "autograded").glob(f"*/{CORPUS_LAB}/*.ipynb"))
    notebook_files = {v.student for v in variants if v.file_name.endswith(".ipynb")}  # graded, or given 0 if unreadable
    assert {p.parent.parent.name for p in notebooks} == notebook_files
    worked = [p.parent.parent.name for p in notebooks if leaked(p)]
    assert not worked, f"attacks that worked, by student: {worked}"
    assert (out / "gradebook.db").read_bytes().startswith(b"SQLite format 3")
