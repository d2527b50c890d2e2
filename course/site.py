"""`course site build`: the course as a static website, made from the notebooks after executing them.

Readers on GitHub see notebooks without outputs (they are committed without them); the site shows every
teaching notebook and every lab's student version (never a solution) with its figures and results.
The toolchain is Sphinx with MyST-NB and the Sphinx Book Theme, used directly rather than through
Jupyter Book: Jupyter Book 1 is a configuration layer over exactly these libraries, Jupyter Book 2 moves to
a Node.js toolchain, and plain Sphinx also gives autodoc for the `helpers` API reference. Executed
notebooks are kept in a jupyter-cache (the cache MyST-NB itself uses), keyed by the code cells, so a
rebuild after a text edit executes nothing.

The build: copy site/ (configuration and pages) into a staging folder; put each executed notebook there
with a note on the mode it ran in and a link to download the clean notebook; fill the home page's topic
table from the README and the instructors' page from the README and `course --help`; run Sphinx.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from course import CourseError
from course.config import BRANCH, GITHUB_REPO, LABS_DIR, NOTEBOOKS_DIR
from course.notebooks import read_notebook, source_text

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
LOCAL_BADGE = "_static/colab-badge.svg"  # the site works offline: no image from another host
DOWNLOADS = "_downloads_src"  # clean copies of the notebooks, linked from each page
# A release's answer cells raise NotImplementedError until a student answers, and its checks say so.
UNANSWERED = re.compile(r"NotImplementedError")


def pages(root: Path) -> list[str]:
    """Relative paths of the site's notebook pages: the teaching notebooks, then each lab's release."""
    notebooks = sorted(p.relative_to(root).as_posix() for p in (root / NOTEBOOKS_DIR).glob("[0-9]*.ipynb"))
    releases = sorted(p.relative_to(root).as_posix() for p in (root / LABS_DIR).glob("*/*.ipynb"))
    return notebooks + releases


def is_release(relpath: str) -> bool:
    return relpath.startswith(f"{LABS_DIR}/")


def unexpected_errors(notebook: dict) -> list[str]:
    """Errors in an executed lab release other than those of its unanswered tasks ("cell N: Name: value")."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and not UNANSWERED.search(f"{output.get('ename')} {output.get('evalue')}"):
                found.append(f"cell {index} ({source_text(cell).splitlines()[0]!r}): {output.get('ename')}: {output.get('evalue')}")
    return found


def execute_page(root: Path, relpath: str, timeout: int = 1800) -> dict:
    """Execute one page's notebook in its own folder; raise CourseError naming the notebook and the failing cell.

    A lab release runs to the end: its unanswered tasks raise NotImplementedError and its checks say so,
    as a student sees it before starting; any other error fails the build.
    """
    from course.execute import execute

    if not is_release(relpath):
        return execute(root / relpath, timeout=timeout).notebook
    notebook = execute(root / relpath, timeout=timeout, allow_errors=True).notebook
    problems = unexpected_errors(notebook)
    if problems:
        raise CourseError(f"{relpath} failed in {problems[0]}")
    return notebook


def _without_timing(notebook: dict) -> dict:
    """The notebook without nbclient's per-cell timing metadata, so that it hashes as its source does."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        cell.get("metadata", {}).pop("execution", None)
    return notebook


def _cache(folder: Path):
    from jupyter_cache import get_cache

    folder.mkdir(parents=True, exist_ok=True)
    return get_cache(folder)


def executed_page(root: Path, relpath: str, cache_dir: Path, executed: dict | None = None,
                  store: bool = False) -> tuple[dict, str]:
    """(the executed notebook, where it came from: "given", "cache" or "executed").

    `executed` holds notebooks already run from these sources (the test suite's runs: their extra last
    cells, such as probes, are dropped; `store` also caches them). Otherwise the cache is asked for the
    outputs of the same code cells, merged into the current text; otherwise the page is executed and cached.
    """
    import nbformat
    from jupyter_cache.base import CacheBundleIn

    source = read_notebook(root / relpath)
    if executed and relpath in executed:
        run, origin = copy.deepcopy(executed[relpath]), "given"
        run["cells"] = run["cells"][:len(source["cells"])]
        if not store:
            return run, origin
    else:
        try:
            _, merged = _cache(cache_dir).merge_match_into_notebook(nbformat.from_dict(source))
            return json.loads(nbformat.writes(merged)), "cache"
        except KeyError:  # no run of these code cells yet
            run, origin = execute_page(root, relpath), "executed"
    run = _without_timing(run)
    _cache(cache_dir).cache_notebook_bundle(CacheBundleIn(nbformat.from_dict(run), uri=str(root / relpath)),
                                            check_validity=False, overwrite=True)
    return run, origin


def _mode_note(fast: bool, built: str) -> str:
    if fast:
        return ("```{note}\nThis page was executed in **fast mode** (`COURSE_FAST=1`): small slices of the data and few "
                "epochs, so that the whole site builds in minutes. Its numbers are lower than the full-mode results the "
                "text describes; run the notebook yourself for those.\n```")
    return f"```{{note}}\nThis page was executed in **full mode** (all the data, all the epochs) on {built}.\n```"


def _local_badges(text: str, depth: int) -> str:
    return text.replace(COLAB_BADGE, "../" * depth + LOCAL_BADGE)


def stage_page(notebook: dict, root: Path, relpath: str, stage: Path, fast: bool, built: str) -> None:
    """Write the executed page into `stage` with its mode note and download link, and its clean copy beside."""
    import nbformat

    depth = relpath.count("/")
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _local_badges(source_text(cell), depth)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "NotImplementedError":
                output["traceback"] = ["NotImplementedError: this task is not answered yet"]  # not a traceback wall
    download = "../" * depth + f"{DOWNLOADS}/{relpath}"
    kind = "lab's student version" if is_release(relpath) else "notebook"
    lines = [_mode_note(fast, built), "", f"{{download}}`Download this {kind} <{download}>` (without outputs) to run it yourself."]
    if is_release(relpath):
        lines += ["", "Its answer cells are still empty, so its checks say what is missing: that is what a student sees "
                      "before starting. The tests grade the reference answers and several wrong ones with real nbgrader."]
    notebook["cells"].insert(1, nbformat.v4.new_markdown_cell("\n".join(lines)))
    target = stage / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    clean = stage / DOWNLOADS / relpath
    clean.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / relpath, clean)


def readme_section(readme: str, heading: str) -> str:
    """The body of the README section under `## heading`, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", readme, flags=re.S | re.M)
    if not match:
        raise CourseError(f"README.md has no '## {heading}' section; the site takes its text from there.")
    return match.group(1).strip()


def topic_table(readme: str) -> str:
    """The README's topic table, with the Colab badges drawn from the site itself."""
    rows = [line for line in readme_section(readme, "Topics").splitlines() if line.startswith("|")]
    return _local_badges("\n".join(rows), 0)


def course_help() -> str:
    """`course --help` and each command's help, as code blocks."""
    from course.cli import parser

    main = parser()
    blocks = [("course --help", main.format_help())]
    commands = next(a for a in main._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in commands.choices.items():
        nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
        for action, leaf in (nested[0].choices.items() if nested else [(None, sub)]):
            blocks.append((" ".join(filter(None, ["course", name, action, "--help"])), leaf.format_help()))
    return "\n\n".join(f"`{title}`\n\n```text\n{text.rstrip()}\n```" for title, text in blocks)


def build_site(root: Path, out: Path, fast: bool = True, executed: dict | None = None,
               cache_dir: Path | None = None, stage: Path | None = None, log=print) -> Path:
    """Build the site into `out` and return the path of its home page.

    `fast`: execute in fast mode (COURSE_FAST=1) and say so on every page; `executed`: notebooks already
    run (see executed_page). Raises CourseError naming the notebook and cell if a cell fails.
    """
    out, stage = Path(out), Path(stage or root / "build" / "site-source")
    cache_dir = Path(cache_dir or root / "build" / "site-cache") / ("fast" if fast else "full")
    mode = os.environ.pop("COURSE_FAST", None)
    if fast:
        os.environ["COURSE_FAST"] = "1"  # the kernels inherit the mode
    try:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(root / "site", stage)
        built = dt.date.today().isoformat()
        relpaths = pages(root)
        for relpath in relpaths:
            notebook, origin = executed_page(root, relpath, cache_dir, executed)
            stage_page(notebook, root, relpath, stage, fast, built)
            log(f"{relpath}: {origin}")
    finally:
        os.environ.pop("COURSE_FAST", None)
        if mode is not None:
            os.environ["COURSE_FAST"] = mode

    readme = (root / "README.md").read_text(encoding="utf-8")
    sentence = ("in **fast mode** (small slices of the data, few epochs), so their numbers are lower than the text's."
                if fast else f"in **full mode** on {built}.")
    index = (stage / "index.md").read_text(encoding="utf-8")
    index = (index.replace("{{MODE_SENTENCE}}", sentence).replace("{{TOPIC_TABLE}}", topic_table(readme))
             .replace("{{NOTEBOOK_PAGES}}", "\n".join(p.removesuffix(".ipynb") for p in relpaths if not is_release(p)))
             .replace("{{LAB_PAGES}}", "\n".join(p.removesuffix(".ipynb") for p in relpaths if is_release(p))))
    (stage / "index.md").write_text(index, encoding="utf-8")
    instructors = (stage / "instructors.md").read_text(encoding="utf-8")
    section = readme_section(readme, "For instructors")
    (stage / "instructors.md").write_text(instructors.replace("{{INSTRUCTORS_SECTION}}", section)
                                          .replace("{{COURSE_HELP}}", course_help()), encoding="utf-8")

    env = {**os.environ, "COURSE_SITE_REPO": GITHUB_REPO, "COURSE_SITE_BRANCH": BRANCH, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-d", str(stage / ".doctrees"), str(stage), str(out)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:  # -W: a warning, such as a link to a page that does not exist, fails the build
        raise CourseError(f"Sphinx could not build the site: {(done.stderr or done.stdout).strip()[-2000:]}")
    for line in done.stderr.splitlines():
        log(f"sphinx: {line}")
    return out / "index.html"
