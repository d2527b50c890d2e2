"""Find each student's notebook for a lab in a folder or .zip downloaded from a course platform.

Naming styles understood, tried in this order on each file's path inside the download:
nbgrader's `[submitted/]<student>/<lab>/…`; Moodle `Full Name_123456_assignsubmission_file_…`
(file or folder); Canvas `lastfirst[_LATE]_12345_67890_name[-N].ipynb`; Google Classroom
`Student Name - lab01_mlp.ipynb`; Google Forms uploads `lab01_mlp - Student Name.ipynb`; and
one folder per student. Zips, nested or uploaded by a student, are read in memory as folders.
"""
from __future__ import annotations

import functools
import io
import re
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from course import CourseError


@dataclass
class Found:
    student: str  # id as the platform writes it ("007" stays "007"), NFC
    name: str | None  # the person's name when the platform gives one
    path: str  # where the chosen file came from: "sub/x.ipynb", or "outer.zip!inner/x.ipynb" in zips
    data: bytes  # the notebook's bytes, unparsed: repairing it is another module's job
    others: list[str]  # this student's other files, not graded (older resubmissions first)


@dataclass
class Intake:
    found: list[Found]  # sorted by student id
    skipped: list[tuple[str, str]]  # (path, why it is not graded), sorted by path


# Platform -> regex searched in the path relative to the download (forward slashes), in the order
# tried. "{lab}" stands for the lab's name in any case. Groups: student; optionally name,
# resubmission, file_id (the last two order one student's files).
DEFAULT_PATTERNS: dict[str, str] = {
    "nbgrader": r"(?:^|/)(?P<student>[^/]+)/{lab}/[^/]+(?i:\.ipynb)$",
    "moodle": r"(?:^|/)(?P<name>[^/]+?)_(?P<student>\d+)_assignsubmission_(?:file|onlinetext)_",
    # Canvas lowercases "lastfirst"; accented letters stay, so exclude only ASCII capitals.
    "canvas": r"(?:^|/)(?P<name>[^\W\d_A-Z]+)(?:_LATE)?_(?P<student>\d+)_(?P<file_id>\d+)_[^/]+",
    "classroom": r"(?:^|/)(?P<student>[^/]+?) - [^/]*{lab}[^/]*(?i:\.ipynb)$",
    # Drive adds " (1)" after the name when the same person uploads again.
    "forms": r"(?:^|/)[^/]*{lab}[^/]* - (?P<student>[^/]+?)(?: \((?P<resubmission>\d+)\))?(?i:\.ipynb)$",
    # A folder named after the lab, or nbgrader's submitted/, holds students rather than being one.
    "folder": r"(?:^|/)(?!(?:{lab}|submitted)/)(?P<student>[^/]+)/[^/]+(?i:\.ipynb)$",
}
_NAME_IS_ID = {"classroom", "forms"}  # these platforms identify students by their names
UNKNOWN = "cannot tell whose submission this is; name files as the platform does or pass --pattern"
# "-2" (Canvas, Jupyter) or " (2)" (browsers, Drive); longer numbers are years or ids, not resubmissions.
_SUFFIX = re.compile(r"(?:-(\d{1,3})| \((\d{1,3})\))$")
_MAX_DEPTH = 5  # zips inside zips; a deeper one is a zip bomb or a mistake


@dataclass
class _File:
    path: str  # relative to the download, zips opened as folders: what the styles are matched against
    label: str  # what reports show (Found.path)
    mtime: tuple  # (year, month, day, hour, minute, second), local time as zips store it
    data: bytes


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)  # macOS writes names decomposed (NFD)


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:
        try:  # old tools store UTF-8 names without the UTF-8 flag; zipfile then decodes them as cp437
            name = name.encode("cp437").decode("utf-8")
        except UnicodeError:
            pass  # really cp437
    return name.replace("\\", "/")  # some Windows tools write backslashes


def _hidden(path: str) -> bool:
    # Covers .DS_Store, .ipynb_checkpoints/ and macOS's __MACOSX/ resource forks.
    return any(part.startswith(".") or part == "__MACOSX" for part in path.split("/"))


def _take(path: str, label: str, read, mtime: tuple, depth: int, files: list, skipped: list) -> None:
    """Keep a notebook, open a zip as a folder at its own place, skip anything else (unread)."""
    if path.lower().endswith(".zip"):
        _read_zip(read(), path[:-4] + "/", label, depth + 1, files, skipped)
    elif path.lower().endswith(".ipynb"):
        files.append(_File(path, label, mtime, read()))
    else:
        skipped.append((label, "not a notebook (.ipynb) or a zip, so there is nothing to grade"))


def _read_zip(data: bytes, prefix: str, label: str, depth: int, files: list, skipped: list) -> None:
    if depth > _MAX_DEPTH:
        skipped.append((label, f"zips nested more than {_MAX_DEPTH} deep are not opened"))
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        skipped.append((label, "not a readable zip file; download it from the platform again"))
        return
    with archive:
        for info in archive.infolist():
            name = _nfc(_member_name(info))
            if info.is_dir() or _hidden(name):
                continue
            try:
                read = functools.partial(archive.read, info)
                _take(prefix + name, f"{label}!{name}", read, tuple(info.date_time), depth, files, skipped)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error, EOFError) as err:
                # Encrypted members, unknown compression, truncated downloads: report, carry on.
                skipped.append((f"{label}!{name}", f"cannot be read from the zip ({err})"))


def _collect(source: Path) -> tuple[list[_File], list[tuple[str, str]]]:
    files, skipped = [], []
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            relative = _nfc(path.relative_to(source).as_posix())
            if path.is_file() and not _hidden(relative):
                mtime = time.localtime(path.stat().st_mtime)[:6]
                _take(relative, relative, path.read_bytes, mtime, 0, files, skipped)
    elif source.is_file():
        _read_zip(source.read_bytes(), "", _nfc(source.name), 1, files, skipped)
    else:
        raise CourseError(f"{source} does not exist; pass the folder or .zip of submissions you downloaded.")
    return files, skipped


def _styles(lab: str, pattern: str | None) -> dict[str, re.Pattern]:
    raw = {"custom": pattern} if pattern else DEFAULT_PATTERNS
    lab_regex = f"(?i:{re.escape(lab)})"
    try:
        styles = {style: re.compile(regex.replace("{lab}", lab_regex)) for style, regex in raw.items()}
    except re.error as err:
        raise CourseError(f"--pattern {pattern!r} is not a valid regular expression ({err}).") from None
    if pattern and "student" not in styles["custom"].groupindex:
        raise CourseError(f"--pattern {pattern!r} needs a (?P<student>...) group that matches the student id.")
    return styles


def _whose(path: str, styles: dict[str, re.Pattern]) -> tuple[str, dict] | None:
    """The first style that finds a student in `path`, and its groups."""
    for style, regex in styles.items():
        match = regex.search(path)
        if not match or not (match.group("student") or "").strip():
            continue
        # A Moodle or Canvas folder holding the lab's folder (an uploaded zip of it) is not nbgrader's tree.
        if style == "nbgrader" and (styles["moodle"].search(path) or styles["canvas"].search(path)):
            continue
        return style, match.groupdict()
    return None


def _number(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _resubmission(stem: str, groups: dict, lab: str) -> int:
    if groups.get("resubmission"):
        return _number(groups["resubmission"])
    if stem.lower().endswith(lab.lower()):
        return 0  # the lab's own name may end in "-1"
    match = _SUFFIX.search(stem)
    return int(match.group(1) or match.group(2)) if match else 0


def read_submissions(source: str | Path, lab: str, pattern: str | None = None) -> Intake:
    """Each student's newest notebook for `lab` in `source` (a folder or a .zip).

    `pattern`, a regex with a `student` group (and optionally `name`, `resubmission`, `file_id`),
    replaces the platform styles; it is searched in each path relative to `source`.
    """
    styles = _styles(lab, pattern)
    files, skipped = _collect(Path(source))
    candidates: dict[str, list[tuple[tuple, _File, str | None]]] = {}
    for file in files:
        parts = file.path.split("/")
        if not pattern and len(parts) >= 4 and parts[-4] == "submitted" and parts[-2] != lab:
            skipped.append((file.label, f"in nbgrader's submitted/ tree for {parts[-2]}, not {lab}"))
            continue
        who = _whose(file.path, styles)
        if who is None:
            skipped.append((file.label, UNKNOWN))
            continue
        style, groups = who
        student = groups["student"].strip()
        name = groups.get("name") or (student if style in _NAME_IS_ID else None)
        stem = parts[-1][: -len(".ipynb")]
        # Newest last: named after the lab (a stray scratch.ipynb loses), then resubmission number,
        # Canvas file id, modification time, and the path so that the order never depends on luck.
        key = (lab.lower() in stem.lower(), _resubmission(stem, groups, lab), _number(groups.get("file_id")),
               file.mtime, file.label)
        candidates.setdefault(student, []).append((key, file, name))

    found = []
    for student in sorted(candidates):
        ordered = sorted(candidates[student], key=lambda candidate: candidate[0])
        _, chosen, name = ordered[-1]
        name = name or next((n for _, _, n in ordered if n), None)
        found.append(Found(student, name, chosen.label, chosen.data, [f.label for _, f, _ in ordered[:-1]]))
    return Intake(found, sorted(skipped))
