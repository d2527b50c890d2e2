"""`helpers.setup()`: the one call at the top of every notebook and lab."""
from __future__ import annotations

import logging
import platform

from helpers._env import RunMode, import_tensorflow_quietly, run_mode

DEFAULT_SEED = 42


def setup(seed: int = DEFAULT_SEED, verbose: bool = True) -> RunMode:
    """Quiet TensorFlow's logs, seed every random generator, set plot defaults, report the run mode.

    Introduced in notebooks/01_mlp_basics.

    Args:
        seed: seed for Python, NumPy and Keras (weights, dropout, shuffling).
        verbose: print one line with versions, device and run mode.

    Returns:
        The RunMode read from the environment (COURSE_FAST, COURSE_OFFLINE, COURSE_DATA_DIR).
    """
    tf = import_tensorflow_quietly()
    import keras

    logging.getLogger("absl").setLevel(logging.ERROR)
    # Keras 3: tf.random.set_seed no longer makes weight initialisation repeatable.
    keras.utils.set_random_seed(seed)
    _plot_defaults()

    mode = run_mode()
    if verbose:
        gpus = tf.config.list_physical_devices("GPU")
        device = f"{len(gpus)} GPU(s)" if gpus else "CPU only"
        print(
            f"Python {platform.python_version()} · TensorFlow {tf.__version__} · "
            f"Keras {keras.__version__} · {device} · {mode.describe()} · seed {seed}"
        )
        if mode.in_colab and not gpus:
            print("No GPU: in Colab, Runtime → Change runtime type → GPU makes the CNN topics faster.")
    return mode


def reset_session(seed: int = DEFAULT_SEED) -> None:
    """Start a new model from a clean slate: clear Keras' state (layer names) and re-seed.

    Introduced in notebooks/01_mlp_basics.
    """
    import keras

    # free_memory=False skips a full gc.collect(), which costs about 0.2 s once TensorFlow is imported;
    # Python's own collector frees the old models soon enough, and labs call this for every model they build
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(seed)


def _plot_defaults() -> None:
    import matplotlib.pyplot as plt

    plt.rc("font", size=11)
    plt.rc("axes", labelsize=12, titlesize=12, grid=True)
    plt.rc("legend", fontsize=10)
    plt.rc("figure", figsize=(7, 4.5))
