"""The desktop home page's "Recent files" in a real Chromium, in English and Chinese:
the list, removal with and without scripts, and opening a file again into a tool."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.support import Sheaf
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"
WORDS = {
    "en-US": {
        "heading": "Recent files",
        "open": "Open",
        "remove": "Remove from this list",
        "removed": "Removed from the list. The file itself was not touched.",
        "rotate": "Rotate pages",
    },
    "zh-CN": {
        "heading": "最近的文件",
        "open": "打开",
        "remove": "从列表中移除",
        "removed": "已从列表中移除。文件本身没有任何改动。",
        "rotate": "旋转页面",
    },
}


@pytest.mark.parametrize("locale", list(WORDS))
def test_the_list_shows_removes_and_opens_again(chromium, tmp_path: Path, samples, locale):
    words = WORDS[locale]
    folder = tmp_path / ("a folder with a rather long name " * 4).strip() / "报告"
    folder.mkdir(parents=True)
    report = folder / "季度 报告.pdf"
    other = folder / "second.pdf"
    shutil.copy(samples / FOUR, report)
    shutil.copy(samples / OUTLINE, other)
    sheaf = Sheaf.start([str(report), str(other)], data_dir=tmp_path / "root")
    context = chromium.new_context(locale=locale, viewport={"width": 700, "height": 900})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        section = page.locator("section#recent")
        expect(section.get_by_role("heading", name=words["heading"])).to_be_visible()
        items = section.locator(".recent-item")
        expect(items.locator(".recent-name")).to_have_text(["second.pdf", "季度 报告.pdf"])
        # The whole folder is in the page; only the screen shortens it.
        expect(items.nth(0).locator(".recent-folder")).to_have_text(str(folder))
        width = (
            items.nth(0)
            .locator(".recent-folder")
            .evaluate("el => [el.scrollWidth, el.clientWidth]")
        )
        assert width[0] > width[1]

        # Remove (the script spares the reload): gone from the page and after a reload.
        items.nth(0).get_by_role("button", name=words["remove"]).click()
        expect(items).to_have_count(1)
        expect(page.locator("#recent-status")).to_have_text(words["removed"])
        expect(items.nth(0).get_by_role("button", name=words["open"])).to_be_focused()
        page.reload()
        expect(items.locator(".recent-name")).to_have_text(["季度 报告.pdf"])
        assert other.exists()

        # Open again: the page with the file's tools, and a tool gets the file.
        with page.expect_navigation():
            items.nth(0).get_by_role("button", name=words["open"]).click()
        expect(page.locator(".opened-item")).to_have_count(1)
        expect(page.locator(".opened-name")).to_have_text("季度 报告.pdf")
        with page.expect_navigation(wait_until="load"):
            page.click(f".opened-tools >> text={words['rotate']}")
        expect(page.locator("#file-list")).to_contain_text("季度 报告.pdf")

        # Removing the last one leaves no heading over an empty list.
        page.goto(f"{sheaf.base}/")
        page.locator(".recent-item").get_by_role("button", name=words["remove"]).click()
        expect(page.locator("section#recent")).to_be_hidden()
        page.reload()
        expect(page.locator("section#recent")).to_have_count(0)
        assert report.exists()
    finally:
        context.close()
        sheaf.stop()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_removal_works_without_scripts(chromium, tmp_path: Path, samples):
    report = tmp_path / "report.pdf"
    shutil.copy(samples / FOUR, report)
    sheaf = Sheaf.start([str(report)], data_dir=tmp_path / "root")
    context = chromium.new_context(locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        expect(page.locator(".recent-name")).to_have_text(["report.pdf"])
        report.unlink()  # gone before it is opened again: said plainly, with a way out
        with page.expect_navigation():
            page.get_by_role("button", name="Open").click()
        expect(page.locator("#recent-problem")).to_contain_text("not there any more")
        with page.expect_navigation():
            page.get_by_role("button", name="Remove from this list").click()
        page.wait_for_url(f"{sheaf.base}/#recent")
        expect(page.locator("section#recent")).to_have_count(0)
    finally:
        context.close()
        sheaf.stop()


@pytest.mark.parametrize("locale", list(WORDS))
def test_the_list_and_a_gone_file_have_no_accessibility_violations(
    chromium, tmp_path: Path, samples, locale
):
    from helpers import system

    axe = system.axe_script()
    if axe is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")

    def violations(page) -> list:
        page.add_script_tag(path=str(axe))
        return page.evaluate(
            "async () => (await axe.run()).violations.map("
            "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )

    report = tmp_path / "report.pdf"
    shutil.copy(samples / FOUR, report)
    sheaf = Sheaf.start([str(report)], data_dir=tmp_path / "root")
    # Only the test injects axe: bypass_csp lets its script in.
    context = chromium.new_context(locale=locale, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        expect(page.locator(".recent-item")).to_have_count(1)
        found = {"home with recent files": violations(page)}
        report.unlink()
        with page.expect_navigation():
            page.get_by_role("button", name=WORDS[locale]["open"]).click()
        expect(page.locator("#recent-problem")).to_be_visible()
        found["a recent file that is gone"] = violations(page)
    finally:
        context.close()
        sheaf.stop()
    assert {name: v for name, v in found.items() if v} == {}
