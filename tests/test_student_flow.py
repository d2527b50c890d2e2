"""A student's round trip in the real interface: JupyterLab in Chromium runs a lab, saves it, and it is graded.

JupyterLab is started on 127.0.0.1 with a token over a copy of a lab's student version into which the
reference answers were written. In headless Chromium the test opens it, runs JupyterLab's own
"Restart Kernel and Run All Cells" command from the Kernel menu, waits for the last cell, saves with
File → Save Notebook, and grades the file JupyterLab wrote with `course grade`: every autograded task
must get full marks. This proves that a lab runs in the interface students use and that what that
interface saves is graded right.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
import time
import urllib.request

import pytest

from chromium import wait_until
from conftest import ROOT
from course.classgrade import Options, grade_class
from course.grading import gradebook_scores, max_scores
from course.labs import find_labs
from course.submissions import make_submission, solution_answers
from helpers.tuning import free_port, start_process

LAB = find_labs(ROOT, ["lab03_callbacks"])[0]  # synthetic data, so it runs anywhere; about 20 s of training


def _menu(browser, menu: str, item: str):
    """Click `item` in JupyterLab's `menu` of the menu bar, as a student would."""
    from selenium.webdriver.common.by import By

    bar = wait_until(browser, lambda b: next((e for e in b.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-itemLabel") if e.text == menu), None),
                     message=f"the {menu} menu")
    bar.click()
    entry = wait_until(browser, lambda b: next((e for e in b.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel") if e.text.startswith(item)), None),
                       message=f"{menu} → {item}")
    entry.click()


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """(url, token, folder): JupyterLab serving a folder with the lab, answers written in."""
    folder = tmp_path_factory.mktemp("student")
    home = tmp_path_factory.mktemp("student-home")
    notebook = make_submission(LAB, solution_answers(LAB))
    (folder / f"{LAB.name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root; JupyterLab refuses root without it
    settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell stays in the page (JupyterLab 4 otherwise renders only the cells in view), so the test can read each prompt
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    news = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)  # no question about Jupyter's news over the notebook (and no request to the internet)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    command.append(f"--LabApp.user_settings_dir={home / 'lab-settings'}")
    env = {"HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    server = start_process(command, env=env, cwd=folder)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if server.poll() is not None:
                pytest.fail(f"JupyterLab stopped: {server.err_file.read_text()[-2000:]}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        yield url, token, folder
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except Exception:
            server.kill()


@pytest.fixture(scope="module")
def saved(jupyterlab, browser):
    """The notebook file JupyterLab saved after running every cell."""
    from selenium.webdriver.common.by import By

    url, token, folder = jupyterlab
    path = folder / f"{LAB.name}.ipynb"
    browser.get(f"{url}/lab/tree/{LAB.name}.ipynb?token={token}")
    wait_until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Cell"), 120, "the notebook to open")
    wait_until(browser, lambda b: "Idle" in b.execute_script("return document.body.innerText"), 120, "the kernel to start")
    _menu(browser, "Kernel", "Restart Kernel and Run All Cells")
    accept = wait_until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept"), 30, "the restart dialog")
    accept[0].click()
    code_cells = sum(cell["cell_type"] == "code" for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])

    def finished(b):  # every code cell shows its execution count, none a star
        prompts = b.execute_script("return Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')).map(p => p.innerText)")
        return len(prompts) == code_cells and all(p.strip("[]: ").isdigit() for p in prompts)

    try:
        wait_until(browser, finished, 600, "every cell to run")
    finally:
        browser.save_screenshot(str(folder.parent / "jupyterlab-run.png"))
    before = path.stat().st_mtime_ns
    _menu(browser, "File", "Save Notebook")
    wait_until(browser, lambda b: path.stat().st_mtime_ns != before, 60, "JupyterLab to write the file")
    wait_until(browser, lambda b: all(c.get("execution_count") for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                                      if c["cell_type"] == "code"), 30, "the saved file to hold every run")
    screenshot = folder.parent / "jupyterlab.png"
    browser.save_screenshot(str(screenshot))
    return path


def test_jupyterlab_ran_every_cell_and_saved_the_outputs(saved):
    notebook = json.loads(saved.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "Restart and Run All ran every cell once, in order"
    errors = [o for c in code for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, f"the reference answers raise nothing: {errors}"
    assert all(c["metadata"].get("nbgrader") for c in notebook["cells"] if "# GRADED" in "".join(c["source"])), \
        "JupyterLab keeps the nbgrader metadata"


@pytest.mark.nbgrader
def test_what_jupyterlab_saved_gets_full_marks(saved, tmp_path):
    submitted = tmp_path / "submitted" / "student01" / LAB.name
    submitted.mkdir(parents=True)
    (submitted / saved.name).write_bytes(saved.read_bytes())
    out = tmp_path / "grading"
    report = grade_class(LAB, tmp_path / "submitted", out, Options(workers=1, progress=False))
    assert report["state"]["student01"]["status"] == "graded" and not report["state"]["student01"]["repairs"], report["state"]
    scores = gradebook_scores(out, LAB, ["student01"])["student01"]
    points = {g: p for g, p in max_scores(LAB).items() if g.endswith("_tests")}
    assert {g: scores[g] for g in points} == points
