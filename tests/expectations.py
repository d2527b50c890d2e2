"""What each notebook must show when it runs in fast mode on real data (the mirror or downloads).

For every notebook the tests execute, an entry here lists `probes`: Python expressions
evaluated in the notebook's namespace after its last cell. A probe whose name starts with
"check:" must be True; the others are numbers the benchmark reports. `min_images` is the
least number of figures the notebook must display. Adding a notebook or a lab means adding
its entry here; the tests refuse a notebook without one.
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
}
