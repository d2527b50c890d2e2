"""Small helpers shared by the course notebooks and labs.

`import helpers` changes nothing. Call `helpers.setup()` once at the top of a notebook;
then use the modules you need: `helpers.data`, `helpers.plots`, `helpers.callbacks`,
`helpers.tensorboard` and, in lab tests, `helpers.checks`.

`helpers.FAST` and `helpers.OFFLINE` read the run mode (COURSE_FAST, COURSE_OFFLINE) each
time they are used, so a notebook's sizes follow the environment it runs in.
"""
from __future__ import annotations

import importlib

from helpers._env import RunMode, artifacts_dir, run_mode
from helpers._setup import reset_session, setup

__all__ = [
    "setup", "reset_session", "run_mode", "RunMode", "artifacts_dir",
    "FAST", "OFFLINE", "data", "plots", "callbacks", "tensorboard", "checks", "tuning",
]

_SUBMODULES = {"data", "plots", "callbacks", "tensorboard", "checks", "tuning"}


def __getattr__(name: str):
    # Submodules load on first use, so that `import helpers` never imports TensorFlow.
    if name in _SUBMODULES:
        return importlib.import_module(f"helpers.{name}")
    if name == "FAST":
        return run_mode().fast
    if name == "OFFLINE":
        return run_mode().offline
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
