"""Synthetic stand-ins, used only when COURSE_OFFLINE=1 and no real copy is available.

Each has the real dataset's shapes, dtypes and label set, and is learnable enough for the
code to run; every number computed on it is meaningless, and the banner says so.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

STANDIN_SEED = 1234


def banner(title: str) -> str:
    lines = [
        f"STAND-IN DATA: no real copy of {title} was found and COURSE_OFFLINE=1 is set.",
        "These are synthetic values with the real shapes and dtypes, so the code runs,",
        "but every accuracy, loss or plot computed from them is meaningless.",
        "For real data: unset COURSE_OFFLINE (download) or set COURSE_DATA_DIR (mirror).",
    ]
    width = max(map(len, lines)) + 4
    rule = "#" * width
    return "\n".join([rule, *(f"# {line.ljust(width - 4)} #" for line in lines), rule])


def _class_templates(rng, n_classes: int, shape: tuple[int, ...]) -> np.ndarray:
    # One smooth random pattern per class, so that a model can tell the classes apart.
    coarse = rng.uniform(0, 1, size=(n_classes, 7, 7) + shape[2:])
    reps = (1, shape[0] // 7 + 1, shape[1] // 7 + 1) + (1,) * (len(shape) - 2)
    return np.tile(coarse, reps)[:, : shape[0], : shape[1]]


def images(n: int, shape: tuple[int, ...], n_classes: int, seed: int, label_dtype=np.uint8):
    """Random uint8 images made of a class template plus noise, with their labels."""
    rng = np.random.default_rng(seed)
    templates = _class_templates(np.random.default_rng(STANDIN_SEED), n_classes, shape)
    labels = rng.permutation(np.arange(n) % n_classes)  # balanced classes
    noisy = 0.6 * templates[labels] + 0.4 * rng.uniform(0, 1, size=(n,) + shape)
    return (255 * noisy).astype(np.uint8), labels.astype(label_dtype)


def fashion_mnist():
    return images(6000, (28, 28), 10, seed=1), images(1000, (28, 28), 10, seed=2)


def california_housing(n: int = 4000):
    rng = np.random.default_rng(STANDIN_SEED)
    # Ranges loosely like the real features: MedInc, HouseAge, AveRooms, AveBedrms,
    # Population, AveOccup, Latitude, Longitude.
    low = np.array([0.5, 1, 1, 0.5, 3, 1, 32.5, -124.3])
    high = np.array([15, 52, 10, 2, 5000, 6, 42, -114.3])
    X = low + (high - low) * rng.uniform(size=(n, 8))
    y = 0.45 * X[:, 0] - 0.01 * X[:, 1] + 0.1 * rng.normal(size=n)
    return X, np.clip(y, 0.15, 5.0)


def higgs_rows(n_rows: int) -> np.ndarray:
    """Rows in the HIGGS layout: label (0.0/1.0) first, then 28 features."""
    rng = np.random.default_rng(STANDIN_SEED)
    features = rng.normal(size=(n_rows, 28)).astype(np.float32)
    score = features[:, :5].sum(axis=1) + rng.normal(scale=2.0, size=n_rows)
    labels = (score > 0).astype(np.float32)
    return np.column_stack([labels, features])


def write_csv_gz(rows: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="ascii") as f:
        for row in rows:
            f.write(",".join(f"{v:.6g}" for v in row) + "\n")


def cat_noncat():
    # The original layout: 209 training and 50 test images, 64×64 RGB, labels 0 = non-cat, 1 = cat.
    train = images(209, (64, 64, 3), 2, seed=3, label_dtype=np.int64)
    test = images(50, (64, 64, 3), 2, seed=4, label_dtype=np.int64)
    return train, test


def flower_folder(root: Path, classes: tuple[str, ...], per_class: int = 12) -> Path:
    """Write `per_class` small random JPEGs into root/<class>/ (one folder per class)."""
    from PIL import Image

    pictures, labels = images(per_class * len(classes), (96, 128, 3), len(classes), seed=5)
    for index, (picture, label) in enumerate(zip(pictures, labels)):
        folder = root / classes[label]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(picture).save(folder / f"standin_{index:03d}.jpg", quality=90)
    return root
