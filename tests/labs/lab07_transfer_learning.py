"""Lab 7 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0 unless the lab's grading table grants partial credit) and words the student
must see in that cell's output.
"""

ALTERNATIVE_ANSWERS = [
    {
        "lab07_q1_answer": '''
def make_augmentation():
    return keras.Sequential([
        keras.Input(shape=(None, None, 3)),
        keras.layers.RandomContrast(factor=0.1),
        keras.layers.RandomZoom(height_factor=0.1, width_factor=0.1),
        keras.layers.RandomRotation(factor=(-0.05, 0.05)),
        keras.layers.RandomFlip(mode="horizontal"),
    ])
''',
        "lab07_q2_answer": '''
def residual_block(x, filters, strides=1):
    branch = keras.layers.Conv2D(filters, (3, 3), strides=(strides, strides), padding="same")(x)
    branch = keras.layers.BatchNormalization()(branch)
    branch = keras.layers.Activation("relu")(branch)
    branch = keras.layers.Conv2D(filters, (3, 3), padding="same")(branch)
    branch = keras.layers.BatchNormalization()(branch)
    if x.shape[-1] == filters and strides == 1:
        shortcut = x
    else:
        shortcut = keras.layers.Conv2D(filters, 1, strides=strides, padding="same")(x)  # no BatchNormalization
    return keras.layers.Activation("relu")(keras.layers.add([branch, shortcut]))
''',
        "lab07_q3_answer": '''
def build_feature_extractor(base, num_classes):
    base.trainable = False
    inputs = keras.Input(shape=(IMG_SIZE, IMG_SIZE, 3))
    scaled = keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)  # what preprocess_input computes
    features = base(scaled, training=False)
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(pooled)
    model = keras.Model(inputs=inputs, outputs=outputs, name="flowers")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    print(model.count_params(), "parameters")
    return model
''',
        "lab07_q4_answer": '''
def set_up_fine_tuning(model, base, n_layers, learning_rate):
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
    for layer in base.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
''',
        "lab07_q5_answer": '''
def evaluate_held_out(model, dataset):
    pairs = [(labels.numpy(), model.predict(images, verbose=0).argmax(axis=1)) for images, labels in dataset]
    y_true = np.concatenate([t for t, _ in pairs])
    y_pred = np.concatenate([p for _, p in pairs])
    accuracy = float((y_pred == y_true).mean())
    print(f"accuracy {accuracy:.3f} on {len(y_true)} images")
    return accuracy, y_true, y_pred
''',
    },
    {
        "lab07_q1_answer": '''
def make_augmentation():
    pipeline = keras.Sequential(name="flower_augmentation")
    pipeline.add(keras.layers.RandomFlip("horizontal"))
    pipeline.add(keras.layers.RandomZoom(0.1))
    pipeline.add(keras.layers.RandomRotation(0.05))
    pipeline.add(keras.layers.RandomContrast(0.1))
    return pipeline
''',
        "lab07_q2_answer": '''
from keras import layers

def residual_block(x, filters, strides=1):
    needs_projection = strides > 1 or x.shape[-1] != filters
    shortcut = x
    if needs_projection:
        shortcut = layers.Conv2D(filters, kernel_size=1, strides=strides, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    y = layers.Conv2D(filters, kernel_size=3, strides=strides, padding="same", use_bias=False)(x)
    y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, kernel_size=3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    return layers.ReLU()(layers.Add()([shortcut, y]))
''',
        "lab07_q3_answer": '''
def build_feature_extractor(base, num_classes):
    for layer in base.layers:
        layer.trainable = False
    base.trainable = False
    inputs = keras.Input(shape=base.input_shape[1:])
    x = keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''',
        "lab07_q4_answer": '''
def set_up_fine_tuning(model, base, n_layers, learning_rate):
    # base.trainable stays False: in Keras 3 a layer's own flag decides whether its weights train
    for layer in base.layers[-n_layers:]:
        if not isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = True
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    print(f"{len(model.trainable_weights)} trainable weight tensors")
    return model
''',
        "lab07_q5_answer": '''
def evaluate_held_out(model, dataset):
    y_true, y_pred = [], []
    for batch_images, batch_labels in dataset:
        y_true.extend(batch_labels.numpy().tolist())
        y_pred.extend(tf.argmax(model.predict_on_batch(batch_images), axis=1).numpy().tolist())
    y_true, y_pred = np.array(y_true), np.array(y_pred)
    return float(np.mean(y_true == y_pred)), y_true, y_pred
''',
    },
]

_BLOCK = '''
def residual_block(x, filters, strides=1):
    y = keras.layers.Conv2D(filters, 3, strides=strides, padding="same")(x)
    y = keras.layers.BatchNormalization()(y)
    y = keras.layers.ReLU()(y)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    y = keras.layers.BatchNormalization()(y)
{shortcut}
'''

_FEATURES = '''
def build_feature_extractor(base, num_classes):
    {freeze}
    inputs = keras.Input(shape=base.input_shape[1:])
    x = {preprocess}
    x = {call}
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(loss="{loss}", optimizer=keras.optimizers.Adam(1e-3), metrics=["accuracy"])
    return model
'''
_FEATURES_OK = {"freeze": "base.trainable = False", "preprocess": "keras.applications.mobilenet_v2.preprocess_input(inputs)",
                "call": "base(x, training=False)", "loss": "sparse_categorical_crossentropy"}

_FINE_TUNING = '''
def set_up_fine_tuning(model, base, n_layers, learning_rate):
{body}
    return model
'''
_RECOMPILE = '''    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate), metrics=["accuracy"])'''

WRONG_ANSWERS = {
    "flips vertically too": {"cell": "lab07_q1_answer", "says": "flip horizontally only", "source": '''
def make_augmentation():
    return keras.Sequential([keras.layers.RandomFlip(), keras.layers.RandomRotation(0.05),
                             keras.layers.RandomZoom(0.1), keras.layers.RandomContrast(0.1)])
'''},
    "forgets the contrast layer": {"cell": "lab07_q1_answer", "says": "it needs exactly one each of", "source": '''
def make_augmentation():
    return keras.Sequential([keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.05), keras.layers.RandomZoom(0.1)])
'''},
    "rotates by up to 20 % of a turn": {"cell": "lab07_q1_answer", "says": "your RandomRotation does not use the factor", "source": '''
def make_augmentation():
    return keras.Sequential([keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.2),
                             keras.layers.RandomZoom(0.1), keras.layers.RandomContrast(0.1)])
'''},
    "returns a list of layers": {"cell": "lab07_q1_answer", "says": "return a keras.Sequential", "source": '''
def make_augmentation():
    return [keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.05),
            keras.layers.RandomZoom(0.1), keras.layers.RandomContrast(0.1)]
'''},
    "no skip connection": {"cell": "lab07_q2_answer", "says": "your block has no Add layer", "source": _BLOCK.format(shortcut='''
    return keras.layers.ReLU()(y)''')},
    "ReLU before the Add": {"cell": "lab07_q2_answer", "says": "apply a ReLU after the Add()", "source": _BLOCK.format(shortcut='''
    y = keras.layers.ReLU()(y)
    shortcut = x if strides == 1 and x.shape[-1] == filters else keras.layers.Conv2D(filters, 1, strides=strides)(x)
    return keras.layers.Add()([y, shortcut])''')},
    "always projects the shortcut": {"cell": "lab07_q2_answer", "says": "the shortcut must be the block's input itself", "source": _BLOCK.format(shortcut='''
    shortcut = keras.layers.Conv2D(filters, 1, strides=strides)(x)
    return keras.layers.ReLU()(keras.layers.Add()([y, shortcut]))''')},
    "never projects the shortcut": {"cell": "lab07_q2_answer", "says": "raised ValueError", "source": _BLOCK.format(shortcut='''
    return keras.layers.ReLU()(keras.layers.Add()([y, x]))''')},
    "projects only when the channels differ": {"cell": "lab07_q2_answer", "says": "raised ValueError", "source": _BLOCK.format(shortcut='''
    shortcut = x if x.shape[-1] == filters else keras.layers.Conv2D(filters, 1, strides=strides)(x)
    return keras.layers.ReLU()(keras.layers.Add()([y, shortcut]))''')},
    "does not freeze the base": {"cell": "lab07_q3_answer", "says": "freeze it with base.trainable = False",
                                 "source": _FEATURES.format(**{**_FEATURES_OK, "freeze": "pass"})},
    "no preprocess_input": {"cell": "lab07_q3_answer", "says": "apply keras.applications.mobilenet_v2.preprocess_input",
                            "source": _FEATURES.format(**{**_FEATURES_OK, "preprocess": "inputs"})},
    "calls the base without training=False": {"cell": "lab07_q3_answer", "says": "call it as base(x, training=False)",
                                              "source": _FEATURES.format(**{**_FEATURES_OK, "call": "base(x)"})},
    "categorical cross-entropy for class indices": {"cell": "lab07_q3_answer", "says": "fitting your model on integer labels raised",
                                                    "source": _FEATURES.format(**{**_FEATURES_OK, "loss": "categorical_crossentropy"})},
    "unfreezes the whole base": {"cell": "lab07_q4_answer", "says": "layers before the last 12 of the base will train",
                                 "source": _FINE_TUNING.format(body="    base.trainable = True\n" + _RECOMPILE)},
    "sets base.trainable after the loop": {"cell": "lab07_q4_answer", "says": "layers before the last 12 of the base will train", "source": _FINE_TUNING.format(body='''
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n_layers and not isinstance(layer, keras.layers.BatchNormalization)
    base.trainable = True
''' + _RECOMPILE)},
    "unfreezes the first layers": {"cell": "lab07_q4_answer", "says": "layers before the last 12 of the base will train", "source": _FINE_TUNING.format(body='''
    base.trainable = True
    for index, layer in enumerate(base.layers):
        layer.trainable = index < n_layers and not isinstance(layer, keras.layers.BatchNormalization)
''' + _RECOMPILE)},
    "does not recompile": {"cell": "lab07_q4_answer", "says": "recompile it with keras.optimizers.Adam", "source": _FINE_TUNING.format(body='''
    base.trainable = True
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n_layers and not isinstance(layer, keras.layers.BatchNormalization)
    model.optimizer.learning_rate = learning_rate * 10
''')},
    "unfreezes BatchNormalization too (partial credit)": {"cell": "lab07_q4_answer", "score": 6.0, "says": "BatchNormalization layers of the base will train",
                                                          "source": _FINE_TUNING.format(body='''
    base.trainable = True
    for layer in base.layers[:-n_layers]:
        layer.trainable = False
''' + _RECOMPILE)},
    "labels from a second pass over the dataset": {"cell": "lab07_q5_answer", "says": "take each batch's labels together with its predictions", "source": '''
def evaluate_held_out(model, dataset):
    y_pred = model.predict(dataset, verbose=0).argmax(axis=-1)
    y_true = np.concatenate([labels.numpy() for _, labels in dataset])
    return float(np.mean(y_pred == y_true)), y_true, y_pred
'''},
    "probabilities instead of classes": {"cell": "lab07_q5_answer", "says": "expected y_pred to have shape", "source": '''
def evaluate_held_out(model, dataset):
    y_true, y_prob = [], []
    for images, labels in dataset:
        y_true.append(labels.numpy())
        y_prob.append(model.predict(images, verbose=0))
    y_true, y_prob = np.concatenate(y_true), np.concatenate(y_prob)
    return float(np.mean(y_prob.argmax(axis=1) == y_true)), y_true, y_prob
'''},
    "accuracy in percent": {"cell": "lab07_q5_answer", "says": "not a percentage", "source": '''
def evaluate_held_out(model, dataset):
    y_true, y_pred = [], []
    for images, labels in dataset:
        y_true.append(labels.numpy())
        y_pred.append(model.predict(images, verbose=0).argmax(axis=1))
    y_true, y_pred = np.concatenate(y_true), np.concatenate(y_pred)
    return 100.0 * float(np.mean(y_true == y_pred)), y_true, y_pred
'''},
}
