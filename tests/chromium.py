"""A real browser for the tests: headless Chromium driven by Selenium, with Debian's binaries.

.ci/run installs the `chromium` and `chromium-driver` packages; where they are missing, tests that need
the browser are skipped, saying so. Selenium is given both paths, so it never tries to download a driver.
"""
from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def browser():
    chromium, driver = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("needs Debian's chromium and chromium-driver packages (.ci/run installs them with apt-get)")
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    # --no-sandbox: Chromium's own sandbox refuses to run as root, which CI is
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        options.add_argument(argument)
    chrome = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver))
    chrome.set_page_load_timeout(60)
    yield chrome
    chrome.quit()


def wait_until(browser, condition, seconds: float = 30, message: str = ""):
    """Wait for `condition(browser)` to be true (Selenium's WebDriverWait); return its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, poll_frequency=0.25).until(condition, message)
