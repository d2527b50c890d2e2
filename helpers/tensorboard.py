"""TensorBoard run folders, inline display, and reading logged summaries back with TensorBoard's readers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from helpers._env import artifacts_dir

__all__ = ["run_dir", "show", "read_scalars", "read_tags", "read_tensors", "run_folders", "read_hparams",
           "read_hparams_config"]


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
    from tensorboard.util.tensor_util import make_ndarray

    events = _events(logdir)
    scalars = {tag: [(e.step, float(e.value)) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}
    for tag in events.Tags()["tensors"]:
        values = [(e.step, make_ndarray(e.tensor_proto)) for e in events.Tensors(tag)]
        if all(v.ndim == 0 and v.dtype.kind == "f" for _, v in values):
            scalars[tag] = [(step, float(v)) for step, v in values]
    return scalars


def _events(logdir: str | Path):
    """TensorBoard's EventAccumulator over the event files directly inside `logdir`, every event kept."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    if not Path(logdir).is_dir():  # TensorBoard's own error ("permanently deleted") would mislead
        raise FileNotFoundError(f"{logdir} is not a folder: nothing was logged there")
    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "tensors": 0, "histograms": 0, "images": 0,
                                                          "audio": 0})
    events.Reload()
    return events


def read_tags(logdir: str | Path) -> dict[str, list[str]]:
    """The tags logged directly inside `logdir`, by the dashboard that shows them: {"scalars": [...], ...}.

    TF2 summaries are all stored as tensors; the plugin name in each tag's metadata ("scalars",
    "histograms", "images", "text", "audio", "hparams", "graph_keras_model", ...) says which
    TensorBoard tab displays it. Introduced in topic 4.
    """
    events = _events(logdir)
    tags: dict[str, list[str]] = {}
    for tag in events.Tags()["tensors"]:
        plugin = events.SummaryMetadata(tag).plugin_data.plugin_name or "tensors"
        tags.setdefault(plugin, []).append(tag)
    return {plugin: sorted(names) for plugin, names in sorted(tags.items())}


def read_tensors(logdir: str | Path, tag: str) -> list[tuple[int, np.ndarray]]:
    """Every value logged under `tag` directly inside `logdir`, as [(step, NumPy array), ...] in logged order.

    A histogram is an array of (left edge, right edge, count) rows; an image summary holds the
    width, the height and one PNG per image (bytes); text an array of strings; audio one
    (WAV bytes, label) row per clip. Raises KeyError, naming the tags there are, for a tag
    that was not logged. Introduced in topic 4.
    """
    from tensorboard.util.tensor_util import make_ndarray

    events = _events(logdir)
    known = events.Tags()["tensors"]
    if tag not in known:
        raise KeyError(f"no tag {tag!r} in {logdir}; the tags there are {sorted(known)}")
    return [(event.step, make_ndarray(event.tensor_proto)) for event in events.Tensors(tag)]


def run_folders(root: str | Path) -> list[Path]:
    """Every folder at or under `root` that directly holds an event file (a run, or a run's train/validation part), sorted."""
    return sorted({path.parent for path in Path(root).rglob("events.out.tfevents.*") if path.is_file()})


def _value(proto):
    """A Python number, string or bool from an hparams `Value` protobuf."""
    return getattr(proto, proto.WhichOneof("kind"))


def _hparams_content(logdir: str | Path, tag: str):
    try:
        return _events(logdir).PluginTagToContent("hparams").get(tag)
    except KeyError:  # no hparams summary at all in this folder
        return None


def read_hparams(logdir: str | Path) -> dict:
    """The hyperparameters `hp.hparams(...)` logged directly inside run folder `logdir`, as {name: value}; {} if none.

    Introduced in topic 4.
    """
    from tensorboard.plugins.hparams import metadata

    content = _hparams_content(logdir, metadata.SESSION_START_INFO_TAG)
    if content is None:
        return {}
    info = metadata.parse_session_start_info_plugin_data(content)
    return {name: _value(value) for name, value in info.hparams.items()}


def read_hparams_config(logdir: str | Path) -> tuple[dict[str, list | None], list[str]]:
    """The sweep `hp.hparams_config(...)` declared in `logdir`: ({hparam name: its discrete values or None}, [metric tags]).

    Raises FileNotFoundError if `logdir` holds no such declaration. Introduced in topic 4.
    """
    from tensorboard.plugins.hparams import metadata

    content = _hparams_content(logdir, metadata.EXPERIMENT_TAG)
    if content is None:
        raise FileNotFoundError(f"no hp.hparams_config(...) was logged directly in {logdir}")
    experiment = metadata.parse_experiment_plugin_data(content)
    hparams = {info.name: ([_value(v) for v in info.domain_discrete.values] if info.HasField("domain_discrete") else None)
               for info in experiment.hparam_infos}
    return hparams, [info.name.tag for info in experiment.metric_infos]
