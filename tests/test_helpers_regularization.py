"""Helpers added for topic 6 (overfitting and regularization): smoothing learning curves."""
from __future__ import annotations

import numpy as np

import helpers


def test_smooth_keeps_length_and_flat_curves():
    assert np.allclose(helpers.plots.smooth([2.0, 2.0, 2.0], std=5), [2.0, 2.0, 2.0])
    spike = helpers.plots.smooth([0, 0, 10, 0, 0], std=1)
    assert spike.shape == (5,) and spike[2] < 10 and np.isclose(spike[1], spike[3]) and spike.argmax() == 2
    assert np.allclose(helpers.plots.smooth(np.arange(4.0), std=0), np.arange(4.0))


def test_learning_curves_can_smooth():
    import matplotlib.pyplot as plt

    noisy = {"loss": [1.0, 0.2, 1.0, 0.2, 1.0, 0.2], "val_loss": [1.0] * 6}
    ax = helpers.plots.LearningCurves("loss").plot({"run": noisy}, ax=plt.figure().gca(), smoothing_std=2)
    training = ax.lines[0].get_ydata()
    assert len(training) == 6 and np.ptp(training) < 0.4 and np.allclose(ax.lines[1].get_ydata(), 1.0)
    plt.close("all")
