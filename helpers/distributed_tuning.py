"""One tuner of a distributed keras-tuner search; notebooks/05_hyperparameter_tuning.ipynb starts two of them.

Run it as a module, `python -m helpers.distributed_tuning DIR`, wherever the course helpers are installed.

keras-tuner reads each process's role from three environment variables: KERASTUNER_TUNER_ID ("chief" runs
the oracle, which hands out trials and keeps their results; any other id, such as "tuner0", is a worker
that asks the chief for trials and trains them), KERASTUNER_ORACLE_IP and KERASTUNER_ORACLE_PORT (where the
chief listens). Start the same script once as the chief and once per worker, on one machine or several:

    KERASTUNER_TUNER_ID=chief  KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=8000 python -m helpers.distributed_tuning DIR
    KERASTUNER_TUNER_ID=tuner0 KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=8000 python -m helpers.distributed_tuning DIR

Each process keeps its files in DIR/<tuner id>/: the chief's oracle there holds every trial (trial_*/trial.json),
the workers keep their checkpoints. A worker also writes DIR/<tuner id>.json, the ids of the trials it ran.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import helpers

PROJECT = "distributed"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where every tuner writes its files (one sub-folder per tuner id)")
    parser.add_argument("--trials", type=int, default=4, help="trials in the whole search (the chief's oracle counts them)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per trial")
    parser.add_argument("--samples", type=int, default=2_000, help="training images (the validation set is 500 more)")
    return parser.parse_args()


def build_model(hp):
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(hp.Int("units", 16, 128, step=16), activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate),
                  metrics=["accuracy"])
    return model


def main():
    args = parse_arguments()
    helpers.setup(verbose=False)
    import keras_tuner as kt

    from helpers import data

    class RecordingRandomSearch(kt.RandomSearch):
        """A RandomSearch that remembers which trials this process trained."""

        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            self.trained.append(trial.trial_id)

    tuner_id = os.environ.get("KERASTUNER_TUNER_ID", "tuner0")
    try:
        (X, y), _ = data.load_fashion_mnist()
    except data.DataError as err:  # one sentence that says what to do, not a traceback
        raise SystemExit(f"{tuner_id}: {err}") from None
    X = X.astype("float32") / 255.0
    X_valid, y_valid = X[-500:], y[-500:]
    X_train, y_train = X[:-500][: args.samples], y[:-500][: args.samples]

    tuner = RecordingRandomSearch(build_model, objective="val_accuracy", max_trials=args.trials, seed=42,
                                  overwrite=True, directory=args.folder / tuner_id, project_name=PROJECT)
    tuner.trained = []
    # On the chief, search() serves trials to the workers until the oracle has run max_trials of them.
    tuner.search(X_train, y_train, epochs=args.epochs, validation_data=(X_valid, y_valid), verbose=0)
    if tuner_id == "chief":
        print(f"chief: the oracle finished {len(tuner.oracle.trials)} trials")
    else:
        (args.folder / f"{tuner_id}.json").write_text(json.dumps({"tuner_id": tuner_id, "trials": tuner.trained}))
        print(f"{tuner_id}: trained trials {tuner.trained}")


if __name__ == "__main__":
    main()
