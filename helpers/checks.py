"""Checks for lab test cells: each failure is one sentence saying what is wrong and what to do.

The lab conventions every test cell follows (introduced in solutions/lab01_mlp):

- call student code only through `checks.call(function, ...)`: it runs quietly (nothing on
  stdout or stderr, so no progress bars and no warnings that nbgrader would score as a
  failure) and turns any exception into one sentence naming the function, the error and the
  likely fix;
- check what the student returned with the `check_*` and `expect_*` functions; they raise
  `CheckFailed` (an AssertionError shown without a traceback) and return None, so a cell that
  ends with one shows nothing when it passes;
- for partial credit, collect deductions in a `Credit` and end the cell with `credit.result()`:
  nothing is shown at full marks, and the points earned otherwise, which nbgrader takes as
  the cell's score.
"""
from __future__ import annotations

import ast
import contextlib
import io
import re
import warnings

import numpy as np

from helpers._env import import_tensorflow_quietly, stderr_silenced

__all__ = [
    "CheckFailed", "Credit", "expect", "quiet", "call", "unpack", "expect_type", "expect_compiled",
    "check_array", "check_close", "check_at_least", "check_at_most", "check_probabilities",
    "model_output", "dense_layers", "hidden_activations", "optimizer_settings",
    "reload_model", "check_same_predictions", "feed_epoch_logs", "feed_batch_logs",
]


class CheckFailed(AssertionError):
    """A lab check failed; the message tells the student what to fix."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return [f"CheckFailed: {self}"]


def _keras():
    import_tensorflow_quietly()
    import keras

    return keras


def expect(condition, message: str) -> None:
    """Raise CheckFailed(message) unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


@contextlib.contextmanager
def quiet():
    """Run code with nothing reaching stdout or stderr: no warnings, progress bars or library notices.

    nbgrader scores a test cell that wrote anything to stderr as failed, even when every
    assertion passed, and a passing check cell should show nothing.
    """
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()), stderr_silenced(), _keras_logging_off():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _keras_logging_off():
    """Keras prints `summary()` tables through `rich` and IPython's display, past a stdout redirect."""
    import sys

    keras = sys.modules.get("keras")
    config = getattr(keras, "config", None)
    if config is None or not config.is_interactive_logging_enabled():
        yield
        return
    config.disable_interactive_logging()
    try:
        yield
    finally:
        config.enable_interactive_logging()


_INDEXING_FIX = ("a tuple or list cannot be indexed with an array: index `np.array(...)` of it instead, "
                 "or use a list comprehension")

# (exception type name, text in its message, the likely fix), checked in order.
_LIKELY_FIXES = [
    ("NotImplementedError", "", "delete the `raise NotImplementedError()` line and write your answer in its place"),
    ("NameError", "", "define that name inside your function, or run the cells above this one first"),
    ("TypeError", "indices must be integers or slices", _INDEXING_FIX),
    ("TypeError", "only integer scalar arrays can be converted to a scalar index", _INDEXING_FIX),
    ("ValueError", "too many values to unpack", "check how many values your code returns and unpacks"),
    ("ValueError", "not enough values to unpack", "check how many values your code returns and unpacks"),
    ("ValueError", "must have the same rank", "integer labels need the sparse categorical cross-entropy loss "
     "(one-hot labels need categorical cross-entropy)"),
    ("AttributeError", "has no attribute 'optimizer'", "compile the model before using it"),
    ("", "You must call `compile()`", "compile the model before using it"),
    ("ValueError", "No step set", "pass `step=` to every tf.summary call"),  # lab04
]


def _likely_fix(error: BaseException) -> str | None:
    name, text = type(error).__name__, str(error)
    for error_name, fragment, fix in _LIKELY_FIXES:
        if (not error_name or error_name == name) and fragment in text:
            return fix
    return None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ARRAY_DUMP = re.compile(r"\[[\[\]\d\s.,eE+\-…]{20,}\]")  # Keras errors print whole input arrays


def _one_line(text: str, limit: int = 400) -> str:
    line = _ARRAY_DUMP.sub("<array>", _ANSI.sub("", " ".join(str(text).split())))
    line = re.split(r"\s*Arguments received by", line)[0]  # Keras appends every argument's value
    return line if len(line) <= limit else line[: limit - 1] + "…"


def call(function, *args, what: str | None = None, **kwargs):
    """Call student code quietly and return its result; any exception becomes one CheckFailed sentence.

    `what` names the call in messages (default: the function's name).
    """
    what = what or f"{getattr(function, '__name__', 'your function')}()"
    expect(callable(function), f"{what} is not a function; run the cell where you define it.")
    try:
        with quiet():
            return function(*args, **kwargs)
    except CheckFailed:
        raise
    except Exception as error:  # noqa: BLE001 - whatever the student's code raised, say it in one sentence
        detail = _one_line(error) or "(no message)"
        fix = _likely_fix(error)
        if isinstance(error, NotImplementedError):
            raise CheckFailed(f"{what} still raises NotImplementedError; {fix}.") from None
        message = f"{what} raised {type(error).__name__}: {detail}"
        raise CheckFailed(f"{message.rstrip('.')}; {fix}." if fix else f"{message.rstrip('.')}.") from None


def _structure_of(pattern: str):
    """'(a, b), (c, d)' → [2, 2]; 'a, b' → [None, None]: nested lengths of a tuple pattern."""
    def shape(node):
        return [shape(e) for e in node.elts] if isinstance(node, ast.Tuple) else None
    return shape(ast.parse(f"({pattern})", mode="eval").body)


def _matches(value, structure) -> bool:
    if structure is None:
        return True
    return isinstance(value, (tuple, list)) and len(value) == len(structure) and all(
        _matches(v, s) for v, s in zip(value, structure))


def _describe(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    return f"a {type(value).__name__}"


def unpack(value, pattern: str, what: str):
    """Check that `value` has the nested tuple shape written in `pattern` and return it.

    `unpack(result, "(X_train, y_train), (X_valid, y_valid)", "prepare_images()")`.
    """
    expect(_matches(value, _structure_of(pattern)),
           f"{what} returned {_describe(value)}; return {pattern} (a tuple of that shape).")
    return value


def expect_type(value, expected_type, what: str, fix: str) -> None:
    """Check `value` is an instance of `expected_type`; `fix` says what to return instead."""
    name = getattr(expected_type, "__name__", str(expected_type))
    expect(isinstance(value, expected_type), f"{what} returned a {type(value).__name__}, not a {name}; {fix}.")


def expect_compiled(model, what: str) -> None:
    """Check that a Keras model was compiled (it has an optimizer and a loss)."""
    expect(getattr(model, "compiled", False) and getattr(model, "optimizer", None) is not None,
           f"{what} is not compiled; call model.compile(...) before returning it.")


def _shape_matches(actual: tuple, expected: tuple) -> bool:
    return len(actual) == len(expected) and all(e is None or a == e for a, e in zip(actual, expected))


def _pretty_shape(shape: tuple) -> tuple:
    return tuple("any" if s is None else s for s in shape)


def check_array(value, name: str, shape: tuple | None = None, dtype=None, low=None, high=None) -> None:
    """Check an array's shape (None matches any size), dtype and value range."""
    expect(value is not None, f"expected {name}, got None; assign it in your answer.")
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - ragged lists and the like
        raise CheckFailed(f"expected {name} to be an array, got {_describe(value)} that NumPy cannot read.") from None
    if shape is not None:
        expect(_shape_matches(array.shape, tuple(shape)),
               f"expected {name} to have shape {_pretty_shape(shape)}, got {array.shape}.")
    if dtype is not None:
        expect(array.dtype == np.dtype(dtype), f"expected {name} to have dtype {np.dtype(dtype)}, got {array.dtype}.")
    if low is not None and array.size:
        expect(array.min() >= low, f"expected every value of {name} to be at least {low}, got {array.min():.4g}.")
    if high is not None and array.size:
        expect(array.max() <= high, f"expected every value of {name} to be at most {high}, got {array.max():.4g}.")


def check_close(actual, expected, what: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Check that two numbers or arrays agree within a tolerance."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    expect(actual.shape == expected.shape, f"expected {what} to have shape {expected.shape}, got {actual.shape}.")
    worst = np.max(np.abs(actual - expected)) if actual.size else 0.0
    expect(np.allclose(actual, expected, rtol=rtol, atol=atol), f"{what} is off by up to {worst:.4g} from the expected values.")


def check_at_least(value: float, floor: float, what: str) -> None:
    expect(value >= floor, f"{what} is {value:.4f}; it should be at least {floor}.")


def check_at_most(value: float, ceiling: float, what: str) -> None:
    expect(value <= ceiling, f"{what} is {value:.4f}; it should be at most {ceiling}.")


def check_probabilities(probabilities, what: str = "the model's output") -> None:
    """Each row must be a probability distribution: non-negative, summing to 1."""
    p = np.asarray(probabilities, dtype=float)
    expect(p.size and p.min() >= -1e-6, f"{what} has negative values; end the model with a softmax activation.")
    expect(np.allclose(p.sum(axis=-1), 1.0, atol=1e-4), f"the rows of {what} do not sum to 1; end the model with a softmax activation.")


def model_output(model, inputs, shape: tuple, what: str = "your model") -> np.ndarray:
    """Call `model` on `inputs` (quietly) and check the output shape; return the output as NumPy."""
    keras = _keras()
    expect(isinstance(model, keras.Model), f"{what} is a {type(model).__name__}, not a Keras model; return the model you built.")
    output = np.asarray(call(model, inputs, what=f"{what}, called on inputs of shape {np.shape(inputs)},"))
    expect(_shape_matches(output.shape, shape), f"expected {what} to output shape {_pretty_shape(shape)}, got {output.shape}.")
    return output


def _flat_layers(model) -> list:
    keras = _keras()
    found = []
    for layer in model.layers:
        found.extend(_flat_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return found


def dense_layers(model) -> list:
    """The Dense layers of a model, in order (nested models included)."""
    keras = _keras()
    return [layer for layer in _flat_layers(model) if isinstance(layer, keras.layers.Dense)]


def _activation_name(function) -> str:
    return getattr(function, "__name__", type(function).__name__).lower()


def _activation_layer_name(layer) -> str | None:
    """The activation a layer applies, if it is an activation layer (ReLU, Activation("relu"), ...)."""
    keras = _keras()
    if isinstance(layer, keras.layers.ReLU):
        return "relu"
    if isinstance(layer, keras.layers.Activation):
        return _activation_name(layer.activation)
    for name in ("LeakyReLU", "ELU", "PReLU", "Softmax"):
        if isinstance(layer, getattr(keras.layers, name, ())):
            return name.lower()
    return None


def hidden_activations(model) -> list[str]:
    """Activation name of each hidden Dense layer (all but the last Dense), in order.

    The activation may be given as `activation=` or as a later activation layer
    (`ReLU()`, `Activation("relu")`), with layers that leave the activation alone in
    between, such as `BatchNormalization`, `Dropout` or `LayerNormalization`.
    """
    layers = _flat_layers(model)
    denses = dense_layers(model)
    names = []
    for dense in denses[:-1]:
        name = _activation_name(dense.activation)
        if name == "linear":
            for following in layers[layers.index(dense) + 1:]:
                if following in denses:
                    break
                found = _activation_layer_name(following)
                if found:
                    name = found
                    break
        names.append(name)
    return names


def optimizer_settings(model) -> dict:
    """{'name', 'learning_rate', 'momentum'} of a compiled model's optimizer (momentum None if it has none)."""
    optimizer = model.optimizer
    momentum = getattr(optimizer, "momentum", None)
    return {"name": type(optimizer).__name__, "learning_rate": float(np.asarray(optimizer.learning_rate)),
            "momentum": None if momentum is None else float(momentum)}


class Credit:
    """Partial credit for one test cell: start from the cell's points and deduct for lesser faults.

    Hard requirements still fail with `expect` (0 points). End the cell with `credit.result()`:
    None (nothing shown, full marks) when nothing was deducted, else the points earned, which
    nbgrader takes as the cell's score. Each deduction prints one line saying why.
    """

    def __init__(self, points: float):
        self.points = float(points)
        self.deductions: list[tuple[float, str]] = []

    def deduct(self, points: float, condition_failed: bool, message: str) -> None:
        """Take `points` off when `condition_failed`, telling the student why."""
        if condition_failed:
            self.deductions.append((float(points), message))
            print(f"−{points:g} points: {message}")

    def earned(self) -> float:
        return max(0.0, self.points - sum(points for points, _ in self.deductions))

    def result(self) -> float | None:
        return self.earned() if self.deductions else None


# Saving and reloading (introduced in solutions/lab02_apis_saving) ---------------------------

_SERIALIZATION_FIX = ("let __init__ accept **kwargs and pass them to super().__init__(), and let get_config() return "
                      "super().get_config() plus every argument of __init__")

# (text in the error message, the likely fix), checked in order.
_RELOAD_FIXES = [
    ("Could not locate class", "decorate the class with `@keras.saving.register_keras_serializable()` and run its cell again"),
    ("could not be deserialized", _SERIALIZATION_FIX),
    ("unexpected keyword argument", _SERIALIZATION_FIX),
    ("could not be loaded", "let get_config() return super().get_config() plus every argument of __init__, "
     "so that Keras rebuilds the same layers"),
    ("get_config", _SERIALIZATION_FIX),
]


def reload_model(model, what: str = "your model", folder=None):
    """Save `model` to a `.keras` file and load it back, quietly; return the reloaded model.

    The file goes into `folder` (default: a new temporary folder). A failure to save or to
    reload becomes one CheckFailed sentence with the likely fix, such as a custom class that is
    not registered with `keras.saving.register_keras_serializable()` or whose `get_config()`
    misses arguments of its constructor.
    """
    import tempfile
    from pathlib import Path

    keras = _keras()
    expect(isinstance(model, keras.Model), f"{what} is a {type(model).__name__}, not a Keras model; return the model you built.")
    path = Path(folder or tempfile.mkdtemp(prefix="reload-")) / "reloaded.keras"
    for step, action in (("saving {} as", lambda: model.save(path)), ("reloading {} from", lambda: keras.models.load_model(path))):
        try:
            with quiet():
                result = action()
        except Exception as error:  # noqa: BLE001 - whatever Keras raised, say it in one sentence
            text = re.split(r"\s*(?:Full object config|config=)", str(error))[0]  # Keras appends whole configs
            detail = _one_line(text, limit=300) or "(no message)"
            fix = next((fix for fragment, fix in _RELOAD_FIXES if fragment in str(error)), None)
            if fix:  # then Keras' first sentence says enough
                detail = detail.split(". ")[0]
            message = f"{step.format(what)} a .keras file raised {type(error).__name__}: {detail}".rstrip(".")
            raise CheckFailed(f"{message}; {fix}." if fix else f"{message}.") from None
    return result


def _predictions(model, inputs, what: str) -> list:
    """The model's outputs for `inputs` as NumPy arrays, from a direct call (no tracing, unlike predict())."""
    keras = _keras()
    expect(isinstance(model, keras.Model), f"{what} is a {type(model).__name__}, not a Keras model.")
    output = call(model, inputs, what=f"{what}, called on the inputs,")
    return [np.asarray(part) for part in keras.tree.flatten(output)]


def check_same_predictions(model, reference, inputs, what: str, reference_what: str = "the original model",
                           fix: str | None = None, rtol: float = 1e-5, atol: float = 1e-5) -> None:
    """Check that `model` predicts on `inputs` what `reference` (a Keras model, or its predictions) does.

    For models restored from files: `check_same_predictions(reloaded, model, X, "the reloaded model")`.
    Models with several outputs are compared output by output; `fix` is appended to the message.
    """
    keras = _keras()
    expected = (_predictions(reference, inputs, reference_what) if isinstance(reference, keras.Model)
                else [np.asarray(part) for part in keras.tree.flatten(reference)])
    actual = _predictions(model, inputs, what)
    expect(len(actual) == len(expected), f"{what} has {len(actual)} output(s), but {reference_what} has {len(expected)}.")
    for a, e in zip(actual, expected):
        expect(a.shape == e.shape, f"{what} predicts an array of shape {a.shape}, but {reference_what} one of shape {e.shape}.")
        if not np.allclose(a, e, rtol=rtol, atol=atol):
            message = (f"{what} does not predict what {reference_what} predicts "
                       f"(off by up to {np.max(np.abs(a.astype(float) - e.astype(float))):.4g})")
            raise CheckFailed(f"{message}; {fix}." if fix else f"{message}.")


def _started_on_probe_model(callback, what: str, learning_rate: float | None = None):
    """A tiny model the callback sees as `self.model` (compiled with SGD(learning_rate) if given), after on_train_begin."""
    keras = _keras()
    expect_type(callback, keras.callbacks.Callback, what, "subclass keras.callbacks.Callback")
    with quiet():
        probe = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
        if learning_rate is not None:
            probe.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    probe.stop_training = False
    call(callback.set_model, probe, what=f"{what}.set_model()")
    call(callback.on_train_begin, {}, what=f"{what}.on_train_begin()")
    return probe


def feed_epoch_logs(callback, logs_per_epoch, what: str | None = None) -> int | None:
    """Drive a Keras callback through epochs with the given logs, without training; return when it stopped.

    Calls the callback's on_train_begin, then on_epoch_begin and on_epoch_end with a copy of each
    dict in `logs_per_epoch`, and on_train_end, each through `call`, on a tiny probe model that the
    callback sees as `self.model`, as `fit()` would. Returns the number of epochs after which the
    callback set `self.model.stop_training = True` (no more epochs are fed then), or None if it never
    did. Exact logs test a callback's logic where a real fit cannot choose its numbers:
    `feed_epoch_logs(StopAtTarget("val_loss", 0.5), [{"val_loss": 0.9}, {"val_loss": 0.4}])` is 2.
    `what` names the callback in messages (default: its class name). Introduced in lab03_callbacks.
    """
    what = what or type(callback).__name__
    probe = _started_on_probe_model(callback, what)
    stopped = None
    for epoch, logs in enumerate(logs_per_epoch):
        call(callback.on_epoch_begin, epoch, {}, what=f"{what}.on_epoch_begin()")
        call(callback.on_epoch_end, epoch, dict(logs), what=f"{what}.on_epoch_end()")
        if probe.stop_training:
            stopped = epoch + 1
            break
    call(callback.on_train_end, {}, what=f"{what}.on_train_end()")
    return stopped


def feed_batch_logs(callback, logs_per_batch, learning_rate: float = 0.01, what: str | None = None) -> tuple[int | None, object]:
    """Drive a Keras callback through one epoch of batches with the given logs, without training.

    Like `feed_epoch_logs`, but calls on_train_batch_begin and on_train_batch_end (batch numbers from
    0) between on_epoch_begin and on_epoch_end, on a tiny probe model compiled with
    SGD(learning_rate), so that a callback can read and set `self.model.optimizer.learning_rate`.
    Returns (the number of batches after which the callback set `self.model.stop_training = True`,
    or None; the probe model). Introduced in lab05_tuning.
    """
    what = what or type(callback).__name__
    probe = _started_on_probe_model(callback, what, learning_rate)
    call(callback.on_epoch_begin, 0, {}, what=f"{what}.on_epoch_begin()")
    stopped = None
    for batch, logs in enumerate(logs_per_batch):
        call(callback.on_train_batch_begin, batch, {}, what=f"{what}.on_train_batch_begin()")
        call(callback.on_train_batch_end, batch, dict(logs), what=f"{what}.on_train_batch_end()")
        if probe.stop_training:
            stopped = batch + 1
            break
    call(callback.on_epoch_end, 0, {}, what=f"{what}.on_epoch_end()")
    call(callback.on_train_end, {}, what=f"{what}.on_train_end()")
    return stopped, probe
