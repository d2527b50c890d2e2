"""helpers.distributed_tuning: a chief and a worker on loopback run one search together."""
from __future__ import annotations

import json
import sys

import pytest

from helpers import tuning
from workload import offline_without_mirror

TRIALS = 3


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    """Run the module as a chief and one worker (tuner id "tuner0") on 127.0.0.1; return (folder, their stdout)."""
    if offline_without_mirror():
        pytest.skip("offline without a mirror there is no Fashion-MNIST: set COURSE_DATA_DIR or allow downloads")
    folder = tmp_path_factory.mktemp("distributed")
    address = {"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": str(tuning.free_port()), "COURSE_FAST": "1"}
    command = [sys.executable, "-m", "helpers.distributed_tuning", str(folder), "--trials", str(TRIALS), "--epochs", "1", "--samples", "300"]
    processes = {tuner_id: tuning.start_process(command, env={**address, "KERASTUNER_TUNER_ID": tuner_id}, cwd=folder)
                 for tuner_id in ("chief", "tuner0")}
    try:
        printed, failure = tuning.wait_for(processes, timeout=240), None  # raises unless both exit 0
    except RuntimeError as err:
        failure = str(err)
    if failure:  # what the failing process said last (e.g. which dataset is missing), not a traceback
        pytest.fail(failure, pytrace=False)
    return folder, printed


def test_both_processes_exit_cleanly(search):
    _, printed = search
    assert f"the oracle finished {TRIALS} trials" in printed["chief"]
    assert "tuner0: trained trials" in printed["tuner0"]


def test_the_worker_ran_every_trial_of_the_chiefs_oracle(search):
    folder, _ = search
    trials = tuning.read_trials(folder / "chief" / "distributed")
    assert [t["trial_id"] for t in trials] == [str(i) for i in range(TRIALS)]
    assert all(t["status"] == "COMPLETED" and 0 <= t["score"] <= 1 for t in trials)
    assert all({"units", "learning_rate"} <= set(t["hyperparameters"]["values"]) for t in trials)
    ran = json.loads((folder / "tuner0.json").read_text())
    assert ran == {"tuner_id": "tuner0", "trials": [t["trial_id"] for t in trials]}
    # the chief only serves trials: the weights of every trial are in the worker's folder
    assert not list((folder / "chief").rglob("*.weights.h5"))
    assert len(list((folder / "tuner0").rglob("*.weights.h5"))) == TRIALS
    assert len({json.dumps(t["hyperparameters"]["values"], sort_keys=True) for t in trials}) == TRIALS
