"""Run mode from environment variables, quiet TensorFlow import, and output folders.

Nothing here changes state at import time; every value is read when asked for.
"""
from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_flag(name: str) -> bool:
    """True when the environment variable `name` is set to 1/true/yes/on."""
    return os.environ.get(name, "").strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class RunMode:
    """How the course is running, read from the environment (see README, "Run modes")."""

    fast: bool  # COURSE_FAST=1, or running under the nbgrader autograder
    offline: bool  # COURSE_OFFLINE=1: never download; labelled stand-ins allowed
    data_dir: Path | None  # COURSE_DATA_DIR: a local dataset mirror
    cache_dir: Path  # COURSE_CACHE_DIR, else Keras' own cache (~/.keras/datasets)
    in_colab: bool
    autograding: bool  # NBGRADER_EXECUTION is set by nbgrader while it grades

    def describe(self) -> str:
        mode = "fast mode (small data, few epochs)" if self.fast else "full mode"
        if self.autograding:
            mode += ", autograding"
        data = f"mirror {self.data_dir}" if self.data_dir else "download/cache"
        if self.offline:
            data += ", offline"
        return f"{mode} · data: {data}"


def run_mode() -> RunMode:
    """Read the run mode from the environment now."""
    autograding = bool(os.environ.get("NBGRADER_EXECUTION"))
    data_dir = os.environ.get("COURSE_DATA_DIR", "").strip()
    return RunMode(
        fast=env_flag("COURSE_FAST") or autograding,
        offline=env_flag("COURSE_OFFLINE"),
        data_dir=Path(data_dir).expanduser().resolve() if data_dir else None,
        cache_dir=cache_dir(),
        in_colab="google.colab" in sys.modules,
        autograding=autograding,
    )


def cache_dir() -> Path:
    """Where downloaded datasets are kept: COURSE_CACHE_DIR, else Keras' cache folder."""
    explicit = os.environ.get("COURSE_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    keras_home = os.environ.get("KERAS_HOME", "").strip()
    return Path(keras_home).expanduser() / "datasets" if keras_home else Path.home() / ".keras" / "datasets"


def artifacts_dir(*parts: str) -> Path:
    """A folder under ./artifacts/ (git-ignored) for models, logs and figures; created on demand."""
    path = Path("artifacts", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def stderr_silenced():
    """Send file descriptor 2 to /dev/null, which also catches what C++ libraries print."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly():
    """Import TensorFlow without its start-up notices on stderr.

    TF 2.21 prints CUDA and CPU-feature notices to stderr even with TF_CPP_MIN_LOG_LEVEL=3,
    and nbgrader fails any graded cell that writes to stderr, so the import runs with
    stderr closed. Importing twice is free.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with stderr_silenced():
        import tensorflow as tf
        import keras  # noqa: F401  (Keras 3 registers its backend here, also quietly)
    tf.get_logger().setLevel("ERROR")
    return tf
