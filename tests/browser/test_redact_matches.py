"""The redaction page shows its matches before removing anything, in a real Chromium.

The secret is drawn pure red (helpers.redaction_docs), so where it is on a page picture
is known from pixels alone, independently of pdfium's text boxes the page shows: the
boxes on the picture must hold every red pixel, on a page with a crop box and a
rotation too. Unticking a match keeps exactly that occurrence in the result.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from helpers import system
from helpers.browser import choose, download
from helpers.pdfcheck import texts
from helpers.redaction_docs import BLUE, RED, Doc, colour_pixels
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SECRET = "ZEBRA42"
TOLERANCE = 0.01  # of the page: anti-aliased edges of the red letters


@pytest.fixture
def secret_pdf(tmp_path: Path) -> Path:
    """Page 1: the secret once. Page 2 (cropped, turned a quarter): twice."""
    doc = Doc.new(SECRET)
    doc.write(0, SECRET, 40, 120)
    doc.write(1, SECRET, 60, 170)
    doc.write(1, SECRET, 200, 60)
    doc.page(1).obj.CropBox = [30, 20, 390, 290]
    doc.page(1).obj.Rotate = 90
    doc.pdf.docinfo["/Title"] = f"{SECRET} plan"
    path = tmp_path / "secret.pdf"
    path.write_bytes(doc.save())
    return path


def _red(data: bytes, index: int) -> list[tuple[float, float]]:
    """The red pixels of page ``index`` as shown, as fractions from its top-left."""
    doc = pdfium.PdfDocument(io.BytesIO(data))
    try:
        image = doc[index].render(scale=2).to_pil().convert("RGB")
    finally:
        doc.close()
    width, height = image.size
    pixels = image.load()
    return [
        (x / width, y / height)
        for y in range(height)
        for x in range(width)
        if pixels[x, y][0] > 200 and pixels[x, y][1] < 80 and pixels[x, y][2] < 80
    ]


def _title(data: bytes) -> str:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return str(pdf.docinfo.get("/Title", ""))


def _shown_boxes(page) -> list[tuple[float, float, float, float]]:
    """The match boxes on the picture, as fractions of the picture (left, top, right, bottom)."""
    return page.evaluate(
        """() => {
            const r = document.querySelector('#page-image').getBoundingClientRect();
            return [...document.querySelectorAll('#page-stage .match-box')].map(el => {
                const b = el.getBoundingClientRect();
                return [(b.left - r.left) / r.width, (b.top - r.top) / r.height,
                        (b.right - r.left) / r.width, (b.bottom - r.top) / r.height];
            });
        }"""
    )


def _inside(point, box) -> bool:
    x, y = point
    return (
        box[0] - TOLERANCE <= x <= box[2] + TOLERANCE
        and box[1] - TOLERANCE <= y <= box[3] + TOLERANCE
    )


def _assert_boxes_hold_the_words(page, data: bytes, index: int, count: int) -> None:
    boxes = _shown_boxes(page)
    assert len(boxes) == count
    red = _red(data, index)
    assert red
    assert all(any(_inside(p, b) for b in boxes) for p in red)  # no letter outside a box
    for b in boxes:
        assert any(_inside(p, b) for p in red)  # each box on a word
        assert b[2] - b[0] < 0.6 and b[3] - b[1] < 0.6  # a word's box, not the page's


def _open(chromium, sheaf, path: Path, locale: str = "en-US", **options):
    context = chromium.new_context(accept_downloads=True, locale=locale, **options)
    page = context.new_page()
    page.goto(sheaf.url)
    page.wait_for_url(f"{sheaf.base}/")
    page.goto(f"{sheaf.base}/tools/redact", wait_until="load")
    choose(page, str(path))
    expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
    return context, page


def _listed(page, name: str):
    """A match's checkbox in the list (its twin on the picture has the same name)."""
    return page.locator("#matches-pages").get_by_label(name)


def _label(page):
    return page.locator("#page-label")


@pytest.mark.parametrize("width", [1366, 390])
def test_typing_the_words_shows_each_match_on_its_page(chromium, sheaf, secret_pdf, width):
    data = secret_pdf.read_bytes()
    size = {"width": width, "height": 768 if width > 1000 else 844}
    context, page = _open(chromium, sheaf, secret_pdf, viewport=size)
    try:
        page.fill("#opt-text", "zebra42")  # found after a pause, nothing pressed
        expect(page.locator("#matches-count")).to_have_text("3 matches on the pages.")
        entries = page.locator("#matches-pages > li > button")
        expect(entries).to_have_text(["Page 1: 1 match", "Page 2: 2 matches"])
        expect(page.locator("#run-button")).to_have_text("Remove 3 matches for good")
        expect(page.locator("#page-stage .match-box")).to_have_count(1)
        _assert_boxes_hold_the_words(page, data, 0, 1)
        expect(page.locator("#matches-prev")).to_be_disabled()  # no page with one before
        page.click("#matches-next")
        expect(_label(page)).to_have_text("Page 2 of 2")
        expect(page.locator("#matches-next")).to_be_disabled()
        expect(page.locator("#page-stage .match-box")).to_have_count(2)
        _assert_boxes_hold_the_words(page, data, 1, 2)  # cropped and turned
        entries.nth(0).click()
        expect(_label(page)).to_have_text("Page 1 of 2")
        expect(page.locator("#page-stage .match-box")).to_have_count(1)
        # Other words: the matches found for the old ones go; Find asks at once.
        page.fill("#opt-text", "OTHER")
        page.click("#matches-find")
        expect(page.locator("#matches-count")).to_have_text("1 match on the pages.")
        expect(entries).to_have_text(["Page 2: 1 match"])
        expect(_label(page)).to_have_text("Page 2 of 2")  # shown where the match is
        page.fill("#opt-text", "NOWHERE")
        page.click("#matches-find")
        expect(page.locator("#matches-count")).to_have_text(re.compile("^No match on the pages"))
        expect(page.locator("#matches-some")).to_be_hidden()
        expect(page.locator("#page-stage .match-box")).to_have_count(0)
        expect(page.locator("#run-button")).to_have_text("Remove for good")
    finally:
        context.close()


def test_an_unticked_match_stays_and_the_others_go(chromium, sheaf, secret_pdf):
    context, page = _open(chromium, sheaf, secret_pdf)
    try:
        page.fill("#opt-text", SECRET)
        expect(page.locator("#matches-count")).to_have_text("3 matches on the pages.")
        expect(page.locator("#page-stage .match-box.on")).to_have_count(1)
        page.locator("#page-stage .match-box").click()  # on the picture: keep this one
        expect(page.locator("#page-stage .match-box.on")).to_have_count(0)
        expect(_listed(page, "Remove match 1 on page 1")).not_to_be_checked()
        expect(page.locator("#run-button")).to_have_text("Remove 2 matches for good")
        expect(page.locator("#matches-kept")).to_be_visible()
        page.locator("#opt-remove_hidden").uncheck()  # the details stay: see the words there
        kept = download(page)
        pages = texts(kept)
        assert SECRET in pages[0] and "KEEP" in pages[0]  # page 1 untouched, still text
        assert SECRET not in pages[1]
        assert not _red(kept, 1)  # both on page 2 blacked
        # Only the ticked places went: the words are kept elsewhere, as the page says.
        expect(page.locator("#matches-kept")).to_contain_text("elsewhere in the file")
        assert SECRET in _title(kept)

        # Now keep one of page 2's two (ticked in the list) and remove page 1's.
        _listed(page, "Remove match 1 on page 1").check()
        _listed(page, "Remove match 2 on page 2").uncheck()
        expect(_label(page)).to_have_text("Page 2 of 2")
        expect(page.locator("#run-button")).to_have_text("Remove 2 matches for good")
        kept_box = _shown_boxes(page)[1]
        removed = download(page)
        assert all(SECRET not in t for t in texts(removed))  # both pages are pictures
        assert not _red(removed, 0)
        red = _red(removed, 1)
        assert red and all(_inside(p, kept_box) for p in red)  # only the kept one shows

        # Every match ticked again: the words go everywhere, as typed.
        _listed(page, "Remove match 2 on page 2").check()
        expect(page.locator("#run-button")).to_have_text("Remove 3 matches for good")
        expect(page.locator("#matches-kept")).to_be_hidden()
        every = download(page)
        assert all(SECRET not in t for t in texts(every))
        assert not _red(every, 0) and not _red(every, 1)
        assert SECRET not in _title(every)
        expect(page.locator("#result")).to_contain_text("document details")
    finally:
        context.close()


def test_a_drawn_box_goes_with_the_ticked_matches(chromium, sheaf, secret_pdf):
    context, page = _open(chromium, sheaf, secret_pdf)
    try:
        page.fill("#opt-text", SECRET)
        expect(page.locator("#page-stage .match-box")).to_have_count(1)
        _listed(page, "Remove match 1 on page 1").uncheck()
        page.locator("#page-stage").scroll_into_view_if_needed()
        box = page.locator("#page-image").bounding_box()  # over "KEEP", top left
        page.mouse.move(box["x"] + 0.02 * box["width"], box["y"] + 0.02 * box["height"])
        page.mouse.down()
        page.mouse.move(box["x"] + 0.45 * box["width"], box["y"] + 0.25 * box["height"], steps=5)
        page.mouse.up()
        expect(page.locator(".mark-boxes")).to_have_count(1)
        data = download(page)
        assert colour_pixels(data, BLUE)[0] == 0  # the drawn box went
        assert colour_pixels(data, RED)[0] > 0 and colour_pixels(data, RED)[1] == 0
        expect(page.locator("#result")).to_contain_text("1, 2")  # both pages pictures
    finally:
        context.close()


def test_a_match_that_wraps_is_one_tick_with_a_box_on_each_line(chromium, sheaf, tmp_path):
    doc = Doc.new(SECRET)
    doc.font(0)
    doc.add(0, "q BT 1 0 0 rg 300 200 Td /Helv 24 Tf (ZEBRA) Tj 0 -30 Td (42) Tj ET Q")
    path = tmp_path / "wrapped.pdf"
    path.write_bytes(doc.save())
    context, page = _open(chromium, sheaf, path)
    try:
        page.fill("#opt-text", SECRET)
        expect(page.locator("#matches-count")).to_have_text("1 match on the pages.")
        expect(page.locator("#matches-pages > li > button")).to_have_text(["Page 1: 1 match"])
        boxes = page.locator("#page-stage .match-box")
        expect(boxes).to_have_count(2)
        _assert_boxes_hold_the_words(page, path.read_bytes(), 0, 2)
        boxes.nth(1).click()  # the second line unticks the whole match
        expect(page.locator("#page-stage .match-box.on")).to_have_count(0)
        expect(_listed(page, "Remove match 1 on page 1")).not_to_be_checked()
        expect(page.locator("#matches-kept")).to_have_text(re.compile("^Nothing is ticked"))
        page.click("#run-button")  # nothing to remove: nothing sent, the list says why
        expect(_listed(page, "Remove match 1 on page 1")).to_be_focused()
        expect(page.locator("#result")).to_be_hidden()
        expect(page.locator("#opt-text")).not_to_have_attribute("aria-invalid", "true")
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "warning", "run"),
    [
        ("en-US", "This cannot be undone in the new file", "Remove 3 matches for good"),
        ("zh-CN", "在新文件中无法撤销", "永久删除 3 处"),
    ],
)
def test_the_warning_is_by_the_button_in_both_languages(
    chromium, sheaf, secret_pdf, locale, warning, run
):
    context, page = _open(chromium, sheaf, secret_pdf, locale=locale)
    try:
        note = page.locator("#redact-warning")
        expect(note).to_contain_text(warning)
        expect(page.locator("#run-button")).to_have_attribute("aria-describedby", "redact-warning")
        page.fill("#opt-text", SECRET)
        expect(page.locator("#run-button")).to_have_text(run)
        expect(note).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_matches_have_no_accessibility_violations(chromium, sheaf, secret_pdf, locale):
    axe = system.axe_script()
    if axe is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
    context, page = _open(chromium, sheaf, secret_pdf, locale=locale, bypass_csp=True)
    try:
        page.fill("#opt-text", SECRET)
        expect(page.locator("#page-stage .match-box")).to_have_count(1)
        page.locator("#page-stage .match-box").click()
        page.add_script_tag(path=str(axe))
        found = page.evaluate(
            "async () => (await axe.run()).violations.map("
            "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )
        assert found == []
    finally:
        context.close()
