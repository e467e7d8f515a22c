"""The HTML report in headless Chromium (Debian's `chromium` + `chromedriver`, driven by Selenium, offline):
numbers match the report, filters and the view toggle work, nothing is fetched, a hostile name stays text,
and printing hides the filters and shows every fix."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from guardrails.model import Severity, Status
from guardrails.reporters import html
from guardrails.scan import Report
from tests.reporters.conftest import XSS

ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
VISIBLE = (
    "return [...document.querySelectorAll('#by-' + arguments[0] + ' tr.finding')]"
    ".filter((row) => row.checkVisibility()).map((row) => row.dataset.severity)"
)


def _find(name: str) -> str | None:
    return shutil.which(name) or next((p for p in (f"/usr/bin/{name}",) if os.access(p, os.X_OK)), None)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver_path = _find("chromium"), _find("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Chromium not found: apt-get install chromium chromium-driver (.ci/run does this)")
    previous = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        if previous is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = previous


@pytest.fixture
def page(tmp_path, corpus, corpus_report, rules, browser) -> tuple[Report, webdriver.Chrome]:
    """The real scan plus a critical finding on a resource named like a script injection."""
    template = next(f for f in corpus_report.findings if f.severity is Severity.CRITICAL and f.status is Status.FAIL)
    hostile = dataclasses.replace(template, resource_id=XSS)
    report = dataclasses.replace(corpus_report, findings=[*corpus_report.findings, hostile])
    path = tmp_path / "guardrails.html"
    path.write_text(html.render(report, rules, root=corpus), encoding="utf-8")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.get(path.as_uri())
    return report, browser


def _count(driver) -> int:
    return int(driver.find_element(By.ID, "visible-count").text)


def test_numbers_filters_and_views(page, tmp_path) -> None:
    report, driver = page
    summary = report.summary()
    for status, count in summary["by_status"].items():
        assert int(driver.find_element(By.ID, f"count-{status}").text) == count, status
    for key in ("files", "resources", "rules"):
        assert int(driver.find_element(By.ID, f"count-{key}").text) == summary[key]
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0

    listed = [f for f in report.findings if f.status is not Status.PASS]
    critical = [f for f in listed if f.severity is Severity.CRITICAL]
    assert _count(driver) == len(listed) == len(driver.execute_script(VISIBLE, "control"))
    assert 0 < len(critical) < len(listed)

    Select(driver.find_element(By.ID, "filter-severity")).select_by_value("critical")
    shown = driver.execute_script(VISIBLE, "control")
    assert _count(driver) == len(shown) == len(critical)
    assert set(shown) == {"critical"}

    driver.find_element(By.ID, "view-resource").click()
    assert not driver.find_element(By.ID, "by-control").is_displayed()
    assert driver.execute_script(VISIBLE, "resource") == ["critical"] * len(critical)
    assert _count(driver) == len(critical)
    Select(driver.find_element(By.ID, "filter-status")).select_by_value("unknown")
    assert _count(driver) == sum(1 for f in critical if f.status is Status.UNKNOWN and f.suppression is None)
    driver.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_hostile_names_are_text(page) -> None:
    _, driver = page
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - the property raises when no alert is open
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.execute_script("return document.body.textContent.includes(arguments[0])", XSS)
    Select(driver.find_element(By.ID, "filter-severity")).select_by_value("critical")
    assert XSS in driver.find_element(By.ID, "by-control").text


def test_print_hides_filters_and_expands_fixes(page) -> None:
    _, driver = page
    fixes = "return [...document.querySelectorAll('#by-control figure.fix')].map((f) => f.checkVisibility())"
    assert not any(driver.execute_script(fixes))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not driver.find_element(By.ID, "filters").is_displayed()
    assert all(driver.execute_script(fixes))
