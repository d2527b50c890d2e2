"""Shared test set-up: the repository root, fast mode, an isolated cache, the dataset mirror."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from chromium import browser  # noqa: F401  (a session fixture: headless Chromium)
from workload import ROOT, class_runs, corpus_run, executions, release_runs, workload  # noqa: F401  (session fixtures several test modules use)


@pytest.fixture(scope="session", autouse=True)
def course_environment(tmp_path_factory):
    """Tests run the course in fast mode, with a fresh cache, and an absolute mirror path.

    Kernels started by the tests inherit these variables.
    """
    saved = dict(os.environ)
    os.environ["COURSE_FAST"] = "1"
    os.environ["COURSE_CACHE_DIR"] = str(tmp_path_factory.mktemp("course-cache"))
    if os.environ.get("COURSE_DATA_DIR"):
        os.environ["COURSE_DATA_DIR"] = str(Path(os.environ["COURSE_DATA_DIR"]).expanduser().resolve())
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The dataset mirror named by COURSE_DATA_DIR; tests that need real data skip without it."""
    value = os.environ.get("COURSE_DATA_DIR")
    if not value:
        pytest.skip("needs a dataset mirror: set COURSE_DATA_DIR (CI uses ../shared/datasets)")
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        pytest.fail(f"COURSE_DATA_DIR={value} is not a folder")
    return path


@pytest.fixture
def no_mirror(monkeypatch, tmp_path):
    """No mirror, an empty cache and not offline: what a fresh machine has (CI exports COURSE_OFFLINE=1)."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"
