"""Unit tests of helpers: run mode, setup, plots, callbacks, tensorboard, checks."""
from __future__ import annotations

import csv
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import helpers  # noqa: E402
from helpers import checks  # noqa: E402


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env})


# run mode and setup ----------------------------------------------------------------------

def test_run_mode_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_FAST", "0")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert helpers.FAST is False and helpers.run_mode().data_dir == tmp_path
    monkeypatch.setenv("COURSE_FAST", "yes")
    assert helpers.FAST is True
    monkeypatch.setenv("COURSE_FAST", "")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # the autograder always runs labs fast
    mode = helpers.run_mode()
    assert mode.fast and mode.autograding and "autograding" in mode.describe()


def test_import_changes_nothing_and_setup_is_silent_on_stderr():
    done = run_python(
        "import sys, helpers; assert 'tensorflow' not in sys.modules\n"
        "mode = helpers.setup()\n"
        "import tensorflow as tf, keras, numpy as np\n"
        "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]); m.compile('sgd', 'mse')\n"
        "m.fit(np.zeros((8, 3)), np.zeros((8, 2)), epochs=1, verbose=0)\n"
        "print('fast' if mode.fast else 'full')",
        COURSE_FAST="1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nbgrader fails any graded cell that writes to stderr
    assert "TensorFlow" in done.stdout and "Keras 3" in done.stdout and done.stdout.strip().endswith("fast")


def test_reset_session_makes_weights_repeatable():
    import keras

    def weights():
        helpers.reset_session(7)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        return model.get_weights()[0]

    assert np.array_equal(weights(), weights())


def test_artifacts_go_under_one_ignored_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert helpers.artifacts_dir("models").resolve() == tmp_path / "artifacts" / "models"


# plots -----------------------------------------------------------------------------------

def test_learning_curves_from_history_dict_and_csv(tmp_path):
    logs = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.4, 0.6, 0.7]}
    fig = helpers.plots.plot_learning_curves(logs)
    assert len(fig.axes) == 2
    solid, dashed = fig.axes[0].lines
    assert solid.get_linestyle() == "-" and dashed.get_linestyle() == "--"
    assert list(dashed.get_ydata()) == logs["val_loss"] and list(dashed.get_xdata()) == [1, 2, 3]
    assert list(solid.get_xdata()) == [0.5, 1.5, 2.5], "training values are epoch means: drawn half an epoch earlier"
    assert fig.texts[0].get_text().startswith("learning curves\n(training points are epoch means")
    ticks = fig.axes[0].xaxis.get_major_locator().tick_values(0.5, 3)
    assert all(float(t).is_integer() for t in ticks), "epochs are whole numbers"
    unshifted = helpers.plots.plot_learning_curves(logs, metrics=("loss",), shift_training=False, title=None)
    assert list(unshifted.axes[0].lines[0].get_xdata()) == [1, 2, 3] and not unshifted.texts

    log_file = tmp_path / "log.csv"  # the CSVLogger layout
    with open(log_file, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["epoch", "loss", "val_loss"])
        writer.writerows([[0, 1.0, 1.1], [1, 0.5, 0.7]])
    assert helpers.plots.history_dict(log_file) == {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}


def test_learning_curves_keep_a_colour_per_run():
    import matplotlib.pyplot as plt

    curves = helpers.plots.LearningCurves("loss")
    first = curves.plot({"small": {"loss": [1, 0.5], "val_loss": [1, 0.8]}}, ax=plt.figure().gca())
    second = curves.plot({"large": {"loss": [1, 0.2]}, "small": {"loss": [1, 0.4]}}, ax=plt.figure().gca())
    small_first = first.lines[0].get_color()
    assert [line.get_color() for line in second.lines if "small" in line.get_label()] == [small_first]
    assert second.lines[0].get_color() != small_first


def test_image_grid_marks_wrong_predictions():
    images = np.zeros((5, 8, 8))
    fig = helpers.plots.show_images(images, labels=[0, 1, 2, 3, 4], class_names="abcde", predictions=[0, 1, 0, 3, 4], n_cols=3)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes if ax.get_title()]
    assert titles[2] == ("a\n(true: c)", "red") and titles[0] == ("a", "black") and len(titles) == 5


def test_confusion_matrix_and_save_fig(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fig = helpers.plots.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["x", "y", "z"])
    matrix = fig.axes[0].images[0].get_array()
    assert matrix[1, 1] == pytest.approx(0.5) and matrix[1, 2] == pytest.approx(0.5)
    assert sorted(t.get_text() for t in fig.axes[0].texts) == [".50", ".50", "1.00", "1.00"], "non-zero cells are annotated"
    assert fig.axes[0].get_title() and fig.axes[1].get_ylabel() == "fraction of the true class"
    counts = helpers.plots.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["x", "y", "z"], normalize=False)
    assert counts.axes[1].get_ylabel() == "number of instances" and "1" in [t.get_text() for t in counts.axes[0].texts]
    path = helpers.plots.save_fig("confusion", fig)
    assert path.is_file() and path.read_bytes()[:4] == b"\x89PNG"


def test_decision_regions_shade_each_class():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    ax = helpers.plots.plot_decision_regions(lambda points: (points.sum(axis=1) > 1).astype(int), X, y, ["no", "yes"])
    assert len(ax.collections) >= 3, "one shaded contour and a scatter per class"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["no", "yes"]
    probabilities = helpers.plots.plot_decision_regions(lambda points: points[:, 0] * 0.9, X, y)
    assert probabilities.get_xlim() == (-0.5, 1.5)


# callbacks and TensorBoard ---------------------------------------------------------------

def _tiny_fit(callbacks, epochs=3):
    import keras

    helpers.reset_session()
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).normal(size=(32, 2))
    return model.fit(x, x.sum(axis=1), validation_split=0.25, epochs=epochs, verbose=0, callbacks=callbacks)


def test_epoch_dots_and_loss_ratio(capsys):
    ratio = helpers.callbacks.ValTrainRatio()
    history = _tiny_fit([helpers.callbacks.EpochDots(report_every=2), ratio], epochs=3)
    out = capsys.readouterr().out
    assert out.count(".") >= 3 and "Epoch 0:" in out and "Epoch 2:" in out and "val_loss" in out
    expected = np.array(history.history["val_loss"]) / np.array(history.history["loss"])
    assert np.allclose(ratio.ratios, expected) and "val/train loss" in out


def test_tensorboard_run_dirs_and_scalars_read_back(tmp_path):
    import keras

    first = helpers.tensorboard.run_dir("lr0.01", root=tmp_path)
    second = helpers.tensorboard.run_dir("lr0.01", root=tmp_path)
    assert first != second and first.name.endswith("lr0.01") and first.name[:4].isdigit()
    _tiny_fit([keras.callbacks.TensorBoard(first)], epochs=2)  # needs the tensorboard package
    scalars = helpers.tensorboard.read_scalars(first / "train")
    assert [step for step, _ in scalars["epoch_loss"]] == [0, 1]
    assert "epoch_loss" in helpers.tensorboard.read_scalars(first / "validation")


def test_tensorboard_show_outside_a_notebook_prints_the_command(capsys, tmp_path):
    helpers.tensorboard.show(tmp_path, port=6123)
    assert f"tensorboard --logdir {tmp_path} --port 6123" in capsys.readouterr().out


# checks ----------------------------------------------------------------------------------

def test_check_messages_are_one_grammatical_sentence():
    with pytest.raises(checks.CheckFailed) as caught:
        checks.check_array(np.zeros((3, 4)), "the training images", shape=(3, 5))
    assert str(caught.value) == "expected the training images to have shape (3, 5), got (3, 4)."
    assert caught.value._render_traceback_() == ["CheckFailed: expected the training images to have shape (3, 5), got (3, 4)."]
    with pytest.raises(checks.CheckFailed, match="to have dtype float32, got float64"):
        checks.check_array(np.zeros(3), "X", dtype="float32")
    with pytest.raises(checks.CheckFailed, match="to be at most 1, got 2"):
        checks.check_array(np.array([0, 2.0]), "X", high=1)
    with pytest.raises(checks.CheckFailed, match="is 0.5000; it should be at least 0.8"):
        checks.check_at_least(0.5, 0.8, "the accuracy")
    with pytest.raises(checks.CheckFailed, match="do not sum to 1"):
        checks.check_probabilities([[0.2, 0.2]])
    assert checks.check_array(np.zeros((7, 2)), "X", shape=(None, 2), dtype="float64", low=0, high=0) is None
    checks.check_close([1.0, 2.0], [1.0, 2.0 + 1e-9], "values")


def test_call_turns_any_exception_into_one_sentence_with_the_likely_fix(capfd):
    def prepare_images(X):
        raise NotImplementedError()

    def predict_labels(names):
        return names[np.array([0, 1])]

    def noisy(x):
        print("progress bar")
        warnings.warn("a warning")
        return x * 2

    expected = {
        prepare_images: "prepare_images() still raises NotImplementedError; delete the `raise NotImplementedError()` line",
        predict_labels: "predict_labels() raised TypeError: only integer scalar arrays can be converted to a scalar index; "
                        "a tuple or list cannot be indexed with an array",
    }
    for function, start in expected.items():
        with pytest.raises(checks.CheckFailed) as caught:
            checks.call(function, ("a", "b"))
        assert str(caught.value).startswith(start) and str(caught.value).endswith(".") and "\n" not in str(caught.value)
    assert checks.call(noisy, 21) == 42
    assert capfd.readouterr() == ("", ""), "student code called through checks.call shows nothing"
    with pytest.raises(checks.CheckFailed, match="is not a function"):
        checks.call(None)


def test_unpack_and_expect_type_say_what_to_return():
    pairs = ((1, 2), (3, 4))
    assert checks.unpack(pairs, "(X_train, y_train), (X_valid, y_valid)", "prepare_images()") is pairs
    with pytest.raises(checks.CheckFailed) as caught:
        checks.unpack((1, 2, 3, 4), "(X_train, y_train), (X_valid, y_valid)", "prepare_images()")
    assert str(caught.value) == ("prepare_images() returned a tuple of 4 items; "
                                 "return (X_train, y_train), (X_valid, y_valid) (a tuple of that shape).")
    with pytest.raises(checks.CheckFailed, match="returned a str, not a int; return a number"):
        checks.expect_type("3", int, "count()", "return a number")


def test_credit_shows_nothing_at_full_marks_and_the_points_otherwise(capsys):
    full = checks.Credit(10)
    full.deduct(3, False, "never shown")
    assert full.result() is None and capsys.readouterr().out == ""
    partial = checks.Credit(10)
    partial.deduct(3, True, "the momentum is 0; the task asks for 0.9.")
    partial.deduct(9, True, "another fault")
    assert partial.result() == 0.0, "credit never goes below zero"
    assert capsys.readouterr().out.splitlines() == ["−3 points: the momentum is 0; the task asks for 0.9.", "−9 points: another fault"]


def test_quiet_hides_warnings_and_native_stderr(capfd):
    import os

    with checks.quiet():
        warnings.warn("a library warning")
        sys.stderr.write("python-level noise\n")
        os.write(2, b"C++-level noise\n")
    assert capfd.readouterr().err == ""


def test_model_checks_accept_every_way_of_writing_relu():
    import keras

    styles = [
        [keras.layers.Dense(8, activation="relu"), keras.layers.Dense(8, activation=keras.activations.relu)],
        [keras.layers.Dense(8), keras.layers.ReLU(), keras.layers.Dense(8), keras.layers.Activation("relu")],
        # layers that leave the activation alone are looked through
        [keras.layers.Dense(8), keras.layers.BatchNormalization(), keras.layers.Activation("relu"),
         keras.layers.Dropout(0.2), keras.layers.Dense(8), keras.layers.LayerNormalization(), keras.layers.ReLU()],
    ]
    for hidden in styles:
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), *hidden, keras.layers.Dense(10, activation="softmax")])
        assert checks.hidden_activations(model) == ["relu", "relu"]
        output = checks.model_output(model, np.zeros((2, 28, 28)), shape=(2, 10))
        checks.check_probabilities(output)
    with pytest.raises(checks.CheckFailed, match="not a Keras model"):
        checks.model_output("model", np.zeros(2), shape=(2,))
    linear = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.BatchNormalization(),
                               keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    assert checks.hidden_activations(linear) == ["linear", "relu"], "a Dense with no activation before the next Dense stays linear"
    with pytest.raises(checks.CheckFailed, match="is not compiled; call model.compile"):
        checks.expect_compiled(linear, "build_regressor()'s model")
    linear.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.05))
    checks.expect_compiled(linear, "the model")
    assert checks.optimizer_settings(linear) == {"name": "SGD", "learning_rate": pytest.approx(0.05), "momentum": 0.0}
    wrong_input = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    with pytest.raises(checks.CheckFailed) as caught:
        checks.model_output(wrong_input, np.zeros((2, 28, 28)), shape=(2, 1))
    message = str(caught.value)
    assert message.startswith("your model, called on inputs of shape (2, 28, 28), raised ValueError:"), message
    assert "Expected shape (None, 5)" in message and "\x1b" not in message and "0. 0." not in message, message
