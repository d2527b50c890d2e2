"""Lab 3 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0 unless the lab's grading table grants partial credit) and words the student
must see in that cell's output.
"""

ALTERNATIVE_ANSWERS = [
    {
        "lab03_q1_answer": '''
class StopAtTarget(keras.callbacks.Callback):
    def __init__(self, monitor, target):
        super().__init__()
        self.monitor = monitor
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor in logs and not logs[self.monitor] > self.target:
            print(f"target reached at epoch {epoch + 1}")
            self.model.stop_training = True
''',
        "lab03_q2_answer": '''
def schedule(epoch, learning_rate):
    factor = 0.9 if epoch >= 5 else 1.0
    return float(learning_rate * factor)
''',
        "lab03_q3_answer": '''
import os

def fit_with_best_weights(model, X_train, y_train, X_valid, y_valid, folder, max_epochs):
    checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(folder, "best.keras"), save_best_only=True)
    stopper = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_valid, y_valid),
                     callbacks=[checkpoint, stopper])
''',
        "lab03_q4_answer": '''
class LossRatioLogger(keras.callbacks.Callback):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ratios = list()

    def on_epoch_end(self, epoch, logs=None):
        ratio = logs.get("val_loss") / logs.get("loss")
        print(f"epoch {epoch + 1}: {ratio:.2f}")
        self.ratios.append(ratio)
''',
    },
    {
        "lab03_q1_answer": '''
import warnings

class StopAtTarget(keras.callbacks.Callback):
    def __init__(self, monitor="val_loss", target=0.5, **kwargs):
        super().__init__(**kwargs)
        self.monitor, self.target = monitor, target

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor, float("inf"))
        if current <= self.target:
            warnings.warn(f"{self.monitor} reached {self.target}")
            self.model.stop_training = True
''',
        "lab03_q2_answer": '''
schedule = lambda epoch, learning_rate: learning_rate if epoch in range(5) else 0.9 * learning_rate
''',
        "lab03_q3_answer": '''
def fit_with_best_weights(model, X_train, y_train, X_valid, y_valid, folder, max_epochs):
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True, verbose=1),
                 keras.callbacks.ModelCheckpoint(folder + "/best.keras", monitor="val_loss", save_best_only=True, verbose=1)]
    history = model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=max_epochs, batch_size=32,
                        callbacks=callbacks, verbose=2)
    return history
''',
        "lab03_q4_answer": '''
class LossRatioLogger(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ratios = []

    def on_train_begin(self, logs=None):
        self.ratios = []  # a fresh list for each fit

    def on_epoch_end(self, epoch, logs=None):
        self.ratios += [float(logs["val_loss"]) / float(logs["loss"])]
''',
    },
]

WRONG_ANSWERS = {
    "stops only below the target, not at it": {"cell": "lab03_q1_answer", "says": "a value equal to the target must stop training", "source": '''
class StopAtTarget(keras.callbacks.Callback):
    def __init__(self, monitor, target):
        super().__init__()
        self.monitor, self.target = monitor, target

    def on_epoch_end(self, epoch, logs=None):
        if logs.get(self.monitor, 1e9) < self.target:
            self.model.stop_training = True
'''},
    "always watches val_loss": {"cell": "lab03_q1_answer", "says": "must watch the metric named by `monitor`", "source": '''
class StopAtTarget(keras.callbacks.Callback):
    def __init__(self, monitor, target):
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        if logs.get("val_loss", 1e9) <= self.target:
            self.model.stop_training = True
'''},
    "fails when the metric is missing from the logs": {"cell": "lab03_q1_answer", "says": "raised KeyError", "source": '''
class StopAtTarget(keras.callbacks.Callback):
    def __init__(self, monitor, target):
        super().__init__()
        self.monitor, self.target = monitor, target

    def on_epoch_end(self, epoch, logs=None):
        if logs[self.monitor] <= self.target:
            self.model.stop_training = True
'''},
    "starts decaying one epoch late": {"cell": "lab03_q2_answer", "says": "schedule(5, 0.01) is off by", "source": '''
def schedule(epoch, learning_rate):
    return learning_rate if epoch <= 5 else learning_rate * 0.9
'''},
    "decays from the first epoch": {"cell": "lab03_q2_answer", "says": "schedule(0, 0.01) is off by", "source": '''
def schedule(epoch, learning_rate):
    return learning_rate * 0.9
'''},
    "compounds the decay from epoch 5": {"cell": "lab03_q2_answer", "says": "schedule(6, 0.009) is off by", "source": '''
def schedule(epoch, learning_rate):
    return learning_rate if epoch < 5 else learning_rate * 0.9 ** (epoch - 4)
'''},
    "does not restore the best weights": {"cell": "lab03_q3_answer", "says": "restore_best_weights=True", "source": '''
def fit_with_best_weights(model, X_train, y_train, X_valid, y_valid, folder, max_epochs):
    callbacks = [keras.callbacks.EarlyStopping(patience=3),
                 keras.callbacks.ModelCheckpoint(Path(folder) / "best.keras", save_best_only=True)]
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_valid, y_valid), callbacks=callbacks, verbose=0)
'''},
    "no checkpoint (partial credit)": {"cell": "lab03_q3_answer", "score": 6.0, "says": "no checkpoint was written", "source": '''
def fit_with_best_weights(model, X_train, y_train, X_valid, y_valid, folder, max_epochs):
    stopper = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_valid, y_valid), callbacks=[stopper], verbose=0)
'''},
    "checkpoint file name without .keras": {"cell": "lab03_q3_answer", "says": "raised ValueError", "source": '''
def fit_with_best_weights(model, X_train, y_train, X_valid, y_valid, folder, max_epochs):
    callbacks = [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True),
                 keras.callbacks.ModelCheckpoint(Path(folder) / "best", save_best_only=True)]
    return model.fit(X_train, y_train, epochs=max_epochs, validation_data=(X_valid, y_valid), callbacks=callbacks, verbose=0)
'''},
    "inverted ratio": {"cell": "lab03_q4_answer", "says": "the ratios recorded for losses", "source": '''
class LossRatioLogger(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ratios = []

    def on_epoch_end(self, epoch, logs=None):
        self.ratios.append(logs["loss"] / logs["val_loss"])
'''},
    "one list shared by every logger": {"cell": "lab03_q4_answer", "says": "create the list in __init__", "source": '''
class LossRatioLogger(keras.callbacks.Callback):
    ratios = []

    def on_epoch_end(self, epoch, logs=None):
        self.ratios.append(logs["val_loss"] / logs["loss"])
'''},
    "keeps only the last ratio": {"cell": "lab03_q4_answer", "says": "the ratios recorded for losses", "source": '''
class LossRatioLogger(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ratios = []

    def on_epoch_end(self, epoch, logs=None):
        self.ratios = [logs["val_loss"] / logs["loss"]]
'''},
}
