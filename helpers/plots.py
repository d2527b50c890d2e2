"""Figures the notebooks draw more than once: learning curves, image grids, confusion matrices."""
from __future__ import annotations

import csv
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from helpers._env import artifacts_dir

__all__ = ["history_dict", "plot_learning_curves", "LearningCurves", "show_images", "plot_confusion_matrix", "save_fig"]


def history_dict(history) -> dict[str, list[float]]:
    """Per-epoch metrics from a Keras `History`, a dict of lists, or a `CSVLogger` file path."""
    if hasattr(history, "history"):
        return {k: list(map(float, v)) for k, v in history.history.items()}
    if isinstance(history, (str, Path)):
        with open(history, newline="") as f:
            rows = list(csv.DictReader(f))
        return {k: [float(row[k]) for row in rows] for k in rows[0] if k != "epoch"} if rows else {}
    return {k: list(map(float, v)) for k, v in dict(history).items()}


def plot_learning_curves(history, metrics: tuple[str, ...] | None = None, title: str | None = None):
    """One panel per metric: training as a solid line, validation dashed, against the epoch.

    Introduced in notebooks/01_mlp_basics.
    """
    logs = history_dict(history)
    metrics = metrics or tuple(k for k in logs if not k.startswith("val_") and k != "learning_rate")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.8), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], "-", label=f"training {metric}")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "--", label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


class LearningCurves:
    """Compare several named runs on one metric; each name keeps its colour from call to call.

    Introduced in topic 6.
    """

    def __init__(self, metric: str = "loss"):
        self.metric = metric
        self.colors: dict[str, str] = {}

    def plot(self, runs: dict, metric: str | None = None, log_epochs: bool = False, ax=None):
        metric = metric or self.metric
        ax = ax or plt.gca()
        cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for name, history in runs.items():
            logs = history_dict(history)
            color = self.colors.setdefault(name, cycle[len(self.colors) % len(cycle)])
            epochs = np.arange(1, len(logs[metric]) + 1)
            ax.plot(epochs, logs[metric], "-", color=color, label=f"{name} training")
            if f"val_{metric}" in logs:
                ax.plot(epochs, logs[f"val_{metric}"], "--", color=color, label=f"{name} validation")
        if log_epochs:
            ax.set_xscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
        return ax


def show_images(images, labels=None, class_names=None, predictions=None, n_cols: int = 8, size: float = 1.4):
    """A grid of images titled by label; with `predictions`, wrong ones are titled in red.

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
            ax.set_title(name(predictions[i]), fontsize=8, color="black" if right else "red")
        elif labels is not None:
            ax.set_title(name(labels[i]), fontsize=8)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(y_true, y_pred, class_names=None, normalize: bool = True):
    """Confusion matrix as an image: rows are true classes, columns predicted ones."""
    n = int(max(np.max(y_true), np.max(y_pred))) + 1 if class_names is None else len(class_names)
    counts = np.zeros((n, n))
    np.add.at(counts, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    if normalize:
        counts = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    shown = ax.imshow(counts, cmap="Blues")
    names = class_names or [str(i) for i in range(n)]
    ax.set_xticks(range(n), names, rotation=60, ha="right")
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.grid(False)
    fig.colorbar(shown, ax=ax)
    fig.tight_layout()
    return fig


def save_fig(fig_id: str, fig=None, folder: str = "figures", dpi: int = 150) -> Path:
    """Save the current (or given) figure as artifacts/<folder>/<fig_id>.png and return the path."""
    path = artifacts_dir(folder) / f"{fig_id}.png"
    (fig or plt.gcf()).savefig(path, dpi=dpi, bbox_inches="tight")
    return path
