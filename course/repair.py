"""Put a submitted notebook back into the shape nbgrader grades, and say what was changed.

Students' notebooks come from Colab, Kaggle, VS Code, classic Notebook and JupyterLab: other
nbformat minors, missing or duplicated cell ids, CRLF, sources as strings. Worse, cells lose
their nbgrader metadata when a student re-types one or pastes the lab into a fresh notebook,
and plain nbgrader then scores them 0. Every graded cell of our labs starts with a marker line
(`# GRADED lab01_q1_answer`, `<!-- GRADED lab01_q6_answer -->`), so the cell can be found again.

`repair()` returns the notebook to grade, with the locked cells (setup and tests, hidden tests
included) exactly as the instructor wrote them, and one sentence per change made.
"""
from __future__ import annotations

import copy
import json
import re
import uuid
from dataclasses import dataclass, field

import nbformat

from course.notebooks import source_text

_MARKER = re.compile(r"^\s*(?:#|<!--)\s*GRADED\s+([\w.-]+)")


class UnreadableNotebook(ValueError):
    """The file is not a notebook at all; the message says what to do."""


@dataclass
class LabCells:
    """What repair needs to know of a lab: its release, and its locked cells as the gradebook holds them."""
    release: dict  # the student version (nbgrader's release)
    locked_sources: dict[str, str]  # {grade id: source with hidden tests} of every locked cell
    order: list[str] = field(default_factory=list)  # grade ids in release order

    def __post_init__(self):
        self.cells = {c["metadata"]["nbgrader"]["grade_id"]: c for c in self.release["cells"]
                      if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
        self.order = list(self.cells)


def read_any_notebook(data: bytes) -> tuple[dict, list[str]]:
    """Parse notebook bytes of any nbformat 4 minor (or 3); return nbformat 4.5 JSON and the conversions made."""
    notes = []
    try:
        text = data.decode("utf-8-sig")
        raw = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UnreadableNotebook(f"the file is not a notebook ({type(err).__name__}: {err}); "
                                 "download the .ipynb from Jupyter or Colab again (File → Download → .ipynb)") from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise UnreadableNotebook("the file is JSON but not a notebook (it has no cells); submit the lab's .ipynb file")
    version = (raw.get("nbformat"), raw.get("nbformat_minor"))
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as err:  # nbformat raises several kinds for malformed files
        raise UnreadableNotebook(f"the notebook cannot be read ({err}); open it in Jupyter, save it, and submit it again") from None
    if version != (4, 5):
        notes.append(f"read nbformat {version[0]}.{version[1]} and converted it to 4.5")
    nb = json.loads(nbformat.writes(nb))  # plain JSON from here on
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    crlf = False
    taken = set()
    for cell in nb["cells"]:
        source = cell.get("source", "")
        joined = "".join(source) if isinstance(source, list) else str(source)
        crlf |= "\r" in joined
        cell["source"] = source_text(cell)
        cell.setdefault("metadata", {})
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", cell_id) or cell_id in taken:
            cell["id"] = uuid.uuid4().hex[:8]
        taken.add(cell["id"])
    if crlf:
        notes.append("converted Windows line endings")
    nb.setdefault("metadata", {})["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    if nb["metadata"].pop("widgets", None) is not None:
        # Outputs are cleared before grading, so the saved widget state is stale; Colab writes it in a form
        # nbconvert cannot read (no "state" key), which would fail the feedback of the whole class.
        notes.append("dropped the saved state of interactive widgets (outputs are re-created when the notebook runs)")
    return nb, notes


def _grade_id(cell: dict, lab: LabCells) -> str | None:
    """Which graded cell of the lab this is: by its metadata, its marker line, or (locked cells) its exact text."""
    meta_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
    if meta_id in lab.cells:
        return meta_id
    first = next((line for line in cell["source"].splitlines() if line.strip()), "")
    marker = _MARKER.match(first)
    if marker and marker.group(1) in lab.cells:
        return marker.group(1)
    text = cell["source"].strip()
    return next((g for g, c in lab.cells.items() if c["metadata"]["nbgrader"].get("locked") and text
                 and text == source_text(c).strip()), None)


def _released_text(lab: LabCells, grade_id: str) -> str:
    return source_text(lab.cells[grade_id]).strip()


def repair(data: bytes, lab: LabCells) -> tuple[dict, list[str]]:
    """The notebook to grade and the repairs made, each one sentence; raises UnreadableNotebook."""
    nb, repairs = read_any_notebook(data)
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(nb["cells"]):
        grade_id = _grade_id(cell, lab)
        if grade_id is not None:
            found.setdefault(grade_id, []).append(index)

    drop: set[int] = set()
    chosen: dict[str, int] = {}
    for grade_id, indexes in found.items():
        if len(indexes) == 1:
            chosen[grade_id] = indexes[0]
            continue
        locked = lab.cells[grade_id]["metadata"]["nbgrader"].get("locked")
        written = [i for i in indexes if nb["cells"][i]["source"].strip() != _released_text(lab, grade_id)]
        keep = indexes[0] if locked or not written else written[-1]  # the copy the student wrote in, the last if several
        chosen[grade_id] = keep
        for i in indexes:
            if i == keep:
                continue
            if locked or i not in written:
                drop.add(i)  # an untouched copy would redefine the answer with the stub
            else:
                nb["cells"][i]["metadata"].pop("nbgrader", None)  # runs as plain code, graded no more
        repairs.append(f"{grade_id} appeared {len(indexes)} times; graded the copy in cell {keep + 1}"
                       + ("" if locked else " (the one with your answer)") + " and ignored the others")

    cells, restored_meta = [], []
    for index, cell in enumerate(nb["cells"]):
        if index in drop:
            continue
        grade_id = next((g for g, i in chosen.items() if i == index), None)
        if grade_id is None:
            cell["metadata"].pop("nbgrader", None)  # no cell of the lab: nothing of it may be graded
            cells.append(cell)
            continue
        released = lab.cells[grade_id]
        meta = released["metadata"]["nbgrader"]
        if cell["metadata"].get("nbgrader") != meta:
            restored_meta.append(grade_id)
        if cell["cell_type"] != released["cell_type"]:
            repairs.append(f"{grade_id} was a {cell['cell_type']} cell; made it a {released['cell_type']} cell again")
            cell = {**copy.deepcopy(released), "id": cell["id"], "source": cell["source"]}
        cell["metadata"]["nbgrader"] = copy.deepcopy(meta)
        if meta.get("locked"):
            if cell["source"].strip() != _released_text(lab, grade_id):
                repairs.append(f"{grade_id} was edited; put the original back")
            cell["source"] = lab.locked_sources.get(grade_id, source_text(released))
        cells.append(cell)

    if restored_meta:
        repairs.append(f"restored the nbgrader metadata of {len(restored_meta)} cells that had lost it (re-typed or pasted): "
                       + ", ".join(restored_meta))
    # Graded cells that are gone: put them back after the graded cell that precedes them in the release.
    for position, grade_id in enumerate(lab.order):
        if grade_id in chosen:
            continue
        cell = copy.deepcopy(lab.cells[grade_id])
        cell["source"] = lab.locked_sources.get(grade_id, source_text(cell))
        cell["id"] = uuid.uuid4().hex[:8]
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        before = [g for g in lab.order[:position] if g in chosen or g in _inserted(cells)]
        at = max((i for i, c in enumerate(cells) if c["metadata"].get("nbgrader", {}).get("grade_id") in before), default=-1) + 1
        cells.insert(at, cell)
        kind = "test cell" if cell["metadata"]["nbgrader"].get("grade") and cell["metadata"]["nbgrader"].get("locked") else (
            "answer cell" if cell["metadata"]["nbgrader"].get("solution") else "cell")
        lost = "" if kind != "answer cell" else " (without an answer: its task scores 0)"
        repairs.append(f"{kind} {grade_id} was missing; put the lab's cell back{lost}")
    nb["cells"] = cells
    return nb, repairs


def _inserted(cells: list[dict]) -> set[str]:
    return {c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells} - {None}
