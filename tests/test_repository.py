"""What is committed: notebooks in normal form and shaped alike, README and CI in step."""
from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT
from course.notebooks import badge_target, colab_badge, colab_url, format_notebooks, read_notebook, repo_notebooks, source_text

ALL_NOTEBOOKS = [p.relative_to(ROOT).as_posix() for p in repo_notebooks(ROOT)]
COURSE_NOTEBOOKS = [p for p in ALL_NOTEBOOKS if not p.startswith("labs/")]  # what authors write
TEACHING = [p for p in ALL_NOTEBOOKS if re.match(r"notebooks/\d", p)]


def code_cells(nb):
    return [source_text(c) for c in nb["cells"] if c["cell_type"] == "code"]


def test_every_notebook_is_in_normal_form():
    changed = format_notebooks(ROOT, check=True)
    assert not changed, f"run 'course nb fmt': {[str(p.relative_to(ROOT)) for p in changed]}"


@pytest.mark.parametrize("relpath", ALL_NOTEBOOKS)
def test_notebook_is_valid_nbformat_4(relpath):
    nb = nbformat.read(ROOT / relpath, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)


@pytest.mark.parametrize("relpath", ALL_NOTEBOOKS)
def test_notebook_opens_with_title_badge_and_setup(relpath):
    nb = read_notebook(ROOT / relpath)
    first = source_text(nb["cells"][0])
    assert first.startswith("# "), "the first cell is the H1 title"
    badges = re.findall(r"https://colab\.research\.google\.com/github/\S+?\.ipynb", first)
    assert badges == [colab_url(badge_target(relpath))], "the Colab badge must open this notebook (course nb fmt fixes it)"
    code = code_cells(nb)
    assert "helpers.setup()" in code[0], "the first code cell calls helpers.setup()"
    assert any("parameters" in c["metadata"].get("tags", []) for c in nb["cells"]), "sizes go in a cell tagged 'parameters'"
    assert not any("input_shape=" in c for c in code), "start models with keras.Input(shape=...); input_shape= warns in Keras 3"


@pytest.mark.parametrize("relpath", TEACHING)
def test_teaching_notebook_ends_with_summary_exercises_and_solutions(relpath):
    headings = [line for c in read_notebook(ROOT / relpath)["cells"] if c["cell_type"] == "markdown"
                for line in source_text(c).splitlines() if line.startswith("## ")]
    assert headings[-3:] == ["## Summary", "## Exercises", "## Exercise solutions"]


def test_readme_lists_every_notebook_and_lab_with_a_colab_badge():
    readme = (ROOT / "README.md").read_text()
    for relpath in TEACHING + [p for p in ALL_NOTEBOOKS if p.startswith("labs/")]:
        assert f"]({relpath})" in readme, f"README should link {relpath}"
        assert colab_badge(relpath) in readme, f"README should have a Colab badge for {relpath}"


def _readme_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    return blocks[0].strip(), blocks[1].strip()


def test_ci_installs_and_tests_exactly_as_the_readme_says():
    install, test = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text()
    assert install.endswith(".venv/bin/jupyter lab notebooks/01_mlp_basics.ipynb")
    assert install.split(" && .venv/bin/jupyter")[0] in ci, "CI must install with the README's command"
    assert test in ci.splitlines()[-6:] or f"{test} ||" in ci, "CI must run the README's test command"
    assert "COURSE_FAST=1 COURSE_OFFLINE=1" in ci and "COURSE_DATA_DIR" in ci


def test_every_dependency_names_the_notebook_that_needs_it():
    pyproject = (ROOT / "pyproject.toml").read_text()
    dependencies = pyproject.split("dependencies = [")[1].split("]")[0]
    for line in filter(str.strip, dependencies.splitlines()):
        if not line.strip().startswith(('"numpy', '"keras>')):
            assert "#" in line, f"say which notebook needs {line.strip()}"
    assert '"tensorboard' in dependencies, "TF 2.21 no longer installs tensorboard"


def test_no_data_or_weights_are_committed():
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert files, "run the tests inside the git checkout"
    heavy = [f for f in files if (ROOT / f).is_file() and (ROOT / f).stat().st_size > 1_000_000]
    data = [f for f in files if f.endswith((".h5", ".npz", ".gz", ".tgz", ".csv", ".keras"))]
    assert not heavy and not data, heavy + data
