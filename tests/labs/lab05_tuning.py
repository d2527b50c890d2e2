"""Lab 5 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0: the lab grants no partial credit) and words the student must see in that
cell's output.
"""

ALTERNATIVE_ANSWERS = [
    {
        "lab05_q1_answer": '''
def build_model(hp):
    model = keras.Sequential()
    model.add(keras.Input(shape=(28, 28)))
    model.add(keras.layers.Flatten())
    layers = hp.Int("n_hidden", 1, 3, default=1)
    act = hp.Choice("activation", values=["relu", "tanh"])
    for i in range(layers):
        with hp.conditional_scope("n_hidden", [n for n in (1, 2, 3) if n > i]):
            width = hp.Int("units_" + str(i), 16, 128, step=16)
        model.add(keras.layers.Dense(width))
        model.add(keras.layers.Activation(act))
    model.add(keras.layers.Dense(10, activation="softmax"))
    lr = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''',
        "lab05_q2_answer": '''
class BatchSizeHyperModel(kt.HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, *args, **kwargs):
        kwargs["batch_size"] = hp.Choice("batch_size", values=[32, 64, 128])
        history = model.fit(*args, **kwargs)
        return history
''',
        "lab05_q3_answer": '''
def retrain_best(tuner, X, y, epochs):
    [hp] = tuner.get_best_hyperparameters(1)
    fresh = tuner.hypermodel.build(hp)
    fresh.fit(X, y, epochs=epochs, batch_size=32, verbose=2)
    return fresh
''',
        "lab05_q4_answer": '''
class LearningRateFinder(keras.callbacks.Callback):
    def __init__(self, start, factor, explode=4.0):
        super().__init__()
        self.start, self.factor, self.explode = start, factor, explode

    def on_train_begin(self, logs=None):
        self.rates = []
        self.losses = []
        self.model.optimizer.learning_rate.assign(self.start)

    def on_train_batch_end(self, batch, logs=None):
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
        self.losses.append(float(logs["loss"]))
        self.model.optimizer.learning_rate.assign(self.rates[-1] * self.factor)
        if np.isnan(self.losses[-1]) or np.isinf(self.losses[-1]) or self.losses[-1] > self.explode * min(self.losses):
            print("loss exploded: stopping")
            self.model.stop_training = True
''',
    },
]

WRONG_ANSWERS = {
    "linear sampling of the learning rate": {"cell": "lab05_q1_answer", "says": "sample the learning rate on a log scale", "source": '''
def build_model(hp):
    n_hidden = hp.Int("n_hidden", 1, 3)
    activation = hp.Choice("activation", ["relu", "tanh"])
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2)
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    for i in range(n_hidden):
        with hp.conditional_scope("n_hidden", list(range(i + 1, 4))):
            model.add(keras.layers.Dense(hp.Int(f"units_{i}", 16, 128, step=16), activation=activation))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate), metrics=["accuracy"])
    return model
'''},
    "one width for every layer": {"cell": "lab05_q1_answer", "says": "declare one 'units_i' per hidden layer", "source": '''
def build_model(hp):
    n_hidden = hp.Int("n_hidden", 1, 3)
    units = hp.Int("units_0", 16, 128, step=16)
    activation = hp.Choice("activation", ["relu", "tanh"])
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    for i in range(n_hidden):
        model.add(keras.layers.Dense(units, activation=activation))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate), metrics=["accuracy"])
    return model
'''},
    "widths without a conditional scope": {"cell": "lab05_q1_answer", "says": "hp.conditional_scope('n_hidden', [2, 3])", "source": '''
def build_model(hp):
    n_hidden = hp.Int("n_hidden", 1, 3)
    activation = hp.Choice("activation", ["relu", "tanh"])
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    for i in range(n_hidden):
        model.add(keras.layers.Dense(hp.Int(f"units_{i}", 16, 128, step=16), activation=activation))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate), metrics=["accuracy"])
    return model
'''},
    "batch size declared but not used": {"cell": "lab05_q2_answer", "says": "pass batch_size=hp.Choice(...) to model.fit", "source": '''
class BatchSizeHyperModel(kt.HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, *args, **kwargs):
        hp.Choice("batch_size", [32, 64, 128])
        return model.fit(*args, **kwargs)
'''},
    "History not returned": {"cell": "lab05_q2_answer", "says": "return the History object", "source": '''
class BatchSizeHyperModel(kt.HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, *args, **kwargs):
        model.fit(*args, batch_size=hp.Choice("batch_size", [32, 64, 128]), **kwargs)
'''},
    "takes get_best_models()": {"cell": "lab05_q3_answer", "says": "get_best_models() restores weights without the optimizer's state", "source": '''
def retrain_best(tuner, X, y, epochs):
    return tuner.get_best_models(num_models=1)[0]
'''},
    "trains the model from get_best_models() further": {"cell": "lab05_q3_answer", "says": "returned the best trial's trained weights", "source": '''
def retrain_best(tuner, X, y, epochs):
    model = tuner.get_best_models(num_models=1)[0]
    model.fit(X, y, epochs=epochs, verbose=0)
    return model
'''},
    "rebuilds a model with the default hyperparameters": {"cell": "lab05_q3_answer", "says": "build it from tuner.get_best_hyperparameters()[0]", "source": '''
def retrain_best(tuner, X, y, epochs):
    model = tuner.hypermodel.build(kt.HyperParameters())
    model.fit(X, y, epochs=epochs, verbose=0)
    return model
'''},
    "grows the rate per epoch, not per batch": {"cell": "lab05_q4_answer", "says": "the rates recorded for the first 4 batches", "source": '''
class LearningRateFinder(keras.callbacks.Callback):
    def __init__(self, start, factor, explode=4.0):
        super().__init__()
        self.start, self.factor, self.explode = start, factor, explode

    def on_train_begin(self, logs=None):
        self.model.optimizer.learning_rate = self.start
        self.rates, self.losses = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.rates.append(float(self.model.optimizer.learning_rate))
        self.losses.append(logs["loss"])
        if logs["loss"] > self.explode * min(self.losses):
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) * self.factor
'''},
    "grows the rate linearly": {"cell": "lab05_q4_answer", "says": "multiply the rate by `factor` after every batch", "source": '''
class LearningRateFinder(keras.callbacks.Callback):
    def __init__(self, start, factor, explode=4.0):
        super().__init__()
        self.start, self.factor, self.explode = start, factor, explode

    def on_train_begin(self, logs=None):
        self.model.optimizer.learning_rate = self.start
        self.rates, self.losses = [], []

    def on_train_batch_end(self, batch, logs=None):
        rate = float(self.model.optimizer.learning_rate)
        self.rates.append(rate)
        self.losses.append(logs["loss"])
        self.model.optimizer.learning_rate = rate + self.start * self.factor
        if logs["loss"] > self.explode * min(self.losses):
            self.model.stop_training = True
'''},
    "never stops on divergence": {"cell": "lab05_q4_answer", "says": "training should stop after batch 7", "source": '''
class LearningRateFinder(keras.callbacks.Callback):
    def __init__(self, start, factor, explode=4.0):
        super().__init__()
        self.start, self.factor, self.explode = start, factor, explode

    def on_train_begin(self, logs=None):
        self.model.optimizer.learning_rate = self.start
        self.rates, self.losses = [], []

    def on_train_batch_end(self, batch, logs=None):
        rate = float(self.model.optimizer.learning_rate)
        self.rates.append(rate)
        self.losses.append(logs["loss"])
        self.model.optimizer.learning_rate = rate * self.factor
'''},
    "records the rate after growing it": {"cell": "lab05_q4_answer", "says": "the first recorded rate", "source": '''
class LearningRateFinder(keras.callbacks.Callback):
    def __init__(self, start, factor, explode=4.0):
        super().__init__()
        self.start, self.factor, self.explode = start, factor, explode

    def on_train_begin(self, logs=None):
        self.model.optimizer.learning_rate = self.start
        self.rates, self.losses = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) * self.factor
        self.rates.append(float(self.model.optimizer.learning_rate))
        self.losses.append(logs["loss"])
        if logs["loss"] > self.explode * min(self.losses):
            self.model.stop_training = True
'''},
}
