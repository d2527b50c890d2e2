"""Lab 2 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution, the way students do; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0 unless the lab's grading table grants partial credit) and words the student
must see in that cell's output. The tests grade several of them in one submission, at most one
per task, as the tasks are independent.
"""

ALTERNATIVE_ANSWERS = [
    {  # the concatenate function, list outputs and losses, keras.ops in call(), a package name, string paths
        "lab02_q1_answer": '''
def build_wide_deep(n_wide, n_deep):
    wide = keras.layers.Input(shape=[n_wide], name="wide")
    deep = keras.layers.Input(shape=[n_deep], name="deep")
    x = deep
    for units in (64, 32, 16):
        x = keras.layers.Dense(units, activation=keras.activations.relu)(x)
    both = keras.layers.concatenate([wide, x])
    return keras.Model([wide, deep], keras.layers.Dense(1, activation=None)(both))
''',
        "lab02_q2_answer": '''
def build_two_headed(n_features):
    inputs = keras.Input(shape=(n_features,))
    x = keras.layers.Dense(64, activation="relu")(inputs)
    aux = keras.layers.Dense(1, name="aux")(x)
    x = keras.layers.Dense(32, activation="relu")(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    main = keras.layers.Dense(1, name="main")(x)
    model = keras.Model(inputs, [main, aux])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3),
                  loss=[keras.losses.MeanSquaredError(), keras.losses.MeanSquaredError()],
                  loss_weights=[0.9, 0.1])
    print(f"{model.count_params():,} parameters")  # students print things; the checks must stay silent
    return model
''',
        "lab02_q3_answer": '''
@keras.saving.register_keras_serializable(package="lab02")
class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, activation
        self.deep_layers = [keras.layers.Dense(units, activation=activation) for _ in range(3)]
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        wide, deep = inputs[0], inputs[1]
        for layer in self.deep_layers:
            deep = layer(deep)
        return self.out(keras.ops.concatenate([wide, deep], axis=-1))

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, activation=self.activation)
        return config
''',
        "lab02_q4_answer": '''
import os

def save_and_restore_weights(model, build, folder):
    path = os.path.join(str(folder), "my_model.weights.h5")
    model.save_weights(path)
    print("saved the weights to", path)
    new_model = build()
    new_model.load_weights(path)
    return path, new_model
''',
    },
    {  # separate activation layers, a nested Sequential deep path, warnings, a name built from the model's
        "lab02_q1_answer": '''
def build_wide_deep(n_wide, n_deep):
    input_wide = keras.Input(shape=(n_wide,), name="wide")
    input_deep = keras.Input(shape=(n_deep,), name="deep")
    hidden = keras.layers.Dense(50)(input_deep)
    hidden = keras.layers.Activation("relu")(hidden)
    hidden = keras.layers.Dropout(0.1)(hidden)
    hidden = keras.layers.Dense(20)(hidden)
    hidden = keras.layers.ReLU()(hidden)
    concat = keras.layers.Concatenate(axis=-1)([input_wide, hidden])
    output = keras.layers.Dense(1, activation="linear")(concat)
    model = keras.Model(inputs=[input_wide, input_deep], outputs=[output])
    return model
''',
        "lab02_q2_answer": '''
import warnings

def build_two_headed(n_features):
    warnings.warn("building a model with two heads")  # the grader must not mind
    inputs = keras.Input(shape=(n_features,))
    h1 = keras.layers.Dense(40, activation="relu")(inputs)
    h2 = keras.layers.Dense(40, activation="relu")(h1)
    model = keras.Model(inputs=inputs, outputs=[keras.layers.Dense(1, name="main")(h2), keras.layers.Dense(1, name="aux")(h2)])
    model.compile(loss={"main": "mean_squared_error", "aux": keras.losses.MeanSquaredError()},
                  loss_weights={"aux": 0.1, "main": 0.9}, optimizer="adam", metrics={"main": ["mae"]})
    return model
''',
        "lab02_q3_answer": '''
import warnings

@keras.saving.register_keras_serializable()
class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = activation
        self.deep = keras.Sequential([keras.layers.Dense(units, activation=activation),
                                      keras.layers.Dense(units, activation=activation)])
        self.concat = keras.layers.Concatenate()
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        X_wide, X_deep = inputs
        return self.head(self.concat([X_wide, self.deep(X_deep)]))

    def get_config(self):
        warnings.warn("saving a WideAndDeepModel")
        base = super().get_config()
        return dict(base, units=self.units, activation=self.activation)
''',
        "lab02_q4_answer": '''
import warnings

def save_and_restore_weights(model, build, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.name}.weights.h5"
    model.save_weights(str(path))
    restored = build()
    restored.load_weights(str(path))
    warnings.warn(f"weights restored from {path}")
    return str(path), restored
''',
    },
]

WRONG_ANSWERS = {
    "one input for all the features": {"cell": "lab02_q1_answer", "says": "returned a model with 1 input(s); the task asks for two", "source": '''
def build_wide_deep(n_wide, n_deep):
    inputs = keras.Input(shape=(n_wide + n_deep,))
    hidden = keras.layers.Dense(30, activation="relu")(inputs)
    concat = keras.layers.Concatenate()([inputs, hidden])
    return keras.Model(inputs, keras.layers.Dense(1)(concat))
'''},
    "inputs without names": {"cell": "lab02_q1_answer", "says": "name them 'wide' and 'deep'", "source": '''
def build_wide_deep(n_wide, n_deep):
    input_wide, input_deep = keras.Input(shape=(n_wide,)), keras.Input(shape=(n_deep,))
    hidden = keras.layers.Dense(30, activation="relu")(input_deep)
    concat = keras.layers.Concatenate()([input_wide, hidden])
    return keras.Model([input_wide, input_deep], keras.layers.Dense(1)(concat))
'''},
    "a hidden layer on the wide path too": {"cell": "lab02_q1_answer", "says": "the output is not a linear function of the wide input", "source": '''
def build_wide_deep(n_wide, n_deep):
    input_wide = keras.Input(shape=(n_wide,), name="wide")
    input_deep = keras.Input(shape=(n_deep,), name="deep")
    wide = keras.layers.Dense(10, activation="relu")(input_wide)
    deep = keras.layers.Dense(30, activation="relu")(input_deep)
    concat = keras.layers.Concatenate()([wide, deep])
    return keras.Model([input_wide, input_deep], keras.layers.Dense(1)(concat))
'''},
    "forgets the loss weights": {"cell": "lab02_q2_answer", "says": "compile with loss_weights={'main': 0.9, 'aux': 0.1}", "source": '''
def build_two_headed(n_features):
    inputs = keras.Input(shape=(n_features,))
    hidden1 = keras.layers.Dense(30, activation="relu")(inputs)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    model = keras.Model(inputs, [keras.layers.Dense(1, name="main")(hidden2), keras.layers.Dense(1, name="aux")(hidden1)])
    model.compile(loss="mse", optimizer="adam")
    return model
'''},
    "loss weights the wrong way round": {"cell": "lab02_q2_answer", "says": "compile with loss_weights={'main': 0.9, 'aux': 0.1}", "source": '''
def build_two_headed(n_features):
    inputs = keras.Input(shape=(n_features,))
    hidden1 = keras.layers.Dense(30, activation="relu")(inputs)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    model = keras.Model(inputs, [keras.layers.Dense(1, name="main")(hidden2), keras.layers.Dense(1, name="aux")(hidden1)])
    model.compile(loss=["mse", "mse"], loss_weights=[0.1, 0.9], optimizer="adam")
    return model
'''},
    "only the main output": {"cell": "lab02_q2_answer", "says": "returned a model with 1 output(s); the task asks for two", "source": '''
def build_two_headed(n_features):
    inputs = keras.Input(shape=(n_features,))
    hidden1 = keras.layers.Dense(30, activation="relu")(inputs)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    model = keras.Model(inputs, keras.layers.Dense(1, name="main")(hidden2))
    model.compile(loss="mse", optimizer="adam")
    return model
'''},
    "forgets to register the class": {"cell": "lab02_q3_answer", "says": "decorate the class with `@keras.saving.register_keras_serializable()`", "source": '''
class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, activation
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        hidden = self.hidden2(self.hidden1(input_deep))
        return self.main_output(keras.layers.concatenate([input_wide, hidden]))

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation}
'''},
    "get_config without super().get_config() (partial credit)": {"cell": "lab02_q3_answer", "score": 7.0, "says": "start get_config() from super().get_config()", "source": '''
@keras.saving.register_keras_serializable()
class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, activation
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.concat = keras.layers.Concatenate()
        self.main_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        return self.main_output(self.concat([input_wide, self.hidden2(self.hidden1(input_deep))]))

    def get_config(self):
        return {"units": self.units, "activation": self.activation}
'''},
    "__init__ without **kwargs": {"cell": "lab02_q3_answer", "says": "WideAndDeepModel.__init__ takes no **kwargs", "source": '''
@keras.saving.register_keras_serializable()
class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu"):
        super().__init__()
        self.units, self.activation = units, activation
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.concat = keras.layers.Concatenate()
        self.main_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        return self.main_output(self.concat([input_wide, self.hidden2(self.hidden1(input_deep))]))

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation}
'''},
    "saves to a plain .h5 file": {"cell": "lab02_q4_answer", "says": "The filename must end in `.weights.h5`", "source": '''
def save_and_restore_weights(model, build, folder):
    path = Path(folder) / "model.h5"
    model.save_weights(path)
    restored = build()
    restored.load_weights(path)
    return path, restored
'''},
    "returns the model it was given": {"cell": "lab02_q4_answer", "says": "returned the model it was given", "source": '''
def save_and_restore_weights(model, build, folder):
    path = Path(folder) / "model.weights.h5"
    model.save_weights(path)
    model.load_weights(path)
    return path, model
'''},
    "forgets to load the weights": {"cell": "lab02_q4_answer", "says": "load the saved weights into the new model", "source": '''
def save_and_restore_weights(model, build, folder):
    path = Path(folder) / "model.weights.h5"
    model.save_weights(path)
    return path, build()
'''},
}
