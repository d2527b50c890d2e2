"""Lab 1 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution, the way students do; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0 unless the lab's grading table grants partial credit) and words the student
must see in that cell's output. The tests grade several of them in one submission, at most one
per task, as the tasks are independent.
"""

ALTERNATIVE_ANSWERS = [
    {
        "lab01_q1_answer": '''
def prepare_images(X, y, n_valid):
    scaled = np.asarray(X, dtype=np.float32) / np.float32(255)
    return (scaled[:-n_valid], y[:-n_valid]), (scaled[-n_valid:], y[-n_valid:])
''',
        "lab01_q2_answer": '''
def build_classifier():
    model = keras.Sequential()
    model.add(keras.layers.Input(shape=[28, 28]))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(128))
    model.add(keras.layers.ReLU())
    model.add(keras.layers.Dense(64, activation=keras.activations.relu))
    model.add(keras.layers.Dense(32, activation="relu"))
    model.add(keras.layers.Dense(10))
    model.add(keras.layers.Activation("softmax"))
    return model
''',
        "lab01_q3_answer": '''
def train_classifier(model, X_train, y_train, X_valid, y_valid, epochs):
    model.compile(optimizer=keras.optimizers.SGD(0.01, 0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy"])
    history = model.fit(X_train, y_train, batch_size=64, epochs=epochs,
                        validation_data=(X_valid, y_valid), verbose=2)
    return history
''',
        "lab01_q4_answer": '''
def predict_labels(model, X, class_names):
    best = np.argmax(model(X), axis=1)
    return [class_names[i] for i in best]
''',
        "lab01_q5_answer": '''
def build_regressor(X_train):
    norm = keras.layers.Normalization(axis=-1)
    norm.adapt(np.asarray(X_train, dtype="float32"))
    regressor = keras.Sequential([keras.Input(shape=(8,)), norm,
                                  keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(1)])
    regressor.compile(loss="mean_squared_error", optimizer=keras.optimizers.Adam(learning_rate=3e-3))
    return regressor
''',
    },
    {  # layers between Dense and its activation, default progress bars, a warning of the student's own
        "lab01_q1_answer": '''
def prepare_images(X, y, n_valid):
    X_train, X_valid = np.split(X.astype(np.float32) / 255, [len(X) - n_valid])
    y_train, y_valid = np.split(y, [len(y) - n_valid])
    return (X_train, y_train), (X_valid, y_valid)
''',
        "lab01_q2_answer": '''
def build_classifier():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(200),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.Dropout(0.1),
        keras.layers.Dense(100, use_bias=False),
        keras.layers.LayerNormalization(),
        keras.layers.ReLU(),
        keras.layers.Dense(10, activation="softmax"),
    ])
''',
        "lab01_q3_answer": '''
import warnings

def train_classifier(model, X_train, y_train, X_valid, y_valid, epochs):
    warnings.warn("training starts")  # students leave such lines in; the grader must not mind
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.SGD(momentum=0.9))  # 0.01 is SGD's default learning rate
    return model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid))
''',
        "lab01_q4_answer": '''
def predict_labels(model, X, class_names):
    print("predicting", len(X), "instances")
    indices = model.predict(X).argmax(axis=1)
    return np.asarray(class_names)[indices]
''',
        "lab01_q5_answer": '''
def build_regressor(X_train):
    normalizer = keras.layers.Normalization()
    normalizer.adapt(X_train)
    model = keras.Sequential([keras.Input(shape=(X_train.shape[1],)), normalizer,
                              keras.layers.Dense(30), keras.layers.ReLU(), keras.layers.Dense(1)])
    model.compile(loss=keras.losses.MeanSquaredError(), optimizer="adam")
    return model
''',
    },
]

WRONG_ANSWERS = {
    "forgets to scale the pixels": {"cell": "lab01_q1_answer", "says": "expected the training images to have dtype float32", "source": '''
def prepare_images(X, y, n_valid):
    return (X[:-n_valid], y[:-n_valid]), (X[-n_valid:], y[-n_valid:])
'''},
    "returns four arrays instead of two pairs": {"cell": "lab01_q1_answer", "says": "return (X_train, y_train), (X_valid, y_valid)", "source": '''
def prepare_images(X, y, n_valid):
    X = X.astype("float32") / 255
    return X[:-n_valid], y[:-n_valid], X[-n_valid:], y[-n_valid:]
'''},
    "leaves the raise NotImplementedError line": {"cell": "lab01_q1_answer", "says": "delete the `raise NotImplementedError()` line", "source": '''
def prepare_images(X, y, n_valid):
    raise NotImplementedError()
    X = X.astype("float32") / 255
    return (X[:-n_valid], y[:-n_valid]), (X[-n_valid:], y[-n_valid:])
'''},
    "only one hidden layer": {"cell": "lab01_q2_answer", "says": "the task asks for at least 2", "source": '''
def build_classifier():
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])
'''},
    "scales inputs that are already scaled": {"cell": "lab01_q2_answer", "says": "are the inputs scaled twice?", "source": '''
def build_classifier():
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                             keras.layers.Dense(300, activation="relu"), keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])
'''},
    "sigmoid hidden layers": {"cell": "lab01_q2_answer", "says": "the task asks for ReLU", "source": '''
def build_classifier():
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(100, activation="sigmoid"), keras.layers.Dense(50, activation="sigmoid"),
                             keras.layers.Dense(10, activation="softmax")])
'''},
    "Adam instead of SGD": {"cell": "lab01_q3_answer", "says": "the task asks for keras.optimizers.SGD", "source": '''
def train_classifier(model, X_train, y_train, X_valid, y_valid, epochs):
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid), verbose=0)
'''},
    "returns the model instead of the History": {"cell": "lab01_q3_answer", "says": "return the History object that model.fit() returns", "source": '''
def train_classifier(model, X_train, y_train, X_valid, y_valid, epochs):
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.01, momentum=0.9), metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid), verbose=0)
    return model
'''},
    "SGD without momentum (partial credit)": {"cell": "lab01_q3_answer", "score": 7.0, "says": "the task asks for 0.9", "source": '''
def train_classifier(model, X_train, y_train, X_valid, y_valid, epochs):
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid), verbose=0)
'''},
    "returns class indices, not names": {"cell": "lab01_q4_answer", "says": "expected ['dog', 'cat', 'bird']", "source": '''
def predict_labels(model, X, class_names):
    return model.predict(X, verbose=0).argmax(axis=1)
'''},
    "indexes the tuple of names with an array": {"cell": "lab01_q4_answer", "says": "cannot be indexed with an array", "source": '''
def predict_labels(model, X, class_names):
    return class_names[model.predict(X, verbose=0).argmax(axis=1)]
'''},
    "no Normalization layer": {"cell": "lab01_q5_answer", "says": "put one right after keras.Input", "source": '''
def build_regressor(X_train):
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(50, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    return model
'''},
    "returns the regressor uncompiled": {"cell": "lab01_q5_answer", "says": "is not compiled", "source": '''
def build_regressor(X_train):
    norm = keras.layers.Normalization()
    norm.adapt(X_train)
    return keras.Sequential([keras.Input(shape=(8,)), norm, keras.layers.Dense(50, activation="relu"), keras.layers.Dense(1)])
'''},
    "adapts Normalization on all the data (partial credit)": {"cell": "lab01_q5_answer", "score": 6.0, "says": "adapted on all the data", "source": '''
def build_regressor(X_train):
    norm = keras.layers.Normalization()
    norm.adapt(X_housing)
    model = keras.Sequential([keras.Input(shape=(8,)), norm, keras.layers.Dense(50, activation="relu"),
                              keras.layers.Dense(50, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    return model
'''},
}
