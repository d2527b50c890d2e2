"""The one normal form of every notebook in the repository, and reading notebooks leniently.

`normalize()` is pure: no outputs or execution counts, allowlisted metadata only, LF line
endings, valid unique cell ids, and a Colab badge (and Colab install line) that point at
the file itself. `dumps()` writes it as Jupyter does (sorted keys, indent 1) plus a final newline.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

from course import CourseError
from course.config import BRANCH, GITHUB_REPO, LABS_DIR, SOLUTIONS_DIR

NOTEBOOK_METADATA = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}}
CELL_METADATA_KEEP = ("nbgrader", "tags", "deletable", "editable")
COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
_COLAB_LINK = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+\.ipynb")
_INSTALL_LINK = re.compile(r"git\+https://github\.com/[\w.-]+/[\w.-]+?(?=@|\"|'|\s|$)")


def colab_url(relpath: str) -> str:
    """The Colab address that opens `relpath` (a path inside the repository) from GitHub."""
    return f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{BRANCH}/{relpath}"


def badge_target(relpath: str) -> str:
    """The file a notebook's Colab badge opens: itself; for a lab's solution, the lab students open.

    nbgrader copies the badge from solution to release unchanged, so the release is then
    already in normal form, even when an instructor runs plain `nbgrader generate_assignment`.
    """
    prefix = SOLUTIONS_DIR + "/"
    return LABS_DIR + "/" + relpath[len(prefix):] if relpath.startswith(prefix) else relpath


def colab_badge(relpath: str) -> str:
    return f"[![Open In Colab]({COLAB_BADGE_IMAGE})]({colab_url(relpath)})"


def source_text(cell: dict) -> str:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.replace("\r\n", "\n").replace("\r", "\n")


_VALID_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _cell_id(cell: dict, cell_type: str, source: str, taken: set[str]) -> str:
    """Keep a valid, unique id (nbgrader copies ids from source to release); else derive one from the content."""
    cell_id = cell.get("id")
    if not isinstance(cell_id, str) or not _VALID_ID.match(cell_id) or cell_id in taken:
        base = hashlib.sha1(f"{cell_type}\n{source}".encode()).hexdigest()[:8]
        cell_id, n = base, 1
        while cell_id in taken:
            n += 1
            cell_id = f"{base}-{n}"
    taken.add(cell_id)
    return cell_id


def normalize(nb: dict, relpath: str | None = None) -> dict:
    """Return the normal form of notebook `nb`; with `relpath` (its path in the repository), fix its Colab badge."""
    cells, taken = [], set()
    for index, cell in enumerate(nb.get("cells", [])):
        cell_type = cell.get("cell_type", "code")
        source = source_text(cell)
        if relpath and cell_type == "markdown" and index == 0:
            source = _COLAB_LINK.sub(colab_url(badge_target(relpath)), source)
        if cell_type == "code":
            source = _INSTALL_LINK.sub(f"git+https://github.com/{GITHUB_REPO}", source)
        metadata = {k: copy.deepcopy(v) for k, v in cell.get("metadata", {}).items() if k in CELL_METADATA_KEEP}
        new = {"cell_type": cell_type, "id": _cell_id(cell, cell_type, source, taken), "metadata": metadata,
               "source": source.splitlines(keepends=True)}
        if cell_type == "code":
            new.update(execution_count=None, outputs=[])
        elif cell.get("attachments"):
            new["attachments"] = copy.deepcopy(cell["attachments"])
        cells.append(new)
    return {"cells": cells, "metadata": copy.deepcopy(NOTEBOOK_METADATA), "nbformat": 4, "nbformat_minor": 5}


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_notebook(path: Path) -> dict:
    """Read a notebook file; a file that is not notebook JSON raises CourseError naming it."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CourseError(f"{path} is not a readable notebook ({err}); open and re-save it in Jupyter.") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise CourseError(f"{path} is JSON but not a notebook (no list of cells); hand in the .ipynb file itself.")
    return nb


def write_normalized(path: Path, nb: dict, relpath: str | None = None) -> bool:
    """Write the normal form of `nb` to `path`; True if the file changed."""
    text = dumps(normalize(nb, relpath))
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def repo_notebooks(root: Path) -> list[Path]:
    """Every notebook the repository tracks: notebooks/, solutions/ and labs/."""
    found = []
    for folder in ("notebooks", "solutions", "labs"):
        found += sorted(p for p in (root / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return found


def format_notebooks(root: Path, paths: list[Path] | None = None, check: bool = False) -> list[Path]:
    """Bring notebooks into normal form (or, with `check`, only list those that are not)."""
    changed = []
    for path in paths or repo_notebooks(root):
        path = Path(path).resolve()
        relpath = path.relative_to(root).as_posix()
        text = dumps(normalize(read_notebook(path), relpath))
        if path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    return changed
