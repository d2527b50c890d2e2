"""helpers.tuning: background processes, keras-tuner's trial files."""
from __future__ import annotations

import json
import socket
import sys

import pytest

from helpers import tuning


def test_free_port_can_be_bound():
    port = tuning.free_port()
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


def test_wait_for_returns_stdout_and_keeps_stderr_away(capfd):
    processes = {"a": tuning.start_process([sys.executable, "-c", "import os, sys; print(os.environ['GREETING']); print('noise', file=sys.stderr)"],
                                           env={"GREETING": "hello"}),
                 "b": tuning.start_process([sys.executable, "-c", "print('b done')"])}
    assert tuning.wait_for(processes, timeout=60) == {"a": "hello\n", "b": "b done\n"}
    captured = capfd.readouterr()
    assert "noise" not in captured.err + captured.out


def test_wait_for_a_failing_process_shows_its_stderr_and_raises(capsys):
    processes = {"bad": tuning.start_process([sys.executable, "-c", "import sys; sys.exit('it broke')"])}
    with pytest.raises(RuntimeError, match="the bad process ended with exit status 1; its last words: it broke"):
        tuning.wait_for(processes, timeout=60)
    assert "it broke" in capsys.readouterr().out


def test_wait_for_stops_processes_past_the_timeout():
    slow = tuning.start_process([sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(RuntimeError, match="still running after 0.5 s"):
        tuning.wait_for({"slow": slow}, timeout=0.5)
    assert slow.poll() is not None


def test_read_trials_orders_by_trial_number(tmp_path):
    for trial_id in ("10", "2", "1"):
        (tmp_path / f"trial_{trial_id}").mkdir()
        (tmp_path / f"trial_{trial_id}" / "trial.json").write_text(json.dumps({"trial_id": trial_id, "score": 0.5}))
    assert [t["trial_id"] for t in tuning.read_trials(tmp_path)] == ["1", "2", "10"]
