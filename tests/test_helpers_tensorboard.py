"""Unit tests of the TensorBoard readers added in topic 4 (helpers.tensorboard)."""
from __future__ import annotations

import numpy as np
import pytest

import helpers
from helpers import tensorboard as tb
from helpers._env import import_tensorflow_quietly


def _write_every_kind(logdir):
    tf = import_tensorflow_quietly()
    with tf.summary.create_file_writer(str(logdir)).as_default():
        for step in range(3):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
        tf.summary.histogram("weights", np.arange(100.0), step=0, buckets=10)
        tf.summary.image("digits", np.zeros((2, 8, 6, 1)), step=0, max_outputs=2)
        tf.summary.text("notes", ["first", "second"], step=0)
        tf.summary.audio("beep", np.zeros((1, 400, 1), "float32"), sample_rate=8000, step=0)


def test_tags_are_grouped_by_dashboard_and_tensors_read_back(tmp_path):
    _write_every_kind(tmp_path)
    assert tb.read_tags(tmp_path) == {"audio": ["beep"], "histograms": ["weights"], "images": ["digits"],
                                      "scalars": ["loss"], "text": ["notes"]}
    assert tb.read_scalars(tmp_path)["loss"] == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    (step, histogram), = tb.read_tensors(tmp_path, "weights")
    assert step == 0 and histogram.shape == (10, 3) and histogram[:, 2].sum() == 100
    (_, images), = tb.read_tensors(tmp_path, "digits")
    assert images.shape == (4,) and images[:2].tolist() == [b"6", b"8"] and images[2].startswith(b"\x89PNG")
    (_, text), = tb.read_tensors(tmp_path, "notes")
    assert text.tolist() == [b"first", b"second"]
    (_, audio), = tb.read_tensors(tmp_path, "beep")
    assert audio.shape == (1, 2) and audio[0, 0].startswith(b"RIFF")
    with pytest.raises(KeyError, match="the tags there are"):
        tb.read_tensors(tmp_path, "los")
    with pytest.raises(FileNotFoundError, match="nothing was logged there"):
        tb.read_tags(tmp_path / "validation")
    assert tb.read_hparams(tmp_path) == {}  # a folder without any hparams summary


def test_run_folders_finds_the_folders_that_hold_events(tmp_path):
    import keras

    assert tb.run_folders(tmp_path) == []
    run = tb.run_dir("a", root=tmp_path)
    helpers.reset_session()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).normal(size=(16, 2))
    model.fit(x, x.sum(axis=1), validation_split=0.25, epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(run)])
    _write_every_kind(tmp_path / "custom")
    assert tb.run_folders(tmp_path) == [run / "train", run / "validation", tmp_path / "custom"]
    assert tb.read_tags(run / "train")["graph_keras_model"] == ["keras"]


def test_hparams_and_their_config_read_back(tmp_path):
    tf = import_tensorflow_quietly()
    from tensorboard.plugins.hparams import api as hp

    rate, optimizer = hp.HParam("rate", hp.Discrete([0.1, 0.01])), hp.HParam("optimizer", hp.Discrete(["sgd", "adam"]))
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        hp.hparams_config(hparams=[rate, optimizer, hp.HParam("units", hp.IntInterval(8, 64))], metrics=[hp.Metric("accuracy")])
    with tf.summary.create_file_writer(str(tmp_path / "run")).as_default():
        hp.hparams({rate: 0.1, optimizer: "adam", "dropout": True})
        tf.summary.scalar("accuracy", 0.75, step=1)
    config, metrics = tb.read_hparams_config(tmp_path)
    assert config == {"rate": [0.01, 0.1], "optimizer": ["adam", "sgd"], "units": None} and metrics == ["accuracy"]
    assert tb.read_hparams(tmp_path / "run") == {"rate": 0.1, "optimizer": "adam", "dropout": True}
    assert tb.read_hparams(tmp_path) == {}
    with pytest.raises(FileNotFoundError, match="hparams_config"):
        tb.read_hparams_config(tmp_path / "run")
