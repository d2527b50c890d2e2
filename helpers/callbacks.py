"""Small teaching callbacks for `model.fit(..., callbacks=[...])`."""
from __future__ import annotations

from helpers._env import import_tensorflow_quietly

import_tensorflow_quietly()
import keras  # noqa: E402

__all__ = ["EpochDots", "ValTrainRatio"]


class EpochDots(keras.callbacks.Callback):
    """Print a dot per epoch and a full line of metrics every `report_every` epochs.

    Keeps long runs (hundreds of epochs, verbose=0) readable. Introduced in topic 6.
    """

    def __init__(self, report_every: int = 100, dot_every: int = 1):
        super().__init__()
        self.report_every = report_every
        self.dot_every = dot_every

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if epoch % self.report_every == 0:
            metrics = ", ".join(f"{name}: {value:.4f}" for name, value in sorted(logs.items()))
            print(f"\nEpoch {epoch}: {metrics}")
        if epoch % self.dot_every == 0:
            print(".", end="", flush=True)

    def on_train_end(self, logs=None):
        print()


class ValTrainRatio(keras.callbacks.Callback):
    """Print validation loss / training loss after each epoch; above ~1.2 and rising suggests overfitting.

    Introduced in topic 3.
    """

    def __init__(self):
        super().__init__()
        self.ratios: list[float] = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if "val_loss" in logs and logs.get("loss"):
            ratio = logs["val_loss"] / logs["loss"]
            self.ratios.append(ratio)
            print(f"epoch {epoch + 1}: val/train loss = {ratio:.2f}")
