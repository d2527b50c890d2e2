"""Unit tests of the instructor package: normal form, execution reports, submissions, the CLI."""
from __future__ import annotations

import json

import nbformat
import pytest

from conftest import ROOT
from course import CourseError
from course.cli import main
from course.execute import execute
from course.labs import find_labs, lint_lab, marker_of
from course.notebooks import dumps, normalize, read_notebook
from course.submissions import answer_cells, make_submission, solution_answers


def colab_saved_notebook() -> dict:
    """What Colab saves: nbformat 4.0, outputs, execution counts, Colab metadata, CRLF sources."""
    return {
        "nbformat": 4, "nbformat_minor": 0,
        "metadata": {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"},
                     "accelerator": "GPU", "widgets": {}},
        "cells": [
            {"cell_type": "markdown", "metadata": {"id": "abc"}, "source": ["# Title\r\n", "[x](https://colab.research.google.com/github/a/b/blob/main/old.ipynb)"]},
            {"cell_type": "code", "execution_count": 3, "metadata": {"colab": {"base_uri": "x"}, "outputId": "q", "tags": ["parameters"]},
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}], "source": "x = 1\r\ny = 2"},
            {"cell_type": "code", "execution_count": 4, "id": "same", "metadata": {"nbgrader": {"grade_id": "g", "points": 1}},
             "outputs": [], "source": "pass"},
            {"cell_type": "code", "execution_count": 5, "id": "same", "metadata": {}, "outputs": [], "source": "pass"},
        ],
    }


def test_normal_form_strips_editor_noise_and_is_idempotent():
    nb = normalize(colab_saved_notebook(), "notebooks/new.ipynb")
    assert nb["nbformat_minor"] == 5 and set(nb["metadata"]) == {"kernelspec", "language_info"}
    title, params, graded, twin = nb["cells"]
    assert "".join(title["source"]) == "# Title\n[x](https://colab.research.google.com/github/keras-course/keras-course/blob/main/notebooks/new.ipynb)"
    assert params["outputs"] == [] and params["execution_count"] is None and params["metadata"] == {"tags": ["parameters"]}
    assert params["source"] == ["x = 1\n", "y = 2"]
    assert graded["metadata"] == {"nbgrader": {"grade_id": "g", "points": 1}}
    assert graded["id"] == "same" and twin["id"] != "same"  # duplicate ids are replaced
    assert normalize(nb, "notebooks/new.ipynb") == nb
    nbformat.validate(nbformat.reads(dumps(nb), as_version=4))


def test_read_notebook_names_bad_files(tmp_path):
    (tmp_path / "empty.ipynb").write_text("")
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    with pytest.raises(CourseError, match="empty.ipynb is not a readable notebook"):
        read_notebook(tmp_path / "empty.ipynb")
    with pytest.raises(CourseError, match="JSON but not a notebook"):
        read_notebook(tmp_path / "list.ipynb")


def _notebook(tmp_path, *sources, parameters=0):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells[parameters].metadata["tags"] = ["parameters"]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_execute_reports_probes_and_applies_overrides(tmp_path):
    path = _notebook(tmp_path, "SIZE = 10", "import numpy as np\nvalues = np.arange(SIZE)")
    run = execute(path, overrides={"SIZE": 3}, probes={"check: three values": "len(values) == 3", "total": "values.sum()"})
    assert run.probes == {"check: three values": True, "total": 3.0}
    assert run.seconds > 0


def test_execute_failure_names_the_cell_and_keeps_the_executed_copy(tmp_path):
    path = _notebook(tmp_path, "x = 1", "# second cell\nraise ValueError('boom')")
    with pytest.raises(CourseError, match=r"failed in cell 1 \('# second cell'\): ValueError: boom"):
        execute(path, keep=tmp_path / "kept.ipynb")
    assert (tmp_path / "kept.ipynb").is_file()


@pytest.mark.parametrize("source, reason", [("import os\nos._exit(1)", "the kernel died"), ("import time\ntime.sleep(30)", "ran past the 3 s limit")])
def test_execute_names_the_cell_that_killed_its_kernel_or_ran_too_long(tmp_path, source, reason):
    path = _notebook(tmp_path, "x = 1", f"# second cell\n{source}", "y = 2")
    with pytest.raises(CourseError, match=rf"failed in cell 1 \('# second cell'\): .*{reason}"):
        execute(path, timeout=3)


def test_markers_and_lint(tmp_path):
    assert marker_of({"source": "# GRADED lab01_q1_answer\ndef f(): pass"}) == "lab01_q1_answer"
    assert marker_of({"source": "<!-- GRADED lab01_q6_answer -->\ntext"}) == "lab01_q6_answer"
    assert marker_of({"source": "def f(): pass"}) is None
    cell = {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "lab01_q1_tests", "grade": True, "points": 0}},
            "source": "assert True\n### BEGIN HIDDEN TESTS\n"}
    problems = lint_lab({"cells": [cell]}, "x.ipynb", release=True)
    assert any("marker line" in p for p in problems) and any("no points" in p for p in problems)
    assert any("BEGIN HIDDEN TESTS" in p for p in problems)


def test_lint_refuses_test_cells_that_end_in_a_value():
    """nbgrader reads a test cell's displayed value as its score (or warns and gives full marks)."""
    def problems_of(source):
        cell = {"cell_type": "code", "source": f"# GRADED lab09_q1_tests\n{source}",
                "metadata": {"nbgrader": {"grade_id": "lab09_q1_tests", "grade": True, "points": 5}}}
        return [p for p in lint_lab({"cells": [cell]}, "x.ipynb", release=False) if "bare expression" in p]

    assert problems_of("output = checks.model_output(m, x, (1,))\nchecks.model_output(m, x, (1,))")
    assert problems_of("history.history")
    assert not problems_of("checks.check_array(x, 'x')")
    assert not problems_of("credit = checks.Credit(5)\ncredit.result()")
    assert not problems_of("value = 3")


def test_submissions_fill_answer_cells_of_the_release():
    lab = find_labs(ROOT)[0]
    answers = solution_answers(lab)
    assert answers and all("BEGIN SOLUTION" not in a for a in answers.values())
    first = sorted(answers)[0]
    submission = make_submission(lab, {first: "def anything():\n    return 1\n"})
    cell = answer_cells(submission)[first]
    assert "".join(cell["source"]).startswith(f"# GRADED {first}\n")
    assert json.loads(lab.release.read_text()) != submission
    with pytest.raises(KeyError):
        make_submission(lab, {"no_such_cell": ""})


def test_cli_checks_normal_form_and_reports_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["nb", "fmt", "--check"]) == 0
    copy = tmp_path / "repo"
    (copy / "solutions").mkdir(parents=True)
    (copy / "nbgrader_config.py").write_text("")
    (copy / "notebooks").mkdir()
    (copy / "notebooks" / "01_x.ipynb").write_text(json.dumps(colab_saved_notebook()))
    monkeypatch.chdir(copy)
    assert main(["nb", "fmt", "--check"]) == 1
    assert "not in normal form: notebooks/01_x.ipynb" in capsys.readouterr().out
    assert main(["nb", "fmt"]) == 0 and main(["nb", "fmt", "--check"]) == 0
    assert main(["labs", "build", "lab99"]) == 1
    assert "No lab named lab99" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert main(["labs", "check"]) == 1
    assert "not inside the course repository" in capsys.readouterr().err
