"""Checks for lab test cells: each failure is one sentence saying what is wrong.

The checks take the objects to inspect as arguments, write nothing to stderr, and raise
`CheckFailed` (an AssertionError) that notebooks display without a traceback.
Introduced in solutions/lab01_mlp.
"""
from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from helpers._env import import_tensorflow_quietly, stderr_silenced

__all__ = [
    "CheckFailed", "expect", "quiet", "check_array", "check_close", "check_at_least", "check_at_most",
    "check_probabilities", "model_output", "dense_layers", "hidden_activations",
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
    """Run student code without warnings or library noise reaching stderr.

    nbgrader scores a test cell that wrote anything to stderr as failed, even when every
    assertion passed; wrap calls to student code in `with checks.quiet():`.
    """
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), stderr_silenced():
        warnings.simplefilter("ignore")
        yield


def _shape_matches(actual: tuple, expected: tuple) -> bool:
    return len(actual) == len(expected) and all(e is None or a == e for a, e in zip(actual, expected))


def check_array(value, name: str, shape: tuple | None = None, dtype=None, low=None, high=None) -> np.ndarray:
    """Check an array's shape (None matches any size), dtype and value range; return it as NumPy."""
    expect(value is not None, f"{name} is None; assign it in your answer.")
    array = np.asarray(value)
    if shape is not None:
        pretty = tuple("any" if s is None else s for s in shape)
        expect(_shape_matches(array.shape, tuple(shape)), f"{name} has shape {array.shape}; expected {pretty}.")
    if dtype is not None:
        expect(array.dtype == np.dtype(dtype), f"{name} has dtype {array.dtype}; expected {np.dtype(dtype)}.")
    if low is not None and array.size:
        expect(array.min() >= low, f"{name} has values down to {array.min():.4g}; expected all ≥ {low}.")
    if high is not None and array.size:
        expect(array.max() <= high, f"{name} has values up to {array.max():.4g}; expected all ≤ {high}.")
    return array


def check_close(actual, expected, what: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Check that two numbers or arrays agree within a tolerance."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    expect(actual.shape == expected.shape, f"{what} has shape {actual.shape}; expected {expected.shape}.")
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
    try:
        with quiet():
            output = model(inputs)
    except Exception as err:  # the student's model cannot take the input the task specifies
        raise CheckFailed(f"{what} fails on inputs of shape {np.shape(inputs)}: {type(err).__name__}: {err}") from None
    output = np.asarray(output)
    pretty = tuple("any" if s is None else s for s in shape)
    expect(_shape_matches(output.shape, shape), f"{what} outputs shape {output.shape}; expected {pretty}.")
    return output


def dense_layers(model) -> list:
    """The Dense layers of a model, in order (nested models included)."""
    keras = _keras()
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend(dense_layers(layer))
        elif isinstance(layer, keras.layers.Dense):
            found.append(layer)
    return found


def hidden_activations(model) -> list[str]:
    """Activation name after each hidden Dense layer (all but the last), whether it is given as
    `activation=` or as a following ReLU/Activation layer."""
    keras = _keras()
    layers = model.layers
    names = []
    for index, layer in enumerate(layers):
        if not isinstance(layer, keras.layers.Dense) or layer is dense_layers(model)[-1]:
            continue
        name = getattr(layer.activation, "__name__", "linear")
        following = layers[index + 1] if index + 1 < len(layers) else None
        if name == "linear" and isinstance(following, keras.layers.ReLU):
            name = "relu"
        elif name == "linear" and isinstance(following, keras.layers.Activation):
            name = getattr(following.activation, "__name__", "linear")
        names.append(name)
    return names
