"""The loaders' lookup chain when things go wrong: damaged mirror, offline, no network, downloads.

Downloads are served by a web server on 127.0.0.1 started by the test, with the loaders'
canonical URLs pointed at it, so the real download code runs without the internet.
"""
from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.server
import io
import pickle
import shutil
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest

from helpers import data
from helpers.data import images, tabular


@dataclasses.dataclass
class WebSite:
    root: Path  # files put here are served
    url: str  # the site's address, ending in /


@pytest.fixture
def web(tmp_path):
    """A web server on a free loopback port serving the folder it returns (stopped after the test)."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield WebSite(root, f"http://127.0.0.1:{server.server_address[1]}/")
    server.shutdown()
    server.server_close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def point_housing_at(monkeypatch, url: str, sha: str):
    monkeypatch.setattr(tabular, "_HOUSING", dataclasses.replace(tabular._HOUSING, url=url, sha256=sha))


# A damaged mirror file is an error that names it, never a wrong dataset ---------------------

DAMAGEABLE = {
    "fashion-mnist/train-labels-idx1-ubyte.gz": data.load_fashion_mnist,
    "cal_housing.tgz": data.load_california_housing,
    "higgs_sample.csv.gz": data.load_higgs,
    "catvnoncat/test_catvnoncat.h5": data.load_cat_noncat,
    "flower_photos_small/roses/12202373204_34fb07205b.jpg": data.flower_photos_dir,
}


@pytest.mark.parametrize("relpath", DAMAGEABLE)
def test_damaged_mirror_file_is_named_in_the_error(relpath, mirror, tmp_path, monkeypatch):
    copy = tmp_path / "mirror"
    shutil.copytree(mirror, copy, ignore=shutil.ignore_patterns("mnist.npz", "keras_weights"))
    target = copy / relpath
    assert target.is_file(), f"{relpath} should be in the mirror"
    damaged = bytearray(target.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    target.write_bytes(bytes(damaged))
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    with pytest.raises(data.DataError) as caught:
        DAMAGEABLE[relpath]()
    message = str(caught.value)
    assert str(target) in message and "sha256" in message and "COURSE_DATA_DIR" in message


def test_mirror_that_is_not_a_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(data.DataError, match="is not a folder"):
        data.load_fashion_mnist()


# Offline with nothing local: labelled stand-ins with the real shapes ------------------------

def test_offline_stand_ins_have_real_shapes_and_a_banner(no_mirror, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    (X_train, y_train), (X_test, y_test) = data.load_fashion_mnist()
    assert X_train.shape[1:] == (28, 28) and X_train.dtype == np.uint8 and set(np.unique(y_train)) == set(range(10))
    X, y = data.load_california_housing()
    assert X.shape[1] == 8 and X.dtype == y.dtype == np.float64
    X, y = data.load_higgs(500)
    assert X.shape == (500, 28) and set(np.unique(y)) == {0.0, 1.0}
    (X_cat, y_cat), (X_cat_test, _), classes = data.load_cat_noncat()
    assert X_cat.shape == (209, 64, 64, 3) and X_cat_test.shape == (50, 64, 64, 3) and classes == ("non-cat", "cat")
    folder = data.flower_photos_dir()
    assert sorted(p.name for p in folder.iterdir()) == list(data.FLOWER_CLASSES)
    assert data.pretrained_weights() is None

    out = capsys.readouterr().out
    assert out.count("STAND-IN DATA") == 5 and "meaningless" in out
    assert "NO PRETRAINED WEIGHTS" in out
    sources = data.sources()
    for title in ("Fashion-MNIST", "California housing", "HIGGS", "cat / non-cat images", "flower photos"):
        assert sources[title] == "stand-in"


def test_stand_in_fashion_mnist_is_learnable_but_not_real(no_mirror, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    (X_train, y_train), _ = data.load_fashion_mnist()
    class_means = np.stack([X_train[y_train == k].mean(axis=0) for k in range(10)])
    assert np.abs(class_means[0] - class_means[1]).mean() > 5  # classes differ, so code can learn


# No mirror, no network, not offline: one clear error, no stand-in ---------------------------

def test_no_network_and_not_offline_is_one_clear_error(no_mirror, monkeypatch, capsys):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    closed_port = "http://127.0.0.1:9/"  # the discard port: nothing listens there
    monkeypatch.setattr(tabular, "_KERAS_DATASETS", closed_port)
    point_housing_at(monkeypatch, closed_port + "cal_housing.tgz", "0" * 64)
    monkeypatch.setattr(tabular, "HIGGS_URL", closed_port + "HIGGS.csv.gz")
    for loader, url in ((data.load_fashion_mnist, closed_port), (data.load_california_housing, closed_port + "cal_housing.tgz"),
                        (data.load_higgs, closed_port + "HIGGS.csv.gz")):
        with pytest.raises(data.DataError) as caught:
            loader()
        message = str(caught.value)
        assert url in message and "COURSE_DATA_DIR" in message and "COURSE_OFFLINE=1" in message
    assert "STAND-IN" not in capsys.readouterr().out
    assert not list(no_mirror.rglob("*.part"))


# Downloads: progress, checksum, HTTP errors, cache ------------------------------------------

def test_download_is_checked_then_cached(web, no_mirror, mirror, monkeypatch, capsys):
    shutil.copy(mirror / "cal_housing.tgz", web.root / "cal_housing.tgz")
    point_housing_at(monkeypatch, web.url + "cal_housing.tgz", sha256(web.root / "cal_housing.tgz"))
    X, y = data.load_california_housing()
    assert X.shape == (20640, 8)
    assert "Downloading California housing" in capsys.readouterr().out
    assert data.sources()["California housing"] == "download"
    assert (no_mirror / "cal_housing.tgz").is_file()

    (web.root / "cal_housing.tgz").unlink()  # the second load must not need the server
    data.load_california_housing()
    assert data.sources()["California housing"] == "cache"


def test_download_with_wrong_checksum_is_not_kept(web, no_mirror, monkeypatch):
    (web.root / "cal_housing.tgz").write_bytes(b"not the archive")
    point_housing_at(monkeypatch, web.url + "cal_housing.tgz", "0" * 64)
    with pytest.raises(data.DataError, match="it was not kept"):
        data.load_california_housing()
    assert not (no_mirror / "cal_housing.tgz").exists() and not list(no_mirror.rglob("*.part"))


def test_http_error_names_the_status(web, no_mirror, monkeypatch):
    point_housing_at(monkeypatch, web.url + "missing.tgz", "0" * 64)
    with pytest.raises(data.DataError, match="HTTP 404"):
        data.load_california_housing()


def test_damaged_cache_file_is_fetched_again(web, no_mirror, mirror, monkeypatch, capsys):
    shutil.copy(mirror / "cal_housing.tgz", web.root / "cal_housing.tgz")
    point_housing_at(monkeypatch, web.url + "cal_housing.tgz", sha256(web.root / "cal_housing.tgz"))
    no_mirror.mkdir(parents=True)
    (no_mirror / "cal_housing.tgz").write_bytes(b"truncated")
    data.load_california_housing()
    assert "fails its sha256 check; fetching it again" in capsys.readouterr().out
    assert sha256(no_mirror / "cal_housing.tgz") == sha256(web.root / "cal_housing.tgz")


def _higgs_file(path: Path, rows: int, first_row: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    body = np.column_stack([rng.integers(0, 2, rows - 1), rng.normal(size=(rows - 1, 28))])
    with gzip.open(path, "wt") as f:
        for row in np.vstack([first_row, body]):
            f.write(",".join(f"{v:.18e}" for v in row) + "\n")


def test_higgs_download_streams_only_the_rows_needed(web, no_mirror, monkeypatch):
    _higgs_file(web.root / "HIGGS.csv.gz", 5_000, tabular._HIGGS_FIRST_ROW)
    monkeypatch.setattr(tabular, "HIGGS_URL", web.url + "HIGGS.csv.gz")
    X, y = data.load_higgs(300)
    assert X.shape == (300, 28) and X[0, 0] == pytest.approx(0.8692932)
    cached = no_mirror / "higgs" / "HIGGS_first_300.csv.gz"
    with gzip.open(cached, "rt") as f:
        assert len(f.readlines()) == 300
    (web.root / "HIGGS.csv.gz").unlink()
    assert data.load_higgs(200)[0].shape == (200, 28)  # a smaller request reuses the cached rows


def test_higgs_download_that_is_not_higgs_is_refused(web, no_mirror, monkeypatch):
    _higgs_file(web.root / "HIGGS.csv.gz", 100, np.ones(29))
    monkeypatch.setattr(tabular, "HIGGS_URL", web.url + "HIGGS.csv.gz")
    with pytest.raises(data.DataError, match="does not start with the first UCI HIGGS row"):
        data.load_higgs(50)


def _fake_cifar(path: Path) -> None:
    rng = np.random.default_rng(0)
    with tarfile.open(path, "w:gz") as tar:
        for member, n_cats, n_others in (("data_batch_1", 80, 150), ("test_batch", 40, 20)):
            labels = [3] * n_cats + [int(k) for k in rng.choice([0, 1, 2, 4, 5, 6, 7, 8, 9], n_others)]
            rng.shuffle(labels)
            blob = pickle.dumps({b"data": rng.integers(0, 256, (len(labels), 3072), dtype=np.uint8), b"labels": labels})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))


def test_cat_noncat_default_source_is_built_from_cifar10(web, no_mirror, monkeypatch, capsys):
    _fake_cifar(web.root / "cifar.tar.gz")
    monkeypatch.setattr(images, "CIFAR10", dataclasses.replace(images.CIFAR10, url=web.url + "cifar.tar.gz", sha256=sha256(web.root / "cifar.tar.gz")))
    (X_train, y_train), (X_test, y_test), classes = data.load_cat_noncat()
    assert X_train.shape == (209, 64, 64, 3) and X_test.shape == (50, 64, 64, 3) and X_train.dtype == np.uint8
    assert int(y_train.sum()) == 72 and int(y_test.sum()) == 33 and classes == ("non-cat", "cat")
    assert "built from CIFAR-10" in capsys.readouterr().out


def test_cat_noncat_original_files_from_a_folder(mirror, tmp_path):
    for name in ("train_catvnoncat.h5", "test_catvnoncat.h5"):
        shutil.copy(mirror / "catvnoncat" / name, tmp_path / name)
    train_path, _ = data.cat_noncat_h5(tmp_path)
    assert train_path == tmp_path / "train_catvnoncat.h5"
    (tmp_path / "test_catvnoncat.h5").write_bytes(b"something else")
    with pytest.raises(data.DataError, match="is not the original cat / non-cat file"):
        data.cat_noncat_h5(tmp_path)
    with pytest.raises(data.DataError, match="does not hold train_catvnoncat.h5"):
        data.cat_noncat_h5(tmp_path / "nowhere")


def test_flower_photos_download_is_extracted_once(web, no_mirror, monkeypatch):
    from PIL import Image

    with tarfile.open(web.root / "flowers.tgz", "w:gz") as tar:
        for name in data.FLOWER_CLASSES:
            buffer = io.BytesIO()
            Image.new("RGB", (32, 24), (200, 100, 50)).save(buffer, format="JPEG")
            info = tarfile.TarInfo(f"flower_photos/{name}/one.jpg")
            info.size = buffer.tell()
            buffer.seek(0)
            tar.addfile(info, buffer)
    monkeypatch.setattr(images, "FLOWERS", dataclasses.replace(images.FLOWERS, url=web.url + "flowers.tgz", sha256=sha256(web.root / "flowers.tgz")))
    folder = data.flower_photos_dir()
    assert folder == no_mirror / "flower_photos" and (folder / "tulips" / "one.jpg").is_file()
    (web.root / "flowers.tgz").unlink()
    assert data.flower_photos_dir() == folder
