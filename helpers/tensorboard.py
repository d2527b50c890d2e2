"""TensorBoard run folders, inline display, and reading logged scalars back."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers._env import artifacts_dir

__all__ = ["run_dir", "show", "read_scalars"]


def run_dir(name: str | None = None, root: str | Path | None = None) -> Path:
    """A new, timestamped run folder such as artifacts/tensorboard/2026-11-23_19-30-05_lr0.01.

    Runs are named by time, never numbered by hand, so re-running a cell never overwrites a run.
    Introduced in topic 4.
    """
    root = Path(root) if root is not None else artifacts_dir("tensorboard")
    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    base = f"{stamp}_{name}" if name else stamp
    path, suffix = root / base, 1
    while path.exists():
        suffix += 1
        path = root / f"{base}-{suffix}"
    path.mkdir(parents=True)
    return path


def show(logdir: str | Path, port: int | None = None) -> None:
    """Open TensorBoard on `logdir` inside Jupyter or Colab; elsewhere print the command to run."""
    try:
        from IPython import get_ipython
        in_notebook = get_ipython() is not None and "IPKernelApp" in get_ipython().config
    except ImportError:
        in_notebook = False
    command = f"--logdir {Path(logdir)}" + (f" --port {port}" if port else "")
    if not in_notebook:
        print(f"Run in a terminal:  tensorboard {command}   then open http://localhost:{port or 6006}")
        return
    from tensorboard import notebook

    notebook.start(command)


def read_scalars(logdir: str | Path) -> dict[str, list[tuple[int, float]]]:
    """Every scalar in the event files directly inside `logdir`, as {tag: [(step, value), ...]}.

    Reads both classic scalar summaries and the tensor summaries Keras writes
    (`epoch_loss`, `epoch_accuracy`, ...).
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "tensors": 0})
    events.Reload()
    scalars = {tag: [(e.step, float(e.value)) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}
    for tag in events.Tags()["tensors"]:
        values = [(e.step, make_ndarray(e.tensor_proto)) for e in events.Tensors(tag)]
        if all(v.ndim == 0 and v.dtype.kind == "f" for _, v in values):
            scalars[tag] = [(step, float(v)) for step, v in values]
    return scalars
