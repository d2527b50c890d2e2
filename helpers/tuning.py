"""Support for hyperparameter tuning: background tuner processes, keras-tuner's trial files.

Introduced in notebooks/05_hyperparameter_tuning.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["free_port", "start_process", "wait_for", "read_trials"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that nothing listens on now (the system picks it)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_process(command: list[str], env: dict[str, str] | None = None, cwd: str | Path | None = None) -> subprocess.Popen:
    """Start `command` in the background with `env` added to this process's environment.

    Its stdout and stderr go to temporary files (read them with `wait_for`), so that nothing it
    prints reaches the notebook's own output, where stray stderr would look like an error.
    """
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=out, stderr=err)
    process.out_file, process.err_file = out, err  # Popen keeps .stdout/.stderr for pipes only
    return process


def _read(stream) -> str:
    stream.seek(0)
    return stream.read().decode(errors="replace")


def wait_for(processes: dict[str, subprocess.Popen], timeout: float) -> dict[str, str]:
    """Wait until every process has ended; return {name: what it printed on stdout}.

    If one is still running after `timeout` seconds (counted for all together), or ends with a
    non-zero exit status, every process is stopped, the failing one's stderr is printed and a
    RuntimeError says which one failed and how.
    """
    deadline = time.monotonic() + timeout
    failure = None
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            failure = (name, f"was still running after {timeout:g} s")
            break
        if process.returncode != 0:
            failure = (name, f"ended with exit status {process.returncode}")
            break
    if failure is not None:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        name, what = failure
        stderr = _read(processes[name].err_file)
        print(f"--- stderr of {name} ---\n{stderr[-3000:]}")
        last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
        raise RuntimeError(f"the {name} process {what}" + (f"; its last words: {last.strip()}" if last else "")
                           + " (its stderr is printed above).")
    return {name: _read(process.out_file) for name, process in processes.items()}


def read_trials(project_dir: str | Path) -> list[dict]:
    """The trials keras-tuner's oracle saved in `project_dir` (its trial_*/trial.json files), by trial id."""
    trials = [json.loads(path.read_text()) for path in Path(project_dir).glob("trial_*/trial.json")]
    return sorted(trials, key=lambda trial: int(trial["trial_id"]) if trial["trial_id"].isdigit() else trial["trial_id"])
