"""Lab 6 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0: this lab grants no partial credit) and words the student must see in that
cell's output.
"""

ALTERNATIVE_ANSWERS = [
    {
        "lab06_q1_answer": '''
def build_giant_model():
    inputs = keras.Input(shape=(FEATURES,))
    x = inputs
    for _ in range(5):
        x = layers.Dense(720, activation="elu")(x)
    print("a giant of five layers")
    return keras.Model(inputs, layers.Dense(1)(x))
''',
        "lab06_q5_answer": '''
def load_cat_data(train_path, test_path):
    train = h5py.File(train_path, "r")
    test = h5py.File(test_path, "r")
    train_x = np.array(train["train_set_x"], dtype=np.float32) / 255
    test_x = np.array(test["test_set_x"], dtype=np.float32) / 255
    train_y = np.array(train["train_set_y"]).reshape(1, -1).ravel()
    test_y = np.array(test["test_set_y"]).flatten()
    classes = list(np.array(test["list_classes"]).astype(str))
    print("train:", train_x.shape, "test:", test_x.shape)
    return train_x, train_y, test_x, test_y, classes
''',
        "lab06_q6_answer": '''
def build_small_cat_model():
    inputs = keras.Input(shape=(64, 64, 3))
    x = layers.Flatten()(inputs)
    x = layers.Dense(128, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(1)(x))
''',
        "lab06_q7_answer": '''
def build_medium_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(),
                             layers.Dense(128, activation="tanh"), layers.Dense(32, activation="tanh"), layers.Dense(1)])
''',
        "lab06_q8_answer": '''
def build_large_cat_model():
    model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()])
    for _ in range(5):
        model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dense(1))
    return model
''',
        "lab06_q9_answer": '''
def build_regularized_cat_model():
    model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()])
    for _ in range(4):
        model.add(layers.Dense(128, activation="relu"))
        model.add(layers.Dropout(0.5))
    model.add(layers.Dense(1))
    return model
''',
        "lab06_q10_answer": '''
def cat_report(model, x, y, class_names):
    probabilities = keras.ops.convert_to_numpy(keras.ops.sigmoid(model(x)))[:, 0]
    predicted = np.where(probabilities > 0.5, 1, 0)
    return classification_report(y, predicted, target_names=class_names, zero_division=0)
''',
    },
    {
        "lab06_q1_answer": '''
def build_giant_model():
    helpers.reset_session()
    model = keras.Sequential()
    model.add(keras.Input(shape=(28,)))
    for units in (1024, 1024, 1024, 1024):
        model.add(layers.Dense(units))
        model.add(layers.LeakyReLU())
    model.add(layers.Dense(1, activation=None))
    return model
''',
        "lab06_q5_answer": '''
def read(path, split):
    with h5py.File(path, "r") as f:
        x = np.asarray(f[split + "_set_x"]).astype("float32") / 255.0
        y = np.asarray(f[split + "_set_y"])
        names = [str(c, "utf-8") for c in f["list_classes"]]
    return x, y, names

def load_cat_data(train_path, test_path):
    train_x, train_y, _ = read(train_path, "train")
    test_x, test_y, classes = read(test_path, "test")
    return (train_x, train_y, test_x, test_y, classes)
''',
        "lab06_q6_answer": '''
def build_small_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(16), layers.ReLU(), layers.Dense(1)])
''',
        "lab06_q7_answer": '''
def build_medium_cat_model():
    helpers.reset_session(7)
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(64, activation="relu"),
                             layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])
''',
        "lab06_q8_answer": '''
def build_large_cat_model():
    helpers.reset_session()
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()]
                            + [layers.Dense(256, activation="elu") for _ in range(4)] + [layers.Dense(1)])
''',
        "lab06_q9_answer": '''
def build_regularized_cat_model():
    helpers.reset_session()
    hidden = []
    for _ in range(4):  # the original lab's combination: L2 and dropout
        hidden += [layers.Dense(256, activation="elu", kernel_regularizer=regularizers.l2(0.0001)), layers.Dropout(0.5)]
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()] + hidden + [layers.Dense(1)])
''',
        "lab06_q10_answer": '''
def cat_report(model, x, y, class_names):
    predictions = (model.predict(x, verbose=0) > 0).astype("int32").flatten()
    text = classification_report(y_true=y, y_pred=predictions, target_names=class_names, zero_division=0)
    print(text)
    return text
''',
    },
]

WRONG_ANSWERS = {
    "giant ends with a sigmoid": {"cell": "lab06_q1_answer", "says": "end it with Dense(1) and no activation", "source": '''
def build_giant_model():
    return keras.Sequential([keras.Input(shape=(FEATURES,))] + [layers.Dense(1024, activation="elu") for _ in range(4)]
                            + [layers.Dense(1, activation="sigmoid")])
'''},
    "giant no bigger than the large model": {"cell": "lab06_q1_answer", "says": "it needs at least 2,000,000", "source": '''
def build_giant_model():
    return keras.Sequential([keras.Input(shape=(FEATURES,))] + [layers.Dense(512, activation="elu") for _ in range(4)] + [layers.Dense(1)])
'''},
    "giant of two wide layers": {"cell": "lab06_q1_answer", "says": "give it at least 4", "source": '''
def build_giant_model():
    return keras.Sequential([keras.Input(shape=(FEATURES,)), layers.Dense(2048, activation="elu"),
                             layers.Dense(2048, activation="elu"), layers.Dense(1)])
'''},
    "pixels left as uint8": {"cell": "lab06_q5_answer", "says": "convert the images to float32", "source": '''
def load_cat_data(train_path, test_path):
    with h5py.File(train_path, "r") as f:
        train_x, train_y = f["train_set_x"][:], f["train_set_y"][:]
    with h5py.File(test_path, "r") as f:
        test_x, test_y = f["test_set_x"][:], f["test_set_y"][:]
        classes = [c.decode() for c in f["list_classes"][:]]
    return train_x, train_y, test_x, test_y, classes
'''},
    "pixels not divided by 255": {"cell": "lab06_q5_answer", "says": "divide the pixels by 255", "source": '''
def load_cat_data(train_path, test_path):
    with h5py.File(train_path, "r") as f:
        train_x, train_y = f["train_set_x"][:].astype("float32"), f["train_set_y"][:]
    with h5py.File(test_path, "r") as f:
        test_x, test_y = f["test_set_x"][:].astype("float32"), f["test_set_y"][:]
        classes = [c.decode() for c in f["list_classes"][:]]
    return train_x, train_y, test_x, test_y, classes
'''},
    "labels as (1, N) rows, as in the original course": {"cell": "lab06_q5_answer", "says": "a 1-D array of labels", "source": '''
def load_cat_data(train_path, test_path):
    with h5py.File(train_path, "r") as f:
        train_x, train_y = f["train_set_x"][:] / np.float32(255), f["train_set_y"][:]
    with h5py.File(test_path, "r") as f:
        test_x, test_y = f["test_set_x"][:] / np.float32(255), f["test_set_y"][:]
        classes = [c.decode() for c in f["list_classes"][:]]
    return train_x, train_y.reshape((1, -1)), test_x, test_y.reshape((1, -1)), classes
'''},
    "class names left as bytes": {"cell": "lab06_q5_answer", "says": "decoded to str", "source": '''
def load_cat_data(train_path, test_path):
    with h5py.File(train_path, "r") as f:
        train_x, train_y = f["train_set_x"][:] / np.float32(255), f["train_set_y"][:]
    with h5py.File(test_path, "r") as f:
        test_x, test_y = f["test_set_x"][:] / np.float32(255), f["test_set_y"][:]
        classes = list(f["list_classes"][:])
    return train_x, train_y, test_x, test_y, classes
'''},
    "small model with two hidden layers": {"cell": "lab06_q6_answer", "says": "give it exactly one", "source": '''
def build_small_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(32, activation="relu"),
                             layers.Dense(32, activation="relu"), layers.Dense(1)])
'''},
    "small model ends with a sigmoid (the original lab's answer)": {"cell": "lab06_q6_answer", "says": "end it with Dense(1) and no activation", "source": '''
def build_small_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(128, activation="relu"),
                             layers.Dense(1, activation="sigmoid")])
'''},
    "small model too wide": {"cell": "lab06_q6_answer", "says": "give it at most 256", "source": '''
def build_small_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(300, activation="relu"), layers.Dense(1)])
'''},
    "medium model with one hidden layer": {"cell": "lab06_q7_answer", "says": "give it two or three", "source": '''
def build_medium_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(256, activation="relu"), layers.Dense(1)])
'''},
    "medium model without hidden activations": {"cell": "lab06_q7_answer", "says": "has no activation", "source": '''
def build_medium_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten(), layers.Dense(64), layers.Dense(64), layers.Dense(1)])
'''},
    "large model with three hidden layers": {"cell": "lab06_q8_answer", "says": "give it at least four", "source": '''
def build_large_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()]
                            + [layers.Dense(256, activation="relu") for _ in range(3)] + [layers.Dense(1)])
'''},
    "large model too narrow": {"cell": "lab06_q8_answer", "says": "give each one at least 128", "source": '''
def build_large_cat_model():
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()]
                            + [layers.Dense(64, activation="relu") for _ in range(4)] + [layers.Dense(1)])
'''},
    "regularized model without any regularization": {"cell": "lab06_q9_answer", "says": "no weight penalty and no dropout", "source": '''
def build_regularized_cat_model():
    helpers.reset_session()
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()]
                            + [layers.Dense(256, activation="relu") for _ in range(4)] + [layers.Dense(1)])
'''},
    "a penalty of zero": {"cell": "lab06_q9_answer", "says": "regularize more strongly", "source": '''
def build_regularized_cat_model():
    helpers.reset_session()
    return keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Flatten()]
                            + [layers.Dense(256, activation="relu", kernel_regularizer=regularizers.l2(0.0)) for _ in range(4)]
                            + [layers.Dense(1)])
'''},
    "logits cut at 0.5": {"cell": "lab06_q10_answer", "says": "a cat is a logit above 0", "source": '''
def cat_report(model, x, y, class_names):
    predictions = (model.predict(x, verbose=0).ravel() > 0.5).astype(int)
    return classification_report(y, predictions, target_names=class_names, zero_division=0)
'''},
    "classes not named": {"cell": "lab06_q10_answer", "says": "pass target_names", "source": '''
def cat_report(model, x, y, class_names):
    predictions = (model.predict(x, verbose=0).ravel() > 0).astype(int)
    return classification_report(y, predictions, zero_division=0)
'''},
    "the report as a dict": {"cell": "lab06_q10_answer", "says": "not output_dict=True", "source": '''
def cat_report(model, x, y, class_names):
    predictions = (model.predict(x, verbose=0).ravel() > 0).astype(int)
    return classification_report(y, predictions, target_names=class_names, zero_division=0, output_dict=True)
'''},
}
