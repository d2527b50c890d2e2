"""Unit tests of the checks added for Lab 2: reloading models from .keras files, comparing predictions."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import checks
from helpers._env import import_tensorflow_quietly


def _subclassed_models():
    """Three subclassed models: registered and complete, not registered, and without get_config()."""
    import_tensorflow_quietly()
    import keras

    class Complete(keras.Model):
        def __init__(self, units=30, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden, self.out = keras.layers.Dense(units, activation="relu"), keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    class NotRegistered(Complete):
        pass

    class NoConfig(Complete):
        get_config = keras.Model.get_config

    Complete = keras.saving.register_keras_serializable("test_checks_lab02")(Complete)
    NoConfig = keras.saving.register_keras_serializable("test_checks_lab02")(NoConfig)
    return Complete, NotRegistered, NoConfig


def test_reload_model_round_trips_and_names_the_likely_fix(tmp_path, capfd):
    complete, not_registered, no_config = _subclassed_models()
    X = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    model = complete(units=6, name="mine")
    model(X)
    reloaded = checks.reload_model(model, "WideAndDeepModel(units=6)", folder=tmp_path)
    assert (tmp_path / "reloaded.keras").is_file()
    assert type(reloaded) is complete and reloaded.name == "mine" and reloaded.get_config()["units"] == 6
    checks.check_same_predictions(reloaded, model, X, "the reloaded model")
    assert capfd.readouterr() == ("", ""), "saving and reloading show nothing"

    for cls, fix in ((not_registered, "decorate the class with `@keras.saving.register_keras_serializable()`"),
                     (no_config, "let get_config() return super().get_config() plus every argument of __init__")):
        broken = cls(units=6)
        broken(X)
        with pytest.raises(checks.CheckFailed) as caught:
            checks.reload_model(broken, "WideAndDeepModel(units=6)")
        message = str(caught.value)
        assert message.startswith("reloading WideAndDeepModel(units=6) from a .keras file raised"), message
        assert fix in message and "\n" not in message and "config=" not in message, message
    with pytest.raises(checks.CheckFailed, match="is a str, not a Keras model"):
        checks.reload_model("model")


def test_check_same_predictions_compares_every_output():
    import_tensorflow_quietly()
    import keras

    X = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    two_outputs = keras.Model(inputs, [keras.layers.Dense(1)(hidden), keras.layers.Dense(2)(hidden)])
    clone = keras.models.clone_model(two_outputs)
    clone.set_weights(two_outputs.get_weights())
    checks.check_same_predictions(clone, two_outputs, X, "the restored model")
    checks.check_same_predictions(clone, two_outputs.predict(X, verbose=0), X, "the restored model")

    fresh = keras.models.clone_model(two_outputs)  # new random weights
    with pytest.raises(checks.CheckFailed) as caught:
        checks.check_same_predictions(fresh, two_outputs, X, "the restored model", fix="load the saved weights into it")
    message = str(caught.value)
    assert message.startswith("the restored model does not predict what the original model predicts (off by up to ")
    assert message.endswith("; load the saved weights into it.")
    one_output = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    with pytest.raises(checks.CheckFailed, match="has 1 output"):
        checks.check_same_predictions(one_output, two_outputs, X, "the restored model")
