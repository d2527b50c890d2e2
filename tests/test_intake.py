"""course.intake: each platform's naming, zips (nested, old name encodings), resubmissions, what is skipped."""
from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile

import pytest

from course import CourseError
from course.intake import UNKNOWN, Found, read_submissions

LAB = "lab01_mlp"
NOT_NOTEBOOK = "not a notebook (.ipynb) or a zip, so there is nothing to grade"


def notebook(tag: str) -> bytes:
    """A tiny notebook whose bytes say which file it was, so a test can tell which one was chosen."""
    return b'{"cells": [], "metadata": {"tag": "%s"}}' % tag.encode()


def write(root, files: dict[str, bytes]):
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def make_zip(members: dict[str, bytes], dates: dict[str, tuple] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (dates or {}).get(name, (2024, 1, 1, 0, 0, 0))), data)
    return buffer.getvalue()


def raw_name_zip(raw_name: bytes, data: bytes) -> bytes:
    """A zip whose one member's name is `raw_name` exactly, without the UTF-8 flag, as old tools write."""
    placeholder = "Q" * len(raw_name)
    archive = make_zip({placeholder: data})
    assert archive.count(placeholder.encode()) == 2  # the local header and the central directory
    return archive.replace(placeholder.encode(), raw_name)


def by_student(intake) -> dict[str, Found]:
    assert [f.student for f in intake.found] == sorted(f.student for f in intake.found)
    return {f.student: f for f in intake.found}


def test_nbgrader_tree(tmp_path):
    write(tmp_path, {
        "submitted/alice/lab01_mlp/lab01_mlp.ipynb": notebook("alice"),
        "submitted/alice/lab02_cnn/lab02_cnn.ipynb": notebook("alice lab 2"),
        "bob/lab01_mlp/anything.ipynb": notebook("bob"),  # without submitted/
    })
    intake = read_submissions(tmp_path, LAB)
    assert intake.found == [
        Found("alice", None, "submitted/alice/lab01_mlp/lab01_mlp.ipynb", notebook("alice"), []),
        Found("bob", None, "bob/lab01_mlp/anything.ipynb", notebook("bob"), []),
    ]
    assert intake.skipped == [("submitted/alice/lab02_cnn/lab02_cnn.ipynb",
                               "in nbgrader's submitted/ tree for lab02_cnn, not lab01_mlp")]


def test_moodle_file_and_folder_forms(tmp_path):
    write(tmp_path, {
        "John Smith_123456_assignsubmission_file_lab01_mlp.ipynb": notebook("john"),
        "John Smith_123456_assignsubmission_onlinetext_onlinetext.html": b"<p>hi</p>",
        "Jane Doe_007_assignsubmission_file_/lab01_mlp.ipynb": notebook("jane"),  # one folder per student
    })
    intake = read_submissions(tmp_path, LAB)
    assert intake.found == [
        Found("007", "Jane Doe", "Jane Doe_007_assignsubmission_file_/lab01_mlp.ipynb", notebook("jane"), []),
        Found("123456", "John Smith", "John Smith_123456_assignsubmission_file_lab01_mlp.ipynb", notebook("john"), []),
    ]
    assert intake.skipped == [("John Smith_123456_assignsubmission_onlinetext_onlinetext.html", NOT_NOTEBOOK)]


def test_moodle_student_who_uploaded_a_zip_of_the_lab_folder(tmp_path):
    # Inside, the lab's folder would look like nbgrader's tree with the Moodle name as the student.
    upload = make_zip({"lab01_mlp/lab01_mlp.ipynb": notebook("ann")})
    write(tmp_path, {"Ann Lee_555_assignsubmission_file_lab01.zip": upload})
    [found] = read_submissions(tmp_path, LAB).found
    assert (found.student, found.name) == ("555", "Ann Lee")
    assert found.path == "Ann Lee_555_assignsubmission_file_lab01.zip!lab01_mlp/lab01_mlp.ipynb"


def test_canvas_resubmissions_late_and_file_ids(tmp_path):
    write(tmp_path, {
        # The "-1" resubmission wins even over a larger file id.
        "smithjohn_12345_67999_lab01_mlp.ipynb": notebook("john first"),
        "smithjohn_12345_67890_lab01_mlp-1.ipynb": notebook("john again"),
        "doejane_LATE_22222_70000_lab01_mlp.ipynb": notebook("jane"),
        # Same name twice: the larger file id is the later upload, whatever the modification times say.
        "leeann_00333_200_lab01_mlp.ipynb": notebook("ann new"),
        "leeann_00333_100_lab01_mlp.ipynb": notebook("ann old"),
        "müllerjosé_444_1_lab01_mlp.ipynb": notebook("josé"),
    })
    os.utime(tmp_path / "leeann_00333_100_lab01_mlp.ipynb", (2_000_000_000, 2_000_000_000))
    found = by_student(read_submissions(tmp_path, LAB))
    assert sorted(found) == ["00333", "12345", "22222", "444"]
    assert found["12345"] == Found("12345", "smithjohn", "smithjohn_12345_67890_lab01_mlp-1.ipynb",
                                   notebook("john again"), ["smithjohn_12345_67999_lab01_mlp.ipynb"])
    assert found["22222"] == Found("22222", "doejane", "doejane_LATE_22222_70000_lab01_mlp.ipynb", notebook("jane"), [])
    assert (found["00333"].path, found["00333"].others) == (
        "leeann_00333_200_lab01_mlp.ipynb", ["leeann_00333_100_lab01_mlp.ipynb"])
    assert found["444"].name == "müllerjosé"


def test_google_classroom_and_forms(tmp_path):
    write(tmp_path, {
        "Alice Smith - lab01_mlp.ipynb": notebook("alice"),
        "Bob Jones - lab01_mlp.ipynb": notebook("bob old"),
        "Bob Jones - Copy of lab01_mlp (1).ipynb": notebook("bob new"),
        "Lab 1 (File responses)/lab01_mlp - Grace Hopper.ipynb": notebook("grace old"),
        "Lab 1 (File responses)/lab01_mlp - Grace Hopper (1).ipynb": notebook("grace new"),
        "Lab 1 (File responses)/LAB01_MLP final - Ada Lovelace.ipynb": notebook("ada"),
    })
    found = by_student(read_submissions(tmp_path, LAB))
    assert found == {
        "Ada Lovelace": Found("Ada Lovelace", "Ada Lovelace", "Lab 1 (File responses)/LAB01_MLP final - Ada Lovelace.ipynb",
                              notebook("ada"), []),
        "Alice Smith": Found("Alice Smith", "Alice Smith", "Alice Smith - lab01_mlp.ipynb", notebook("alice"), []),
        "Bob Jones": Found("Bob Jones", "Bob Jones", "Bob Jones - Copy of lab01_mlp (1).ipynb", notebook("bob new"),
                           ["Bob Jones - lab01_mlp.ipynb"]),
        "Grace Hopper": Found("Grace Hopper", "Grace Hopper", "Lab 1 (File responses)/lab01_mlp - Grace Hopper (1).ipynb",
                              notebook("grace new"), ["Lab 1 (File responses)/lab01_mlp - Grace Hopper.ipynb"]),
    }


def test_one_folder_per_student_with_renamed_files(tmp_path):
    write(tmp_path, {
        "carol/Copy of lab01_mlp.ipynb": notebook("carol copy"),
        "carol/lab01_mlp (1).ipynb": notebook("carol 1"),
        "dave/notes.ipynb": notebook("dave notes"),  # not named after the lab: loses to the one that is
        "dave/lab01_mlp-2.ipynb": notebook("dave 2"),
        "erin/whatever.ipynb": notebook("erin"),  # a single notebook counts whatever its name
        "erin/.ipynb_checkpoints/whatever-checkpoint.ipynb": notebook("checkpoint"),
        "erin/.DS_Store": b"\0",
        "frank/lab01_mlp.ipynb": notebook("frank old"),
        "frank/Copy of lab01_mlp.ipynb": notebook("frank new"),  # same rank: the later modification wins
        "section A/gina/LAB01_MLP.IPYNB": notebook("gina"),  # any depth, any case
    })
    os.utime(tmp_path / "frank/lab01_mlp.ipynb", (1_600_000_000, 1_600_000_000))
    os.utime(tmp_path / "frank/Copy of lab01_mlp.ipynb", (1_700_000_000, 1_700_000_000))
    intake = read_submissions(tmp_path, LAB)
    found = by_student(intake)
    assert {s: (f.path, f.others, f.name) for s, f in found.items()} == {
        "carol": ("carol/lab01_mlp (1).ipynb", ["carol/Copy of lab01_mlp.ipynb"], None),
        "dave": ("dave/lab01_mlp-2.ipynb", ["dave/notes.ipynb"], None),
        "erin": ("erin/whatever.ipynb", [], None),
        "frank": ("frank/Copy of lab01_mlp.ipynb", ["frank/lab01_mlp.ipynb"], None),
        "gina": ("section A/gina/LAB01_MLP.IPYNB", [], None),
    }
    assert found["carol"].data == notebook("carol 1")
    assert intake.skipped == []


def test_unknown_owner_and_non_notebooks_are_skipped_with_reasons(tmp_path):
    write(tmp_path, {
        "lab01_mlp.ipynb": notebook("whose?"),
        "lab01_mlp/someone.ipynb": notebook("a folder named after the lab is not a student"),
        "readme.txt": b"hello",
        "bob/lab01_mlp.ipynb": notebook("bob"),
    })
    intake = read_submissions(tmp_path, LAB)
    assert [f.student for f in intake.found] == ["bob"]
    assert intake.skipped == [
        ("lab01_mlp.ipynb", UNKNOWN),
        ("lab01_mlp/someone.ipynb", UNKNOWN),
        ("readme.txt", NOT_NOTEBOOK),
    ]
    assert "pass --pattern" in UNKNOWN


def test_nested_zips_with_member_dates(tmp_path):
    alice = make_zip({
        "lab01_mlp.ipynb": notebook("alice"),
        "__MACOSX/._lab01_mlp.ipynb": b"resource fork",
        ".ipynb_checkpoints/lab01_mlp-checkpoint.ipynb": notebook("checkpoint"),
    })
    outer = make_zip({
        "alice.zip": alice,  # a student who uploaded a zip: its members sit in a folder "alice"
        "bob/lab01_mlp.ipynb": notebook("bob old"),
        "bob/Copy of lab01_mlp.ipynb": notebook("bob new"),
        "broken.zip": b"not a zip at all",
        "notes.pdf": b"%PDF",
    }, dates={"bob/lab01_mlp.ipynb": (2024, 3, 1, 9, 0, 0), "bob/Copy of lab01_mlp.ipynb": (2024, 3, 2, 9, 0, 0)})
    (tmp_path / "download.zip").write_bytes(outer)
    intake = read_submissions(str(tmp_path / "download.zip"), LAB)
    assert intake.found == [
        Found("alice", None, "download.zip!alice.zip!lab01_mlp.ipynb", notebook("alice"), []),
        Found("bob", None, "download.zip!bob/Copy of lab01_mlp.ipynb", notebook("bob new"),
              ["download.zip!bob/lab01_mlp.ipynb"]),
    ]
    assert intake.skipped == [
        ("download.zip!broken.zip", "not a readable zip file; download it from the platform again"),
        ("download.zip!notes.pdf", NOT_NOTEBOOK),
    ]


def test_zip_names_without_the_utf8_flag(tmp_path):
    # UTF-8 bytes with no flag (old macOS and Linux tools): decoded as UTF-8.
    utf8 = raw_name_zip("José/lab01_mlp.ipynb".encode("utf-8"), notebook("josé"))
    # Real cp437 bytes (old Windows tools): 0x81 is "ü" in cp437 and not valid UTF-8, so cp437 stays.
    cp437 = raw_name_zip(b"M\x81ller/lab01_mlp.ipynb", notebook("müller"))
    for archive in (utf8, cp437):
        assert all(info.flag_bits & 0x800 == 0 for info in zipfile.ZipFile(io.BytesIO(archive)).infolist())
    write(tmp_path, {"one.zip": utf8, "two.zip": cp437})
    found = by_student(read_submissions(tmp_path, LAB))
    assert sorted(found) == ["José", "Müller"]
    assert found["José"].path == "one.zip!José/lab01_mlp.ipynb"
    assert found["Müller"].path == "two.zip!Müller/lab01_mlp.ipynb"
    assert found["Müller"].data == notebook("müller")


def test_decomposed_names_become_nfc(tmp_path):
    moodle = unicodedata.normalize("NFD", "José Núñez_123_assignsubmission_file_lab01_mlp.ipynb")
    folder = unicodedata.normalize("NFD", "Zoë") + "/lab01_mlp.ipynb"
    assert moodle != unicodedata.normalize("NFC", moodle)
    write(tmp_path, {moodle: notebook("josé"), folder: notebook("zoë")})
    found = by_student(read_submissions(tmp_path, LAB))
    assert sorted(found) == ["123", "Zoë"]  # NFC literals
    assert found["123"].name == "José Núñez"
    assert found["Zoë"].path == "Zoë/lab01_mlp.ipynb"


def test_custom_pattern_replaces_the_platform_styles(tmp_path):
    write(tmp_path, {
        "exports/ID0042_lab01_mlp.ipynb": notebook("0042"),
        "exports/ID0042_lab01_mlp_v2.ipynb": notebook("0042 v2"),
        "alice/lab01_mlp.ipynb": notebook("alice"),  # fine by default, unknown to this pattern
    })
    intake = read_submissions(tmp_path, LAB, pattern=r"ID(?P<student>\d+)_lab01_mlp(?:_v(?P<resubmission>\d+))?")
    assert intake.found == [Found("0042", None, "exports/ID0042_lab01_mlp_v2.ipynb", notebook("0042 v2"),
                                  ["exports/ID0042_lab01_mlp.ipynb"])]
    assert intake.skipped == [("alice/lab01_mlp.ipynb", UNKNOWN)]

    named = read_submissions(tmp_path, LAB, pattern=r"^(?P<student>(?P<name>[a-z]+))/lab01")
    assert [(f.student, f.name) for f in named.found] == [("alice", "alice")]


@pytest.mark.parametrize("pattern, message", [
    (r"^(?P<name>[a-z]+)/", "needs a (?P<student>...) group"),
    (r"(?P<student>[", "not a valid regular expression"),
])
def test_bad_patterns_say_what_is_wrong(tmp_path, pattern, message):
    with pytest.raises(CourseError, match=re.escape(message)):
        read_submissions(tmp_path, LAB, pattern=pattern)


def test_missing_source(tmp_path):
    with pytest.raises(CourseError, match="does not exist"):
        read_submissions(tmp_path / "nowhere", LAB)
