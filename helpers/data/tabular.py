"""Fashion-MNIST, California housing and HIGGS: the arrays of topics 1–6."""
from __future__ import annotations

import gzip
import itertools
import tarfile
from pathlib import Path

import numpy as np

from helpers._env import run_mode
from helpers.data import _standins
from helpers.data._files import (
    DataError, Located, NeedStandIn, Progress, RemoteFile, fetch, mirror_dir, open_url,
    verify_mirror_file,
)
from helpers.data._report import announce, announce_standin

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
_KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
# sha256 of the canonical files, as pinned by tensorflow_datasets (url_checksums/fashion_mnist.txt).
_FASHION_FILES = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}


def _fashion_spec(name: str) -> RemoteFile:
    return RemoteFile(f"Fashion-MNIST ({name})", f"fashion-mnist/{name}", _KERAS_DATASETS + name,
                      _FASHION_FILES[name])


def _read_idx(path: Path, magic: int, item_shape: tuple[int, ...]) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    header = 4 * (1 + 1 + len(item_shape))
    numbers = np.frombuffer(raw[:header], dtype=">i4")
    count = int(numbers[1])
    if numbers[0] != magic or tuple(numbers[2:]) != item_shape or len(raw) != header + count * int(np.prod(item_shape)):
        raise DataError(f"{path} is not a well-formed IDX file; delete it and load again.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape((count,) + item_shape)


def load_fashion_mnist():
    """Fashion-MNIST as `(X_train, y_train), (X_test, y_test)`: uint8 images 28×28, uint8 labels 0–9.

    Same files and layout as `keras.datasets.fashion_mnist.load_data()`; class names are in
    `FASHION_MNIST_CLASSES`. Introduced in notebooks/01_mlp_basics.
    """
    title = "Fashion-MNIST"
    try:
        located = {name: fetch(_fashion_spec(name)) for name in _FASHION_FILES}
    except NeedStandIn:
        announce_standin(title)
        return _standins.fashion_mnist()
    arrays = []
    for split in ("train", "t10k"):
        X = _read_idx(located[f"{split}-images-idx3-ubyte.gz"].path, 2051, (28, 28))
        y = _read_idx(located[f"{split}-labels-idx1-ubyte.gz"].path, 2049, ())
        if len(X) != len(y):
            raise DataError(f"{title} {split} has {len(X)} images but {len(y)} labels; check the mirror files.")
        arrays.append((X, y))
    (X_train, _), (X_test, _) = arrays
    announce(title, list(located.values()), f"{len(X_train):,} training and {len(X_test):,} test images")
    return tuple(arrays)


HOUSING_FEATURES = (
    "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude",
)
_HOUSING = RemoteFile(
    "California housing", "cal_housing.tgz", "https://ndownloader.figshare.com/files/5976036",
    "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681",  # as pinned by scikit-learn
)


def load_california_housing():
    """California housing as `(X, y)`: 20,640 × 8 float64 features (`HOUSING_FEATURES`), target in $100k.

    The same numbers as `sklearn.datasets.fetch_california_housing(return_X_y=True)`, read from
    the same StatLib archive. Introduced in notebooks/01_mlp_basics.
    """
    title = "California housing"
    try:
        located = fetch(_HOUSING)
    except NeedStandIn:
        announce_standin(title)
        return _standins.california_housing()
    with tarfile.open(located.path, "r:gz") as archive:
        member = archive.extractfile("CaliforniaHousing/cal_housing.data")
        if member is None:
            raise DataError(f"{located.path} holds no CaliforniaHousing/cal_housing.data; delete it and load again.")
        raw = np.loadtxt(member, delimiter=",")
    raw = raw[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]  # scikit-learn's column order
    y, X = raw[:, 0] / 100_000.0, raw[:, 1:]
    X[:, 2] /= X[:, 5]  # rooms per household
    X[:, 3] /= X[:, 5]  # bedrooms per household
    X[:, 5] = X[:, 4] / X[:, 5]  # occupants per household
    announce(title, [located], f"{len(X):,} districts × {X.shape[1]} features")
    return X, y


HIGGS_URL = "http://mlphysics.ics.uci.edu/data/higgs/HIGGS.csv.gz"
HIGGS_FEATURES = 28
# The first UCI row (label, then features): a downloaded stream has no checksum, so its
# first row is compared with these values (float32 precision) instead.
_HIGGS_FIRST_ROW = np.array([
    1.0, 0.8692932, -0.6350818, 0.22569026, 0.32747006, -0.6899932, 0.75420225, -0.24857314,
    -1.0920639, 0.0, 1.3749921, -0.6536742, 0.9303491, 1.1074361, 1.1389043, -1.5781983,
    -1.0469854, 0.0, 0.65792954, -0.01045457, -0.04576717, 3.1019614, 1.35376, 0.9795631,
    0.97807616, 0.92000484, 0.72165745, 0.98875093, 0.87667835,
])
_HIGGS_MIRROR = "higgs_sample.csv.gz"


def _check_higgs_lines(lines: list[str], origin: str) -> None:
    try:
        rows = np.array([line.split(",") for line in lines], dtype=float)
    except ValueError:
        rows = np.empty((0, 0))
    if rows.ndim != 2 or rows.shape[1] != HIGGS_FEATURES + 1 or not np.isin(rows[:, 0], (0.0, 1.0)).all():
        raise DataError(f"{origin} does not hold HIGGS rows (label 0/1, then 28 numbers); delete it and load again.")
    if not np.allclose(rows[0], _HIGGS_FIRST_ROW, atol=1e-5):
        raise DataError(f"{origin} does not start with the first UCI HIGGS row; delete it and load again.")


def _read_lines(path: Path, n_rows: int) -> list[str]:
    with gzip.open(path, "rt", encoding="ascii") as f:
        return [line.strip() for line in itertools.islice(f, n_rows)]


def _stream_higgs(n_rows: int, target: Path) -> None:
    """Read the first n_rows of the 2.6 GB UCI file as it arrives, and stop."""
    progress = Progress(f"Reading the first {n_rows:,} HIGGS rows", unit="rows")
    lines = []
    with open_url(HIGGS_URL, "HIGGS", target.name) as response:
        with gzip.open(response, "rt", encoding="ascii") as rows:
            for line in itertools.islice(rows, n_rows):
                lines.append(line.strip())
                progress.update(1)
    progress.done()
    if len(lines) < n_rows:
        raise DataError(f"The HIGGS download ended after {len(lines):,} rows; run the cell again.")
    _check_higgs_lines(lines, HIGGS_URL)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with gzip.open(partial, "wt", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    partial.replace(target)


def higgs_csv(n_rows: int = 11_000) -> Path:
    """A gzip CSV in the UCI HIGGS layout (label, then 28 features; no header) whose first
    `n_rows` lines are the first HIGGS rows; it may hold more. Read it with
    `tf.data.experimental.CsvDataset(path, [float()] * 29, compression_type="GZIP")`.

    Downloads only the first `n_rows` rows of the 11-million-row file. Introduced in topic 6.
    """
    title = "HIGGS"
    mirror = mirror_dir()
    if mirror is not None and (mirror / _HIGGS_MIRROR).is_file():
        path = mirror / _HIGGS_MIRROR
        verify_mirror_file(path, _HIGGS_MIRROR, None, mirror)
        available = len(_read_lines(path, n_rows))
        if available < n_rows:
            raise DataError(f"The mirror's {path.name} holds {available:,} rows, fewer than the {n_rows:,} asked for; ask for fewer.")
        announce(title, [Located(path, "mirror", False)], f"{n_rows:,} rows")
        return path
    cache = run_mode().cache_dir / "higgs"
    for cached in sorted(cache.glob("HIGGS_first_*.csv.gz")):
        if int(cached.name.split("_")[2].split(".")[0]) >= n_rows:
            _check_higgs_lines(_read_lines(cached, n_rows), str(cached))
            announce(title, [Located(cached, "cache", True)], f"{n_rows:,} rows")
            return cached
    if run_mode().offline:
        announce_standin(title)
        path = run_mode().cache_dir / "standin" / f"HIGGS_standin_{n_rows}.csv.gz"
        _standins.write_csv_gz(_standins.higgs_rows(n_rows), path)
        return path
    target = cache / f"HIGGS_first_{n_rows}.csv.gz"
    _stream_higgs(n_rows, target)
    announce(title, [Located(target, "download", True)], f"{n_rows:,} rows")
    return target


def load_higgs(n_rows: int = 11_000):
    """The first `n_rows` HIGGS rows as `(X, y)`: float32 features (n_rows × 28) and float32 labels 0/1."""
    rows = np.loadtxt(higgs_csv(n_rows), delimiter=",", dtype=np.float32, max_rows=n_rows)
    return rows[:, 1:], rows[:, 0]
