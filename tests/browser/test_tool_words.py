"""Tool pages say what is wrong before the button is pressed (issue 21, item 9)."""

from __future__ import annotations

import pytest
from helpers.browser import choose
from helpers.hostile_inputs import blank_pages
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"


@pytest.fixture
def page(chromium, sheaf):
    context = chromium.new_context(accept_downloads=True, locale="en-US")
    p = context.new_page()
    p.goto(sheaf.url)
    p.wait_for_url(f"{sheaf.base}/")
    yield p
    context.close()


def test_the_password_is_asked_for_only_when_a_file_needs_it(page, sheaf, samples):
    page.goto(f"{sheaf.base}/tools/rotate", wait_until="load")
    password = page.locator("#opt-password")
    expect(password).to_be_hidden()
    choose(page, str(samples / FOUR))
    expect(page.locator("#file-list .file-pages")).to_have_text("4 pages")
    expect(password).to_be_hidden()  # the preview read it: no password needed
    choose(page, str(samples / LOCKED))
    expect(page.locator("#file-list .file-note")).to_contain_text("Protected")
    expect(password).to_be_visible()


def test_a_file_sheaf_cannot_read_is_said_at_once(page, sheaf, tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"these are notes, not a PDF")
    requests_made: list[str] = []
    page.on("request", lambda r: requests_made.append(r.url))
    page.goto(f"{sheaf.base}/tools/compress", wait_until="load")
    choose(page, str(bad))
    expect(page.locator("#file-list .file-problem")).to_contain_text("notes.pdf")
    assert not [u for u in requests_made if u.endswith("/api/v1/compress")]  # not run yet


def test_unlock_and_merge_say_what_is_missing_before_running(page, sheaf, samples):
    page.goto(f"{sheaf.base}/tools/unlock", wait_until="load")
    choose(page, str(samples / FOUR))
    needs = page.locator("#needs")
    expect(needs).to_contain_text("nothing to unlock")
    ran: list[str] = []
    page.on("request", lambda r: ran.append(r.url) if r.url.endswith("/api/v1/unlock") else None)
    page.click("#run-button")
    expect(page.locator("#form-error")).to_contain_text("nothing to unlock")
    assert not ran
    choose(page, str(samples / LOCKED))
    expect(needs).to_be_hidden()  # a protected one has something to unlock

    page.goto(f"{sheaf.base}/tools/merge", wait_until="load")
    page.locator("#workspace-list input[type=checkbox]:checked").evaluate_all(
        "boxes => boxes.forEach(b => b.click())"
    )
    expect(page.locator("#file-list .file-item")).to_have_count(0)  # nothing chosen now
    choose(page, str(samples / FOUR))
    expect(page.locator("#file-list .file-item")).to_have_count(1)
    expect(needs).to_contain_text("at least two")


def test_organizer_speaks_to_fingers_on_a_phone_and_counts_one_page(chromium, sheaf, tmp_path):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="en-US"
    )
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/organize", wait_until="load")
        expect(page.locator(".help-touch")).to_be_visible()
        expect(page.locator(".help-fine")).to_be_hidden()
        one = tmp_path / "one.pdf"
        one.write_bytes(blank_pages(1))
        page.set_input_files("#file-input", str(one))
        expect(page.locator("#doc-status")).to_have_text("1 page, 0 selected")
    finally:
        context.close()
