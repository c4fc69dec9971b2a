"""Every page, in its usual states, passes axe-core with no violations, in both languages."""

from __future__ import annotations

import pytest
from helpers import system
from helpers.browser import choose
from helpers.support import Sheaf
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


@pytest.fixture(scope="module")
def axe():
    script = system.axe_script()
    if script is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
    return script


def _violations(page, axe) -> list:
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        "async () => (await axe.run()).violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_pages_and_states_have_no_violations(chromium, sheaf, axe, samples, locale):
    from app.views.tools import TOOLS

    # Only the test injects axe: bypass_csp lets its script in, Sheaf's own pages never need it.
    context = chromium.new_context(locale=locale, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    found: dict[str, list] = {}
    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        found["home"] = _violations(page, axe)
        for tool in TOOLS:
            page.goto(f"{sheaf.base}/tools/{tool.slug}", wait_until="load")
            found[tool.slug] = _violations(page, axe)
        page.goto(f"{sheaf.base}/tools/organize", wait_until="load")
        choose(page, str(samples / FOUR))
        page.locator("#page-grid .page").nth(3).wait_for()
        page.locator("#page-grid .page-select").nth(1).click()
        found["organizer with pages"] = _violations(page, axe)
        page.goto(f"{sheaf.base}/tools/remove", wait_until="load")
        choose(page, str(samples / FOUR))
        page.fill("#opt-pages", "9")
        page.click("#run-button")
        page.wait_for_selector("#error-pages")
        found["a field error"] = _violations(page, axe)
        page.fill("#opt-pages", "2")
        page.click("#run-button")
        page.wait_for_selector("#result:not([hidden])")
        expect(page.locator("#result")).to_be_focused()  # not the top of the page
        page.wait_for_selector("#result .result-page img")  # the result's pictures too
        found["a result"] = _violations(page, axe)
    finally:
        context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_sign_in_error_and_stopped_pages_have_no_violations(chromium, axe, tmp_path):
    found: dict[str, list] = {}
    server = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={"SHEAF_PASSWORD": "correct horse", "SHEAF_WORKERS": "1"},
    )
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server.base + "/")
        page.wait_for_selector("input[name=password]")
        found["sign-in"] = _violations(page, axe)
        page.fill("input[name=password]", "wrong")
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        found["sign-in, wrong password"] = _violations(page, axe)
        page.goto(server.base + "/no/such/page")
        found["not found"] = _violations(page, axe)
    finally:
        context.close()
        server.stop()
    desktop = Sheaf.start(data_dir=tmp_path / "root")
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(desktop.url)
        page.wait_for_url(f"{desktop.base}/")
        page.once("dialog", lambda d: d.accept())
        with page.expect_navigation(wait_until="load"):
            page.click("#quit-button", no_wait_after=True)
        page.wait_for_selector("#stopped")
        found["stopped"] = _violations(page, axe)
    finally:
        context.close()
        desktop.stop()
    assert {name: v for name, v in found.items() if v} == {}
