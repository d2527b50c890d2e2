"""The real TensorBoard server shows what notebook 04 logged: its runs, their tags per tab, the HParams sweep.

The server is started as a reader would start it (`tensorboard --logdir ... --host 127.0.0.1`), on a
free port, over the notebook's run folders from this session's execution; the test asks its HTTP API
(the one TensorBoard's own web page uses) what it found, and stops it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers import tensorboard
from helpers.tuning import free_port, start_process

NOTEBOOK = "notebooks/04_tensorboard.ipynb"
TABS = ("scalars", "histograms", "images", "text", "audio")  # dashboards with a /tags route


class Server:
    def __init__(self, logdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # its output goes to files (start_process): a pipe nobody reads could fill and stall the server
        self.process = start_process([sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir),
                                      "--host", "127.0.0.1", "--port", str(self.port)])

    def get(self, route: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + route, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def wait_for_runs(self, expected: set[str], seconds: float = 120) -> list[str]:
        """The runs the server lists, once it lists all of `expected` (it loads event files in the background)."""
        deadline, runs = time.monotonic() + seconds, []
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process.err_file.seek(0)
                pytest.fail(f"tensorboard exited with status {self.process.returncode}: "
                            f"{self.process.err_file.read().decode(errors='replace')[-2000:]}")
            try:
                runs = self.get("/data/runs")
                if expected <= set(runs):
                    return runs
            except (urllib.error.URLError, ConnectionError):
                pass  # not listening yet
            time.sleep(0.5)
        pytest.fail(f"after {seconds} s TensorBoard listed {runs}, not all of {sorted(expected)}")

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture(scope="module")
def served(executions):
    execution = executions[NOTEBOOK]
    if isinstance(execution, str):
        pytest.fail(f"{NOTEBOOK} did not run: {execution}", pytrace=False)
    root, sweep = Path(execution.probes["runs folder"]), Path(execution.probes["hparams folder"])
    runs = {run.relative_to(root).as_posix(): run for run in tensorboard.run_folders(root)}
    assert runs, f"the notebook logged nothing under {root}"
    server = Server(root)
    try:
        listed = server.wait_for_runs({name for name, run in runs.items() if tensorboard.read_tags(run).get("scalars")})
        tags = {tab: server.get(f"/data/plugin/{tab}/tags") for tab in TABS}
        experiment = server.get("/data/plugin/hparams/experiment", {"experimentName": ""})
        groups = server.get("/data/plugin/hparams/session_groups", {
            "experimentName": "", "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
            "colParams": [], "startIndex": 0, "sliceSize": 100})
        plugins = server.get("/data/plugins_listing")
    finally:
        status = server.stop()
    return runs, sweep, listed, tags, experiment, groups, plugins, server, status


def test_the_server_lists_every_run_and_its_tags_per_tab(served):
    runs, _, listed, tags, *_ = served
    for name, run in runs.items():
        logged = tensorboard.read_tags(run)
        for tab in TABS:
            if logged.get(tab):
                assert name in listed, f"TensorBoard does not list the run {name}"
                assert sorted(tags[tab].get(name, {})) == logged[tab], f"{tab} tags of {name}"
    lr_runs = [name for name in listed if "_lr" in name and name.endswith("/train") and "epoch_loss" in tags["scalars"][name]]
    assert len(lr_runs) >= 2, f"the two learning-rate runs' epoch_loss should be on the Scalars tab: {listed}"
    assert all(any(tags[tab].values()) for tab in TABS), "each tab the notebook fills shows something"


def test_the_hparams_tab_shows_the_sweep(served):
    _, sweep, _, _, experiment, groups, plugins, *_ = served
    assert plugins["hparams"]["enabled"]
    declared, metrics = tensorboard.read_hparams_config(sweep)
    assert sorted(h["name"] for h in experiment["hparamInfos"]) == sorted(declared)
    assert {m["name"]["tag"] for m in experiment["metricInfos"]} >= set(metrics)
    logged = {run.name: tensorboard.read_hparams(run) for run in sweep.iterdir() if run.is_dir()}
    sessions = {name: values for name, values in logged.items() if values}
    shown = {g["name"].split("/")[-1]: g["hparams"] for g in groups["sessionGroups"]}
    assert set(sessions) <= set(shown), f"HParams shows {sorted(shown)}, the sweep logged {sorted(sessions)}"
    for name, values in sessions.items():
        assert {k: v if isinstance(v, (str, bool)) else pytest.approx(v) for k, v in values.items()} == shown[name], name
        assert next(g for g in groups["sessionGroups"] if g["name"].endswith(name))["metricValues"], f"{name} has no metric"


def test_the_server_stops(served):
    *_, server, status = served
    assert server.process.poll() is not None
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.url + "/data/runs", timeout=5)
