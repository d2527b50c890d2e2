"""Lab 4 answers for the grading tests, keyed by answer cell (grade id).

ALTERNATIVE_ANSWERS: submissions (one dict each) of correct answers written differently from
the solution; each gets full marks and its check cells show nothing.
WRONG_ANSWERS: mistakes students make, each in one answer cell: the points its task's test
cell must give (0 unless the lab's grading table grants partial credit) and words the student
must see in that cell's output.
"""

ALTERNATIVE_ANSWERS = [
    {
        "lab04_q1_answer": '''
def log_summaries(logdir, losses, weights, images):
    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default():
        for i in range(len(losses)):
            tf.summary.experimental.set_step(i)  # a default step instead of step=
            tf.summary.scalar("loss", float(losses[i]))
        tf.summary.experimental.set_step(0)
        tf.summary.histogram("weights", np.asarray(weights), buckets=30)
        tf.summary.image("samples", tf.convert_to_tensor(images), max_outputs=100)
        writer.flush()
    print("logged", len(losses), "losses")
''',
        "lab04_q2_answer": '''
def make_tensorboard_callback(logdir):
    callback = keras.callbacks.TensorBoard(log_dir=str(logdir), histogram_freq=1, write_graph=False)
    print("logging to", logdir)
    return callback
''',
        "lab04_q3_answer": '''
def train_one(rate, root, epochs):
    folder = tb.run_dir("lr" + str(rate), root=Path(root))
    model = new_model(learning_rate=rate)
    board = keras.callbacks.TensorBoard(log_dir=folder, histogram_freq=1)
    model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=epochs, verbose=0, callbacks=[board])
    return folder

def train_with_rates(rates, root, epochs):
    return [train_one(rate, root, epochs) for rate in rates]
''',
        "lab04_q4_answer": '''
def log_sweep(root, trials):
    names = trials[0][0].keys()
    params = {name: hp.HParam(name, hp.Discrete(list({t[0][name] for t in trials}))) for name in names}
    with tf.summary.create_file_writer(str(root)).as_default():
        hp.hparams_config(hparams=list(params.values()), metrics=[hp.Metric("val_accuracy", display_name="validation accuracy")])
    folders = []
    for i, (values, accuracy) in enumerate(trials):
        folder = tb.run_dir(f"trial{i}", root=root)
        with tf.summary.create_file_writer(str(folder)).as_default():
            hp.hparams({params[name]: value for name, value in values.items()}, trial_id=folder.name)
            tf.summary.scalar("val_accuracy", accuracy, step=0)
        folders.append(folder)
    return folders
''',
    },
    {
        "lab04_q1_answer": '''
import os

def log_summaries(logdir, losses, weights, images):
    writer = tf.summary.create_file_writer(os.path.join(logdir, ""))
    with writer.as_default(step=0):
        tf.summary.histogram(name="weights", data=weights)
        tf.summary.image(name="samples", data=images, max_outputs=images.shape[0])
        for step, value in zip(range(len(losses)), losses):
            tf.summary.scalar(name="loss", data=value, step=step)
    writer.close()
''',
        "lab04_q2_answer": '''
make_tensorboard_callback = lambda logdir: keras.callbacks.TensorBoard(logdir, histogram_freq=1, update_freq="epoch", profile_batch=0, write_images=False)
''',
        "lab04_q3_answer": '''
def train_with_rates(rates, root, epochs):
    folders = ()
    for i in range(len(rates)):
        folder = tb.run_dir(name=f"lr{rates[i]}", root=root)
        model = new_model(rates[i])
        model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=epochs, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(str(folder), histogram_freq=1, write_graph=False)])
        folders += (folder,)
    return folders
''',
        "lab04_q4_answer": '''
def log_sweep(root, trials):
    domains = {}
    for values, _ in trials:
        for name, value in values.items():
            domains.setdefault(name, [])
            if value not in domains[name]:
                domains[name].append(value)
    root_writer = tf.summary.create_file_writer(root)
    with root_writer.as_default():
        hp.hparams_config(hparams=[hp.HParam(n, hp.Discrete(v)) for n, v in domains.items()], metrics=[hp.Metric("val_accuracy")])
    root_writer.close()
    folders = []
    for values, accuracy in trials:
        folder = Path(root, "-".join(f"{k}={v}" for k, v in values.items()))
        writer = tf.summary.create_file_writer(str(folder))
        with writer.as_default():
            hp.hparams(values)
            tf.summary.scalar("val_accuracy", data=accuracy, step=1)
        writer.close()
        folders.append(str(folder))
    return folders
''',
    },
]

WRONG_ANSWERS = {
    "forgets step=": {"cell": "lab04_q1_answer", "says": "pass `step=` to every tf.summary call", "source": '''
def log_summaries(logdir, losses, weights, images):
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for loss in losses:
            tf.summary.scalar("loss", loss)
        tf.summary.histogram("weights", weights)
        tf.summary.image("samples", images, max_outputs=len(images))
    writer.close()
'''},
    "logs every loss at step 0": {"cell": "lab04_q1_answer", "says": "log losses[i] at step=i", "source": '''
def log_summaries(logdir, losses, weights, images):
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for loss in losses:
            tf.summary.scalar("loss", loss, step=0)
        tf.summary.histogram("weights", weights, step=0)
        tf.summary.image("samples", images, step=0, max_outputs=len(images))
    writer.close()
'''},
    "logs into a sub-folder": {"cell": "lab04_q1_answer", "says": "write directly into `logdir`", "source": '''
def log_summaries(logdir, losses, weights, images):
    writer = tf.summary.create_file_writer(logdir + "/train")
    with writer.as_default():
        for step, loss in enumerate(losses):
            tf.summary.scalar("loss", loss, step=step)
        tf.summary.histogram("weights", weights, step=0)
        tf.summary.image("samples", images, step=0, max_outputs=len(images))
    writer.close()
'''},
    "logs only 3 images (the default max_outputs)": {"cell": "lab04_q1_answer", "says": "log every image", "source": '''
def log_summaries(logdir, losses, weights, images):
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        for step, loss in enumerate(losses):
            tf.summary.scalar("loss", loss, step=step)
        tf.summary.histogram("weights", weights, step=0)
        tf.summary.image("samples", images, step=0)
    writer.close()
'''},
    "histogram_freq=0": {"cell": "lab04_q2_answer", "says": "wrote no weight histograms", "source": '''
def make_tensorboard_callback(logdir):
    return keras.callbacks.TensorBoard(logdir)
'''},
    "histograms every other epoch": {"cell": "lab04_q2_answer", "says": "not every epoch", "source": '''
def make_tensorboard_callback(logdir):
    return keras.callbacks.TensorBoard(logdir, histogram_freq=2)
'''},
    "scalars after every batch": {"cell": "lab04_q2_answer", "says": "wrote per-batch scalars", "source": '''
def make_tensorboard_callback(logdir):
    return keras.callbacks.TensorBoard(logdir, histogram_freq=1, update_freq="batch")
'''},
    "logs into a folder of its own": {"cell": "lab04_q2_answer", "says": "pass `logdir` as the callback's log_dir", "source": '''
def make_tensorboard_callback(logdir):
    return keras.callbacks.TensorBoard(log_dir=tempfile.mkdtemp(), histogram_freq=1)
'''},
    "one run folder for every rate": {"cell": "lab04_q3_answer", "says": "the rates share one run folder", "source": '''
def train_with_rates(rates, root, epochs):
    folder = tb.run_dir("learning_rates", root=root)
    for rate in rates:
        model = new_model(rate)
        model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=epochs, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(folder, histogram_freq=1)])
    return [folder for rate in rates]
'''},
    "run folders not named by their rate": {"cell": "lab04_q3_answer", "says": "should end with lr0.01", "source": '''
def train_with_rates(rates, root, epochs):
    folders = []
    for rate in rates:
        folder = tb.run_dir("run", root=root)
        model = new_model(rate)
        model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=epochs, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(folder, histogram_freq=1)])
        folders.append(folder)
    return folders
'''},
    "one model for every rate": {"cell": "lab04_q3_answer", "says": "build a new model with new_model(rate)", "source": '''
def train_with_rates(rates, root, epochs):
    model = new_model(rates[0])
    folders = []
    for rate in rates:
        folder = tb.run_dir(f"lr{rate}", root=root)
        model.fit(X_train, y_train, validation_data=(X_valid, y_valid), epochs=epochs, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(folder, histogram_freq=1)])
        folders.append(folder)
    return folders
'''},
    "no validation data": {"cell": "lab04_q3_answer", "says": "has no validation/ folder", "source": '''
def train_with_rates(rates, root, epochs):
    folders = []
    for rate in rates:
        folder = tb.run_dir(f"lr{rate}", root=root)
        new_model(rate).fit(X_train, y_train, epochs=epochs, verbose=0, callbacks=[keras.callbacks.TensorBoard(folder, histogram_freq=1)])
        folders.append(folder)
    return folders
'''},
    "every trial in the root folder": {"cell": "lab04_q4_answer", "says": "the trials share a folder", "source": '''
def log_sweep(root, trials):
    names = list(trials[0][0])
    with tf.summary.create_file_writer(root).as_default():
        hp.hparams_config(hparams=[hp.HParam(n, hp.Discrete(sorted({v[n] for v, _ in trials}))) for n in names],
                          metrics=[hp.Metric("val_accuracy")])
        for values, accuracy in trials:
            hp.hparams(values)
            tf.summary.scalar("val_accuracy", accuracy, step=1)
    return [root for _ in trials]
'''},
    "sweep not declared (partial credit)": {"cell": "lab04_q4_answer", "score": 6.0, "says": "the sweep is not declared", "source": '''
def log_sweep(root, trials):
    folders = []
    for index, (values, accuracy) in enumerate(trials):
        folder = Path(root) / f"trial-{index}"
        with tf.summary.create_file_writer(str(folder)).as_default():
            hp.hparams(values)
            tf.summary.scalar("val_accuracy", accuracy, step=1)
        folders.append(folder)
    return folders
'''},
    "declares the wrong metric": {"cell": "lab04_q4_answer", "says": 'declare hp.Metric("val_accuracy")', "source": '''
def log_sweep(root, trials):
    names = list(trials[0][0])
    with tf.summary.create_file_writer(root).as_default():
        hp.hparams_config(hparams=[hp.HParam(n, hp.Discrete(sorted({v[n] for v, _ in trials}))) for n in names],
                          metrics=[hp.Metric("accuracy")])
    folders = []
    for index, (values, accuracy) in enumerate(trials):
        folder = Path(root) / f"trial-{index}"
        with tf.summary.create_file_writer(str(folder)).as_default():
            hp.hparams(values)
            tf.summary.scalar("val_accuracy", accuracy, step=1)
        folders.append(folder)
    return folders
'''},
    "hyperparameters not logged": {"cell": "lab04_q4_answer", "says": "no hyperparameters were logged", "source": '''
def log_sweep(root, trials):
    names = list(trials[0][0])
    with tf.summary.create_file_writer(root).as_default():
        hp.hparams_config(hparams=[hp.HParam(n, hp.Discrete(sorted({v[n] for v, _ in trials}))) for n in names],
                          metrics=[hp.Metric("val_accuracy")])
    folders = []
    for index, (values, accuracy) in enumerate(trials):
        folder = Path(root) / f"trial-{index}"
        with tf.summary.create_file_writer(str(folder)).as_default():
            tf.summary.scalar("val_accuracy", accuracy, step=1)
        folders.append(folder)
    return folders
'''},
}
