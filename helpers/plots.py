"""Figures the notebooks draw more than once: learning curves, image grids, confusion matrices."""
from __future__ import annotations

import csv
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from helpers._env import artifacts_dir

__all__ = ["history_dict", "plot_learning_curves", "LearningCurves", "smooth", "show_images", "plot_confusion_matrix",
           "plot_decision_regions", "save_fig"]


def history_dict(history) -> dict[str, list[float]]:
    """Per-epoch metrics from a Keras `History`, a dict of lists, or a `CSVLogger` file path."""
    if hasattr(history, "history"):
        return {k: list(map(float, v)) for k, v in history.history.items()}
    if isinstance(history, (str, Path)):
        with open(history, newline="") as f:
            rows = list(csv.DictReader(f))
        return {k: [float(row[k]) for row in rows] for k in rows[0] if k != "epoch"} if rows else {}
    return {k: list(map(float, v)) for k, v in dict(history).items()}


def _integer_epochs(ax) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def plot_learning_curves(history, metrics: tuple[str, ...] | None = None, title: str | None = "learning curves",
                         shift_training: bool = True):
    """One panel per metric: training as a solid line, validation dashed, against the epoch.

    A training value is the mean over an epoch while the weights were still changing, and a
    validation value is measured at the epoch's end, so by default the training curve is drawn
    half an epoch earlier (at epoch − 0.5), where it belongs; `shift_training=False` draws both
    at the epoch's end. Introduced in notebooks/01_mlp_basics.
    """
    logs = history_dict(history)
    metrics = metrics or tuple(k for k in logs if not k.startswith("val_") and k != "learning_rate")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.8), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        shift = 0.5 if shift_training else 0.0
        ax.plot(epochs - shift, logs[metric], "-", marker=".", label=f"training {metric}")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "--", marker=".", label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        _integer_epochs(ax)
        ax.legend()
    if title:
        note = "\n(training points are epoch means, drawn half an epoch earlier)" if shift_training else ""
        fig.suptitle(title + note, fontsize=11)
    fig.tight_layout()
    return fig


class LearningCurves:
    """Compare several named runs on one metric; each name keeps its colour from call to call.

    Introduced in topic 6.
    """

    def __init__(self, metric: str = "loss"):
        self.metric = metric
        self.colors: dict[str, str] = {}

    def plot(self, runs: dict, metric: str | None = None, log_epochs: bool = False, ax=None,
             smoothing_std: float | None = None):
        """Draw each run's training (solid) and validation (dashed) curve of `metric` on `ax`.

        `log_epochs` puts the epochs on a log scale (long runs whose interesting part is early);
        `smoothing_std` smooths each curve with `smooth` (a Gaussian of that many epochs).
        """
        metric = metric or self.metric
        ax = ax or plt.gca()
        cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]

        def curve(values):
            return smooth(values, smoothing_std) if smoothing_std else values

        for name, history in runs.items():
            logs = history_dict(history)
            color = self.colors.setdefault(name, cycle[len(self.colors) % len(cycle)])
            epochs = np.arange(1, len(logs[metric]) + 1)
            ax.plot(epochs, curve(logs[metric]), "-", color=color, label=f"{name} training")
            if f"val_{metric}" in logs:
                ax.plot(epochs, curve(logs[f"val_{metric}"]), "--", color=color, label=f"{name} validation")
        if log_epochs:
            ax.set_xscale("log")
        else:
            _integer_epochs(ax)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
        return ax


def smooth(values, std: float) -> np.ndarray:
    """`values` smoothed by a Gaussian kernel `std` points wide; as long as `values`, the ends not pulled down.

    Each point becomes a weighted mean of its neighbours, the weights normalised where the kernel
    runs past either end, so a flat curve stays flat. For noisy learning curves of many epochs
    (tensorflow_docs' HistoryPlotter smooths the same way). Introduced in topic 6.
    """
    values = np.asarray(values, dtype=float)
    if std <= 0 or len(values) < 2:
        return values.copy()
    half = int(np.ceil(3 * std))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / std) ** 2)
    centre = slice(half, half + len(values))  # the "full" convolution, cut back to the input's positions
    smoothed = np.convolve(values, kernel, mode="full")[centre]
    weights = np.convolve(np.ones_like(values), kernel, mode="full")[centre]
    return smoothed / weights


def show_images(images, labels=None, class_names=None, predictions=None, n_cols: int = 8, size: float = 1.4):
    """A grid of images titled by label; with `predictions`, each is titled by its prediction, and
    a wrong one in red as "predicted (true: label)".

    Introduced in notebooks/01_mlp_basics.
    """
    images = np.asarray(images)
    n_rows = int(np.ceil(len(images) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size * n_cols, size * 1.25 * n_rows), squeeze=False)

    def name(index):
        return class_names[index] if class_names is not None else str(index)

    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(images[i], cmap="binary" if images[i].ndim == 2 else None)
        if predictions is not None:
            right = labels is None or predictions[i] == labels[i]
            title = name(predictions[i]) if right else f"{name(predictions[i])}\n(true: {name(labels[i])})"
            ax.set_title(title, fontsize=8, color="black" if right else "red")
        elif labels is not None:
            ax.set_title(name(labels[i]), fontsize=8)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(y_true, y_pred, class_names=None, normalize: bool = True, title: str | None = None):
    """Confusion matrix as an annotated image: rows are true classes, columns predicted ones.

    With `normalize`, each row is divided by the number of instances of its true class, so a
    cell is the fraction of that class predicted as the column's class (the diagonal is each
    class's recall); without it, the cells are counts.
    """
    n = int(max(np.max(y_true), np.max(y_pred))) + 1 if class_names is None else len(class_names)
    counts = np.zeros((n, n))
    np.add.at(counts, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    if normalize:
        counts = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(7, 6))
    shown = ax.imshow(counts, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    ax.set_xticks(range(n), names, rotation=60, ha="right")
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    threshold = counts.max() / 2
    for (row, col), value in np.ndenumerate(counts):
        if value:
            text = f"{value:.2f}".lstrip("0") if normalize else f"{value:.0f}"
            ax.text(col, row, text, ha="center", va="center", fontsize=7,
                    color="white" if value > threshold else "black")
    bar = fig.colorbar(shown, ax=ax)
    bar.set_label("fraction of the true class" if normalize else "number of instances")
    ax.set_title(title or ("confusion matrix (each row sums to 1)" if normalize else "confusion matrix (counts)"))
    fig.tight_layout()
    return fig


def plot_decision_regions(predict, X, y, class_names=None, ax=None, resolution: int = 300, padding: float = 0.5):
    """Shade the regions of a 2-D input space that `predict` assigns to each class, over the points (X, y).

    `predict` maps an (n, 2) array to class indices (or to probabilities of class 1, cut at 0.5).
    Introduced in notebooks/01_mlp_basics.
    """
    from matplotlib.colors import ListedColormap

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    ax = ax or plt.subplots()[1]
    (x0_min, x1_min), (x0_max, x1_max) = X.min(axis=0) - padding, X.max(axis=0) + padding
    grid0, grid1 = np.meshgrid(np.linspace(x0_min, x0_max, resolution), np.linspace(x1_min, x1_max, resolution))
    predicted = np.asarray(predict(np.c_[grid0.ravel(), grid1.ravel()]))
    if predicted.ndim == 2 and predicted.shape[1] > 1:
        predicted = predicted.argmax(axis=1)
    elif predicted.dtype.kind == "f":
        predicted = (predicted.ravel() > 0.5).astype(int)
    n_classes = int(max(y.max(), predicted.max())) + 1
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"][:n_classes]
    ax.contourf(grid0, grid1, predicted.reshape(grid0.shape), levels=np.arange(n_classes + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.25)
    markers = "os^vD"
    for k in range(n_classes):
        label = class_names[k] if class_names is not None else f"class {k}"
        ax.scatter(*X[y == k].T, color=colors[k], marker=markers[k % len(markers)], edgecolor="k", label=label, zorder=3)
    ax.set_xlim(x0_min, x0_max)
    ax.set_ylim(x1_min, x1_max)
    ax.legend()
    return ax


def save_fig(fig_id: str, fig=None, folder: str = "figures", dpi: int = 150) -> Path:
    """Save the current (or given) figure as artifacts/<folder>/<fig_id>.png and return the path."""
    path = artifacts_dir(folder) / f"{fig_id}.png"
    (fig or plt.gcf()).savefig(path, dpi=dpi, bbox_inches="tight")
    return path
