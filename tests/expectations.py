"""What each notebook must show when it runs in fast mode on real data (the mirror or downloads).

For every notebook the tests execute, an entry here lists `probes`: Python expressions
evaluated in the notebook's namespace after its last cell. A probe whose name starts with
"check:" must be True; the others are numbers the benchmark reports. `min_images` is the
least number of figures the notebook must display. `repeat` asks for a second, shorter run
(its cells up to the one tagged `until`, without cells tagged `background`, in a folder of its
own) whose listed probes must equal the first run's: seeded results must be reproducible.
Adding a notebook or a lab means adding its entry here; the tests refuse a notebook without one.
A lab solution's probes are evaluated in its graded run (tests/test_labs.py).
"""

EXPECTATIONS = {
    "notebooks/01_mlp_basics.ipynb": {
        "min_images": 8,
        "probes": {
            "check: a perceptron cannot learn XOR": "xor_perceptron.score(X_xor, y_xor) < 1.0",
            "check: one hidden layer learns XOR": "bool(np.all((xor_predictions > 0.5) == y_xor))",
            "check: the classifier has 266,610 parameters": "model.count_params() == 266_610",
            "check: Fashion-MNIST test accuracy ≥ 0.75 after the fast run": "test_accuracy >= 0.75",
            "check: the history has one entry per epoch": "len(history.history['val_accuracy']) == EPOCHS_CLASSIFIER",
            "check: Normalization learned the training means": "np.allclose(np.ravel(norm_layer.mean), X_train_h.mean(axis=0), rtol=1e-3)",
            "check: housing test RMSE ≤ 0.75 after the fast run": "rmse_test <= 0.75",
            "check: scikit-learn's MLP is in the same range": "0.3 < rmse_sklearn < 1.0",
            "check: Perceptron equals SGDClassifier(loss='perceptron')": "np.allclose(sgd_perceptron.coef_, perceptron.coef_)",
            "check: log-transformed features give a lower validation RMSE": "history_log.history['val_rmse'][-1] < history_h.history['val_rmse'][-1]",
            "check: with log-transformed features the validation RMSE falls every epoch": "bool(np.all(np.diff(history_log.history['val_rmse']) < 0))",
            "check: exercise 4 trains with one-hot labels for every set": "Y_valid.shape == (len(y_valid), 10) and one_hot_accuracy > 0.5",
            "housing validation RMSE, log features": "history_log.history['val_rmse'][-1]",
            "Fashion-MNIST test accuracy": "test_accuracy",
            "housing test RMSE": "rmse_test",
            "scikit-learn MLP test RMSE": "rmse_sklearn",
        },
    },
    "solutions/lab01_mlp/lab01_mlp.ipynb": {
        "min_images": 1,
        "probes": {
            "check: the solution's classifier beats 0.75 test accuracy": "test_accuracy >= 0.75",
            "Fashion-MNIST test accuracy (lab)": "test_accuracy",
        },
    },
    "solutions/lab02_apis_saving/lab02_apis_saving.ipynb": {
        "min_images": 0,
        "probes": {
            "check: the solution's wide & deep model learns (validation RMSE ≤ 1.0)": "wide_deep_rmse <= 1.0",
            "check: the two-headed model reports a loss per output": "{'val_main_loss', 'val_aux_loss'} <= set(history.history)",
            "check: the reloaded subclassed model predicts the same": "bool(reload_agrees) and type(reloaded) is WideAndDeepModel",
            "check: the exported SavedModel predicts the same": "bool(export_agrees)",
            "wide & deep validation RMSE (lab)": "wide_deep_rmse",
        },
    },
    "solutions/lab03_callbacks/lab03_callbacks.ipynb": {
        "min_images": 1,
        "probes": {
            "check: the solution's own early stopping stopped early": "len(history_demo.history['loss']) < EPOCHS_MAX",
            "check: the solution's checkpoint holds the best model": "bool(checkpoint_agrees)",
            "check: the solution's ratios match its history": "bool(np.allclose(ratio_logger.ratios, np.array(history_demo.history['val_loss']) / np.array(history_demo.history['loss'])))",
            "epochs run by the solution's early stopping": "len(history_demo.history['loss'])",
        },
    },
    "notebooks/02_functional_subclassing_saving.ipynb": {
        "min_images": 0,
        "probes": {
            "check: wide & deep predicts one value per district": "wide_deep_model.output_shape == (None, 1)",
            "check: wide & deep learns (test RMSE ≤ 0.8)": "rmse_wide_deep <= 0.8",
            "check: tuple and dict inputs give the same predictions": "bool(np.allclose(as_tuple, as_dict))",
            "check: the total loss is 0.9 main + 0.1 aux": "bool(np.isclose(aux_results['loss'], 0.9 * aux_results['main_loss'] + 0.1 * aux_results['aux_loss'], rtol=1e-2))",
            "check: the multi-task classifier beats chance": "multi_task_results['expensive_accuracy'] > 0.75",
            "check: the trunk model outputs the shared features": "trunk_features.shape == (3, 50)",
            "check: every reload predicts what the original did": "len(reload_matches) == 7 and all(reload_matches.values())",
            "check: .keras keeps the optimizer state": "bool(optimizer_kept) and int(reloaded.optimizer.iterations) > 0",
            "check: the subclassed model comes back as its class": "type(reloaded_subclassed) is WideAndDeepModel",
            "check: an unregistered class cannot be reloaded": "unregistered_error is not None",
            "wide & deep test RMSE": "rmse_wide_deep",
            "multi-task above-median accuracy": "multi_task_results['expensive_accuracy']",
        },
    },
    "notebooks/03_callbacks.ipynb": {
        "min_images": 3,
        "probes": {
            "check: ModelCheckpoint wrote one {epoch} file per improving epoch": "len(checkpoint_files) == sum(v < min(history_ckpt.history['val_loss'][:i], default=np.inf) for i, v in enumerate(history_ckpt.history['val_loss'])) and checkpoint_files[0] == 'model_01.keras'",
            "check: the last checkpoint is the best epoch's model": "bool(np.isclose(checkpoint_val_loss, min(history_ckpt.history['val_loss']), rtol=1e-3))",
            "check: early stopping stopped before the epoch limit": "epochs_run < EPOCHS_MAX and epochs_run == best_epoch + PATIENCE",
            "check: early stopping restored the best epoch's weights": "bool(np.isclose(restored_val_loss, min(history_es.history['val_loss']), rtol=1e-3)) and restored_val_loss < history_es.history['val_loss'][-1]",
            "check: the model in memory equals the best checkpoint": "bool(same_as_disk)",
            "check: ReduceLROnPlateau lowered the learning rate": "bool(np.isclose(plateau_rates[0], 1e-2) and plateau_rates.min() < 1e-2)",
            "check: LearningRateScheduler followed the schedule": "bool(np.allclose(scheduled_rates, expected_rates, rtol=1e-5))",
            "check: the CSV log has one row per epoch": "len(log_rows) - 1 == EPOCHS and 'val_rmse' in log_rows[0]",
            "check: TerminateOnNaN stopped a diverging run": "nan_epochs < 20 and not np.isfinite(history_nan.history['loss'][-1])",
            "check: BackupAndRestore resumed after the third epoch": "len(history_resumed.history['loss']) == 3 and not backup_dir.exists()",
            "check: the target callback stopped training at the target": "stop_at_target.stopped_epoch == len(history_target.history['loss']) < 50 and history_target.history['val_rmse'][-1] <= 0.7 and min(history_target.history['val_rmse'][:-1], default=1) > 0.7",
            "check: the hooks fire in order": "fit_calls[0] == 'on_train_begin' and fit_calls[-1] == 'on_train_end' and fit_calls.count('on_train_batch_end') == 2 and fit_calls.index('on_test_begin') < fit_calls.index('on_epoch_end') and evaluate_calls[0] == 'on_test_begin' and predict_calls[-1] == 'on_predict_end'",
            "check: the ratio callback logged every epoch": "len(ratio.ratios) == 6",
            "epochs run with early stopping": "epochs_run",
            "restored validation loss": "restored_val_loss",
        },
    },
    "notebooks/04_tensorboard.ipynb": {
        "min_images": 3,
        "probes": {
            "runs folder": "str(LOG_ROOT.resolve())",
            "hparams folder": "str(sweep_root.resolve())",
            "check: each run has its own timestamped folder": "len({p.name for p in [callback_run, trap_run, profile_run, custom_run, sweep_root, *rate_runs.values()]}) == 7 and all(p.parent == LOG_ROOT and p.name[:4].isdigit() for p in [callback_run, custom_run, *rate_runs.values()])",
            "check: the callback logged epoch scalars, weight histograms and the model": "callback_tags['train']['scalars'] == ['epoch_accuracy', 'epoch_learning_rate', 'epoch_loss'] and 'epoch_loss' in callback_tags['validation']['scalars'] and len(callback_tags['train']['histograms']) == 4 and callback_tags['train']['graph_keras_model'] == ['keras'] and [s for s, _ in tb.read_tensors(callback_run / 'train', callback_tags['train']['histograms'][0])] == list(range(EPOCHS))",
            "check: an update_freq that divides no epoch's end drops epoch_loss": "'batch_loss' in trap_scalars and 'epoch_loss' not in trap_scalars",
            "check: profiling wrote a trace": "len(profile_files) == 1",
            "check: both learning-rate runs logged epoch_loss for every epoch": "all(len(losses[part]) == EPOCHS for losses in rate_losses.values() for part in ('train', 'validation'))",
            "check: the higher learning rate reached a lower loss": "rate_losses[0.1]['train'][-1] < rate_losses[0.01]['train'][-1] - 0.05 and rate_losses[0.1]['validation'][-1] < rate_losses[0.01]['validation'][-1]",
            "check: the file writer's summaries read back with their tags": "tb.read_tags(custom_run) == {'audio': ['my_audio'], 'histograms': ['my_hist'], 'images': ['my_images'], 'scalars': ['my_scalar'], 'text': ['my_text']}",
            "check: one scalar and one 50-bucket histogram per step": "[s for s, _ in tb.read_scalars(custom_run)['my_scalar']] == list(range(1, SUMMARY_STEPS + 1)) and len(hist_steps) == SUMMARY_STEPS and hist_steps[0][1].shape == (50, 3) and bool(hist_steps[-1][1][:, 2].sum() == 100)",
            "check: images, text and audio read back with the right shapes": "len(image_steps) == SUMMARY_STEPS // 10 and [d.shape for d in decoded] == [(28, 28, 1)] * 2 and decoded[1].max() > 200 and text_steps[-1][1].tolist() == [f'The step is {SUMMARY_STEPS}'.encode(), f'Its square is {SUMMARY_STEPS ** 2}'.encode()] and audio_steps[-1][1].shape == (1, 2) and audio_seconds == 0.25 and audio_rate == 48_000",
            "check: the sweep declared its hyperparameters and metrics": "tb.read_hparams_config(sweep_root) == ({'learning_rate': [0.02, 0.1], 'units': [32.0, 128.0]}, ['val_accuracy', 'epoch_loss'])",
            "check: the sweep wrote one run per combination with its hparams and metric": "len(sweep_table) == 4 and sorted((h['learning_rate'], h['units']) for h, _ in sweep_table) == [(0.02, 32), (0.02, 128), (0.1, 32), (0.1, 128)] and all(0 < a <= 1 for _, a in sweep_table) and all((run / 'validation').is_dir() for run in sweep_results)",
            "check: the root holds only this session's runs": "not [p for p in LOG_ROOT.iterdir() if p.name[:19] < session_stamp] and callback_run.exists()",
            "check: exercise 1 logged the halving rate": "logged_rates == [0.1, 0.05, 0.025]",
            "check: exercise 2 logged a prediction histogram per epoch": "[s for s, _ in tb.read_tensors(prediction_run / 'validation', 'true_class_probability')] == [0, 1]",
            "check: exercise 3's callback logged the hparams": "tb.read_hparams(keras_callback_run) == {'learning_rate': 0.1, 'units': 32}",
            "final training loss, lr 0.01": "rate_losses[0.01]['train'][-1]",
            "final training loss, lr 0.1": "rate_losses[0.1]['train'][-1]",
            "best sweep validation accuracy": "sweep_table[0][1]",
        },
    },
    "solutions/lab04_tensorboard/lab04_tensorboard.ipynb": {
        "min_images": 1,
        "probes": {
            "check: both demo runs logged epoch_loss for every epoch": "all(len(demo_losses[rate][part]) == DEMO_EPOCHS for rate in demo_rates for part in ('train', 'validation'))",
            "check: the demo runs have their own folders under the demo root": "len(set(demo_runs)) == 2 and all(run.parent == demo_root and run.name.endswith(f'lr{rate}') for rate, run in zip(demo_rates, demo_runs))",
            "check: the larger rate reached a lower loss": "demo_losses[0.05]['validation'][-1] < demo_losses[0.002]['validation'][-1]",
            "check: the kernel histograms cover every epoch": "all([step for step, _ in demo_histograms[rate]] == list(range(DEMO_EPOCHS)) for rate in demo_rates)",
            "final validation loss, lr 0.05 (lab)": "demo_losses[0.05]['validation'][-1]",
            "final validation loss, lr 0.002 (lab)": "demo_losses[0.002]['validation'][-1]",
        },
    },
    "notebooks/05_hyperparameter_tuning.ipynb": {
        "min_images": 1,
        "probes": {
            "check: the space declares every kind of hyperparameter": "{'n_hidden', 'units_0', 'learning_rate', 'activation', 'optimizer', 'dropout'} <= {p.name for p in hp.space} and hp._hps['learning_rate'][0].sampling == 'log'",
            "check: the random search ran every trial": "len(random_search.oracle.trials) == MAX_TRIALS and all(t.status == 'COMPLETED' for t in random_search.oracle.trials.values())",
            "check: the best hyperparameters are the best trial's": "bool(best_hp_random == best_trial.hyperparameters.values and best_trial.score == max(t.score for t in random_search.oracle.trials.values()))",
            "check: get_best_models() drops the optimizer state": "tuner_model_iterations == 0 and any('Skipping variable loading for optimizer' in str(w.message) for w in caught)",
            "check: get_best_models() has the best trial's weights": "bool(np.isclose(tuner_model_val_accuracy, best_trial.score, atol=1e-3))",
            "check: the rebuilt model was trained": "best_model_iterations == EPOCHS_FINAL * int(np.ceil(len(X_train_valid) / 32)) and best_test_accuracy > 0.6",
            "check: TensorBoard logged every trial's hyperparameters and score": "bool(hparams_match)",
            "check: the HyperModel tuned the batch size and normalization": "{'batch_size', 'normalize'} <= set(hyperband_best) and len(hyperband.oracle.trials) >= 2",
            "check: Bayesian optimization ran every trial": "len(bayesian.oracle.trials) == BAYES_TRIALS",
            "check: RandomizedSearchCV tried the candidates": "len(sklearn_search.cv_results_['params']) == CV_ITERATIONS and 0.3 < sklearn_valid_accuracy <= 1",
            "check: the learning-rate finder grew the rate each batch and stopped on divergence": "bool(np.allclose(rates[1:] / rates[:-1], finder.factor, rtol=1e-4) and np.isclose(rates[0], 1e-5) and len(rates) < steps and not losses[-1] <= 4 * losses.min())",
            "check: the worker's trials reached the chief's oracle": "len(chief_trials) == DISTRIBUTED['trials'] and all(t['status'] == 'COMPLETED' for t in chief_trials) and [t['trial_id'] for t in chief_trials] == worker_trials and not chief_weights",
            "best hyperparameters (random search)": "json.dumps(best_hp_random, sort_keys=True)",
            "random search best validation accuracy": "best_trial.score",
            "retrained best model test accuracy": "best_test_accuracy",
        },
        "repeat": {"until": "random-search-result", "probes": ["best hyperparameters (random search)"]},
    },
    "solutions/lab05_tuning/lab05_tuning.ipynb": {
        "min_images": 1,
        "probes": {
            "check: the solution's finder grew the rate each batch": "bool(np.allclose(np.array(demo_finder.rates[1:]) / np.array(demo_finder.rates[:-1]), demo_finder.factor, rtol=1e-4))",
            "check: the given search found a learning rate that learns": "search.get_best_hyperparameters()[0].values['learning_rate'] == 1e-2",
            "learning rate at the finder's lowest loss (lab)": "lowest_rate",
        },
    },
}
