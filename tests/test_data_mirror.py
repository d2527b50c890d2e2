"""Every loader against the real dataset mirror: shapes, dtypes, labels, ranges, checksums."""
from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from helpers import data
from helpers.data._files import mirror_manifest


def test_mirror_manifest_matches_every_file_the_loaders_read(mirror):
    manifest = mirror_manifest(mirror)
    assert len(manifest) > 250, "the mirror's MANIFEST.sha256 should list every file"
    used = [p for p in manifest if p.startswith(("fashion-mnist/t", "cal_housing", "higgs", "catvnoncat", "flower_photos_small", "keras_weights"))]
    for relpath in used:
        digest = hashlib.sha256((mirror / relpath).read_bytes()).hexdigest()
        assert digest == manifest[relpath], relpath


def test_fashion_mnist(mirror, capsys):
    (X_train, y_train), (X_test, y_test) = data.load_fashion_mnist()
    assert X_train.shape[1:] == X_test.shape[1:] == (28, 28)
    assert X_train.dtype == X_test.dtype == y_train.dtype == np.uint8
    assert len(X_train) == len(y_train) == 3615 and len(X_test) == len(y_test) == 1059  # the mirror's subset
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    assert X_train.max() == 255 and X_train.min() == 0 and 50 < X_train.mean() < 100
    # the first training labels are the canonical ones (upstream label file)
    with gzip.open(mirror / "fashion-mnist/upstream_complete_labels/train-labels-idx1-ubyte.gz") as f:
        canonical = np.frombuffer(f.read(), np.uint8, offset=8)
    assert np.array_equal(y_train, canonical[:3615])
    assert len(data.FASHION_MNIST_CLASSES) == 10 and data.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    out = capsys.readouterr().out
    assert "Fashion-MNIST: 3,615 training and 1,059 test images from mirror" in out
    assert "not the canonical files" in out  # the subset is flagged, never passed off as canonical
    assert data.sources()["Fashion-MNIST"].startswith("mirror")


def test_california_housing_matches_scikit_learn_layout(mirror):
    X, y = data.load_california_housing()
    assert X.shape == (20640, 8) and y.shape == (20640,) and X.dtype == y.dtype == np.float64
    # values scikit-learn's fetch_california_housing gives for the same StatLib data
    assert y.mean() == pytest.approx(2.068558, abs=1e-6)
    assert X[:, 0].mean() == pytest.approx(3.870671, abs=1e-6)  # MedInc
    assert X[:, 2].mean() == pytest.approx(5.429000, abs=1e-6)  # AveRooms
    assert 0.14 < y.min() and y.max() < 5.01
    assert -124.4 < X[:, 7].min() and X[:, 7].max() < -114.3  # longitudes
    assert data.HOUSING_FEATURES[0] == "MedInc" and len(data.HOUSING_FEATURES) == 8


def test_higgs_reads_only_the_rows_asked_for(mirror):
    path = data.higgs_csv(11_000)
    assert path.name == "higgs_sample.csv.gz"
    X, y = data.load_higgs(11_000)
    assert X.shape == (11_000, data.HIGGS_FEATURES) and y.shape == (11_000,)
    assert X.dtype == y.dtype == np.float32
    assert set(np.unique(y)) == {0.0, 1.0} and 0.4 < y.mean() < 0.6
    assert X[0, 0] == pytest.approx(0.869, abs=1e-3)  # first UCI row
    with pytest.raises(data.DataError, match="holds 25,971 rows"):
        data.higgs_csv(30_000)


def test_higgs_reads_with_tf_data_as_the_tutorial_does(mirror):
    import tensorflow as tf

    dataset = tf.data.experimental.CsvDataset(str(data.higgs_csv()), [float()] * 29, compression_type="GZIP")
    first = next(iter(dataset))
    assert len(first) == 29 and float(first[0]) == 1.0


def test_cat_noncat_original_files(mirror, capsys):
    import h5py

    train_path, test_path = data.cat_noncat_h5()
    with h5py.File(train_path) as f:
        assert set(f) == {"train_set_x", "train_set_y", "list_classes"}
        assert f["train_set_x"].shape == (209, 64, 64, 3) and f["train_set_x"].dtype == np.uint8
    (X_train, y_train), (X_test, y_test), classes = data.load_cat_noncat()
    assert X_test.shape == (50, 64, 64, 3) and y_train.dtype == np.int64
    assert classes == ("non-cat", "cat")
    assert int(y_train.sum()) == 72 and int(y_test.sum()) == 33
    assert "original deeplearning.ai HDF5 files from mirror" in capsys.readouterr().out


def test_flower_photos_folder(mirror):
    import keras

    folder = data.flower_photos_dir()
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == list(data.FLOWER_CLASSES)
    dataset = keras.utils.image_dataset_from_directory(folder, image_size=(64, 64), batch_size=50, shuffle=False, verbose=False)
    assert dataset.class_names == list(data.FLOWER_CLASSES)
    images, labels = next(iter(dataset))
    assert images.shape == (50, 64, 64, 3) and float(images.numpy().max()) <= 255.0
    assert sum(int(b[1].shape[0]) for b in dataset) == 250


def test_pretrained_weights_load_into_keras(mirror):
    import keras

    path = data.pretrained_weights("mobilenet_v2_0.35_no_top")
    assert path.suffix == ".h5"
    base = keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False, weights=str(path))
    assert base.count_params() == 410_208
    with pytest.raises(data.DataError, match="No pretrained weights named"):
        data.pretrained_weights("resnet")
