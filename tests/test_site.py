"""The course website (`course site build`), built from this session's executed notebooks, in a real browser.

The site is built from the notebooks the notebook tests executed and from each lab's student version
run once for it (tests/workload.py), so it costs a Sphinx build, not a second execution of everything.
It is served on 127.0.0.1 and opened in headless Chromium (Debian's chromium and chromium-driver, with
Selenium): every page loads, its images decode, its internal links lead somewhere, and the navigation
goes from each topic to the next.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from chromium import wait_until
from conftest import ROOT
from course.notebooks import read_notebook, source_text
from course.site import build_site, executed_page, pages
from expectations import EXPECTATIONS

PAGES = pages(ROOT)
NOTEBOOK_PAGES = [p for p in PAGES if p.startswith("notebooks/")]


@pytest.fixture(scope="module")
def site(executions, release_runs, tmp_path_factory):
    """(the built site's folder, what the build logged) from this session's runs."""
    runs = {**executions, **release_runs}
    executed = {p: getattr(runs.get(p), "notebook", runs.get(p)) for p in PAGES}  # Execution, or a release's notebook
    failed = {p: run for p, run in executed.items() if not isinstance(run, dict)}
    if failed:
        pytest.fail(f"the site needs every page executed; these did not run: {failed}", pytrace=False)
    folder = tmp_path_factory.mktemp("site")
    logged = []
    build_site(ROOT, folder / "html", fast=True, executed=executed, cache_dir=folder / "cache", stage=folder / "source", log=logged.append)
    return folder / "html", logged


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def html_of(site_dir: Path, relpath: str) -> str:
    return (site_dir / relpath.replace(".ipynb", ".html")).read_text(encoding="utf-8")


def test_every_page_is_built_from_this_sessions_runs_and_says_fast_mode(site):
    site_dir, logged = site
    assert sorted(logged) == sorted(f"{p}: given" for p in PAGES), "the site reuses the runs, it executes nothing again"
    assert "fast mode" in (site_dir / "index.html").read_text(encoding="utf-8")
    for relpath in PAGES:
        html = html_of(site_dir, relpath)
        assert "fast mode" in html, f"{relpath} does not say how it was executed"
        assert "colab.research.google.com/github/" in html and "colab-badge.svg" in html, f"{relpath} lost its Colab badge"


def test_each_page_offers_its_clean_notebook(site):
    site_dir, _ = site
    for relpath in PAGES:
        html = html_of(site_dir, relpath)
        link = next((href for href in _hrefs(html) if href.endswith(Path(relpath).name) and "_downloads" in href), None)
        assert link, f"{relpath}: no download link"
        downloaded = (site_dir / Path(relpath).parent / link).resolve()
        assert json.loads(downloaded.read_text(encoding="utf-8")) == json.loads((ROOT / relpath).read_text(encoding="utf-8")), relpath


def test_no_solution_or_hidden_test_reaches_the_site(site):
    site_dir, _ = site
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site_dir.rglob("*") if p.is_file() and p.suffix in {".html", ".ipynb", ".txt", ".js"})
    assert "BEGIN HIDDEN TESTS" not in text and "### BEGIN SOLUTION" not in text
    assert not list(site_dir.rglob("solutions"))


def test_the_reference_pages_show_the_helpers_api_and_every_course_command(site):
    site_dir, _ = site
    api = (site_dir / "api.html").read_text(encoding="utf-8")
    for name in ("helpers.setup", "helpers.data.load_fashion_mnist", "helpers.plots.plot_learning_curves", "helpers.checks.call"):
        assert f'id="{name}"' in api, name
    instructors = (site_dir / "instructors.html").read_text(encoding="utf-8")
    for command in ("course nb fmt", "course labs build", "course grade", "course site build"):
        assert command in instructors, command


def test_a_text_edit_reuses_the_cached_outputs(tmp_path):
    """Rebuilding after a text edit executes nothing: outputs are cached by the code cells."""
    relpath = "notebooks/03_callbacks.ipynb"
    source = read_notebook(ROOT / relpath)
    executed = json.loads(json.dumps(source))
    first_code = next(c for c in executed["cells"] if c["cell_type"] == "code")
    first_code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "from the cache\n"}]
    cache = tmp_path / "cache"
    _, origin = executed_page(ROOT, relpath, cache, executed={relpath: executed}, store=True)
    assert origin == "given"
    edited_root = tmp_path / "course"
    (edited_root / "notebooks").mkdir(parents=True)
    edited = json.loads(json.dumps(source))
    markdown = next(c for c in edited["cells"] if c["cell_type"] == "markdown")
    markdown["source"] = source_text(markdown) + "\n\nA sentence added after the run."
    (edited_root / relpath).write_text(json.dumps(edited), encoding="utf-8")
    page, origin = executed_page(edited_root, relpath, cache)
    assert origin == "cache"
    assert "A sentence added after the run." in json.dumps(page)
    assert "from the cache" in json.dumps(page), "the outputs come from the cache"


# --- in a real browser -------------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the requests are the test's business, not stderr's
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a browser that stops reading a page is no error
        pass


@pytest.fixture(scope="module")
def served(site):
    """The built site on a free port of 127.0.0.1, as `python -m http.server` would serve it."""
    site_dir, _ = site
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


IMAGES = "return Array.from(document.images).map(i => [i.currentSrc || i.src, i.complete, i.naturalWidth]);"
LINKS = "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);"


def _open(browser, url: str):
    browser.get(url)
    wait_until(browser, lambda b: b.execute_script("return document.readyState") == "complete", message=url)


def test_every_page_loads_with_its_figures_and_no_broken_internal_link(site, served, browser, tmp_path):
    checked: dict[str, int] = {}
    for relpath in ["index.html", "api.html", "instructors.html", *PAGES]:
        url = urllib.parse.urljoin(served, relpath.replace(".ipynb", ".html"))
        _open(browser, url)
        assert "404" not in browser.title, url
        images = browser.execute_script(IMAGES)
        broken = [src for src, complete, width in images if not complete or width == 0]
        assert not broken, f"{relpath}: images that do not decode: {broken}"
        if relpath in EXPECTATIONS:
            figures = [src for src, *_ in images if "/_images/" in src and not src.endswith(".svg")]
            assert len(figures) >= EXPECTATIONS[relpath]["min_images"], f"{relpath} shows {len(figures)} figures"
        for link in browser.execute_script(LINKS):
            target = link.split("#")[0]
            if target.startswith(served) and target not in checked:
                try:
                    with urllib.request.urlopen(target, timeout=30) as response:
                        checked[target] = response.status
                except urllib.error.HTTPError as err:
                    checked[target] = err.code
    broken_links = {link: status for link, status in checked.items() if status != 200}
    assert not broken_links, f"internal links that lead nowhere: {broken_links}"
    assert len(checked) > len(PAGES), "the pages link each other"


def test_the_navigation_goes_from_each_topic_to_the_next(served, browser, tmp_path):
    from selenium.webdriver.common.by import By

    for here, following in zip(NOTEBOOK_PAGES, NOTEBOOK_PAGES[1:]):
        _open(browser, urllib.parse.urljoin(served, here.replace(".ipynb", ".html")))
        browser.find_element(By.CSS_SELECTOR, "a.right-next").click()
        _open(browser, browser.current_url)
        assert browser.current_url.endswith(following.replace(".ipynb", ".html")), f"after {here}: {browser.current_url}"
    _open(browser, urllib.parse.urljoin(served, NOTEBOOK_PAGES[0].replace(".ipynb", ".html")))
    screenshot = tmp_path / "topic-page.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 20_000, "the screenshot shows a rendered page"
