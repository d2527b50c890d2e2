"""Lab 1 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: correct answers written differently from the solution; full marks.
WRONG_ANSWERS: each wrong in exactly one task, in a way a student might be; that task's
points are lost and no others.
"""

ALTERNATIVE_ANSWERS = {
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
}

WRONG_ANSWERS = {
    # forgets to scale the pixels
    "lab01_q1_answer": '''
def prepare_images(X, y, n_valid):
    return (X[:-n_valid], y[:-n_valid]), (X[-n_valid:], y[-n_valid:])
''',
    # only one hidden layer
    "lab01_q2_answer": '''
def build_classifier():
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])
''',
    # Adam instead of the SGD the task asks for
    "lab01_q3_answer": '''
def train_classifier(model, X_train, y_train, X_valid, y_valid, epochs):
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid), verbose=0)
''',
    # returns class indices, not names
    "lab01_q4_answer": '''
def predict_labels(model, X, class_names):
    return model.predict(X, verbose=0).argmax(axis=1)
''',
    # no Normalization layer
    "lab01_q5_answer": '''
def build_regressor(X_train):
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(50, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    return model
''',
}
