"""Unit tests of the checks added for Lab 3: driving a callback through given epoch logs."""
from __future__ import annotations

import pytest

from helpers import checks
from helpers._env import import_tensorflow_quietly


def _callbacks():
    """A callback that stops when val_loss reaches 0.5, one that records what it sees, and a broken one."""
    import_tensorflow_quietly()
    import keras

    class StopAtHalf(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs.get("val_loss", 1e9) <= 0.5:
                self.model.stop_training = True

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.events = ["begin"]

        def on_epoch_begin(self, epoch, logs=None):
            self.events.append(f"epoch {epoch}")

        def on_epoch_end(self, epoch, logs=None):
            self.events.append(dict(logs))
            logs.clear()  # a callback may change the logs it is given; the caller's dicts stay as they were

        def on_train_end(self, logs=None):
            self.events.append("end")
            print("done")  # nothing a callback prints reaches the check cell

    class Broken(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            return logs["val_loss"]

    return StopAtHalf, Recorder, Broken


def test_feed_epoch_logs_returns_the_epoch_that_stopped_training(capfd):
    stop_at_half, _, _ = _callbacks()
    logs = [{"val_loss": v} for v in (0.9, 0.7, 0.5, 0.4)]
    assert checks.feed_epoch_logs(stop_at_half(), logs) == 3
    assert checks.feed_epoch_logs(stop_at_half(), logs[:2]) is None
    assert checks.feed_epoch_logs(stop_at_half(), []) is None
    assert capfd.readouterr() == ("", "")


def test_feed_epoch_logs_calls_the_methods_fit_calls_and_copies_the_logs(capfd):
    _, recorder, _ = _callbacks()
    callback = recorder()
    logs = [{"loss": 1.0}, {"loss": 0.5}]
    assert checks.feed_epoch_logs(callback, logs) is None
    assert callback.events == ["begin", "epoch 0", {"loss": 1.0}, "epoch 1", {"loss": 0.5}, "end"]
    assert logs == [{"loss": 1.0}, {"loss": 0.5}]
    assert callback.model is not None
    assert capfd.readouterr() == ("", "")


def test_feed_epoch_logs_says_what_failed_in_one_sentence():
    _, _, broken = _callbacks()
    with pytest.raises(checks.CheckFailed, match=r"^StopAtTarget\.on_epoch_end\(\) raised KeyError: 'val_loss'\.$"):
        checks.feed_epoch_logs(broken(), [{"loss": 1.0}], what="StopAtTarget")
    with pytest.raises(checks.CheckFailed, match="not a Callback; subclass keras.callbacks.Callback"):
        checks.feed_epoch_logs(object(), [{"loss": 1.0}], what="LossRatioLogger()")
