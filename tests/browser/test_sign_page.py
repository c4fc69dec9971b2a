"""The Sign page as a person uses it: the pad first, the signature shown where it goes on
the page and moved there (pointer, corner, keyboard), the numbers under "More options",
the words when there is nothing to sign with, a chosen picture. Real Chromium, real
Sheaf; the signed file is read back (ink with pdfium). Typed names: test_sign_typed.py."""

from __future__ import annotations

import io
import re
import time

import pikepdf
import pytest
from helpers.browser import drag
from helpers.sign_page import (
    EMPTY,
    download,
    draw,
    ink,
    numbers,
    shown_ink,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_pad_comes_first_and_the_numbers_wait_under_more_options(sign):
    page = sign(pick=False)
    order = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             '#dropzone, #sign-pad, #page-box, #more-options, .tool-form .field, #run-button'))
           .map(e => e.id || e.dataset.option)"""
    )
    assert order.index("sign-pad") == 1, order  # after the file chooser, before all else
    assert order.index("more-options") < order.index("x") < order.index("run-button")
    expect(page.locator("#way-draw")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#pad")).to_be_visible()
    expect(page.locator("#opt-x")).to_be_hidden()  # folded away until asked for
    expect(page.get_by_text("Distance from the left")).to_be_hidden()
    page.click("#more-options summary")
    expect(page.locator("#opt-x")).to_be_visible()


def test_a_drawn_signature_shows_on_the_page_and_lands_where_dragged(sign):
    page = sign()
    assert shown_ink(page) == 0
    draw(page)
    expect(page.locator(".mark-place")).not_to_have_class(re.compile("empty"))
    assert shown_ink(page) > 100  # the strokes themselves, in the box on the page
    # Drag the signature by its middle, from its default place (x 0.55, y 0.8), up and
    # left by 0.3 / 0.5.
    mark, stage = page.locator(".mark-place").bounding_box(), page.locator("#page-image")
    shown = stage.bounding_box()
    start = (
        (mark["x"] + mark["width"] / 2 - shown["x"]) / shown["width"],
        (mark["y"] + mark["height"] / 2 - shown["y"]) / shown["height"],
    )
    drag(page, start, (start[0] - 0.3, start[1] - 0.5))
    placed = numbers(page)
    assert abs(placed["x"] - 0.25) < 0.02 and abs(placed["y"] - 0.3) < 0.02, placed
    tall = page.locator(".mark-place").bounding_box()["height"] / shown["height"]
    assert tall < 0.1  # the box is the strokes, not the whole pad
    data = download(page)
    x, y = placed["x"], placed["y"]
    inside = ink(data, 3, (x - 0.01, y - 0.01, x + 0.31, y + tall + 0.01))
    assert inside > 50
    assert ink(data, 3, (0, 0, 1, 1)) == inside  # all of it where the box was shown
    with pikepdf.open(io.BytesIO(data)) as pdf:  # other pages untouched
        assert all(len(p.get_images()) == 0 for p in pdf.pages[:3])


def test_the_box_moves_and_resizes_with_the_keyboard_and_follows_the_numbers(sign):
    page = sign()
    draw(page)
    before = numbers(page)
    mark = page.locator(".mark-place")
    expect(mark).to_have_attribute("aria-label", re.compile("arrow keys"))
    mark.focus()
    for key in ("ArrowLeft", "ArrowLeft", "ArrowUp", "Shift+ArrowRight"):
        page.keyboard.press(key)
    after = numbers(page)
    assert abs(after["x"] - (before["x"] - 0.02)) < 0.001, (before, after)
    assert abs(after["y"] - (before["y"] - 0.01)) < 0.001, (before, after)
    assert abs(after["width"] - (before["width"] + 0.01)) < 0.001, (before, after)
    expect(page.locator(".mark-place")).to_be_focused()  # still there for the next key
    # And the other way: a number typed under "More options" moves the box.
    page.click("#more-options summary")
    page.fill("#opt-x", "0.1")
    page.locator("#opt-x").dispatch_event("change")
    stage = page.locator("#page-image").bounding_box()
    expect(page.locator(".mark-place")).to_have_css("left", re.compile(r"^\d"))
    left = page.locator(".mark-place").bounding_box()["x"] - stage["x"]
    assert abs(left / stage["width"] - 0.1) < 0.01


@pytest.mark.parametrize("locale", sorted(EMPTY))
def test_signing_with_nothing_says_so_next_to_the_pad(sign, locale):
    page = sign(locale)
    page.click("#run-button")
    expect(page.locator("#pad-error")).to_have_text(EMPTY[locale])
    expect(page.locator("#pad")).to_be_focused()
    expect(page.locator("#form-error")).to_be_hidden()  # said by the pad, nothing sent
    page.click("#way-type")
    page.click("#run-button")
    expect(page.locator("#opt-text")).to_be_focused()
    page.fill("#opt-text", "Ada")
    expect(page.locator("#pad-error")).to_be_hidden()  # gone once there is a signature


def test_the_desktop_remembers_a_signature_only_when_asked_and_forgets_it(sign, sheaf):
    page = sign()
    draw(page)
    saved = sheaf.data_dir / "data" / "signature.png"
    download(page)
    assert not saved.exists()  # not asked
    page.check("#pad-remember")
    download(page)
    deadline = time.monotonic() + 10
    while not saved.exists() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # A new visit starts with the saved drawing, shown on the page; Forget removes it.
    page = sign()
    expect(page.locator("#pad-forget")).to_be_visible()
    expect(page.locator("#pad-remember")).to_be_checked()
    expect(page.locator(".mark-place")).not_to_have_class(re.compile("empty"))
    page.click("#pad-forget")
    expect(page.locator("#pad-forget")).to_be_hidden()
    assert not saved.exists()


def test_a_chosen_picture_shows_in_its_box_is_resized_by_its_corner_and_signed(sign, tmp_path):
    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (400, 100), (0, 0, 0, 0))
    ImageDraw.Draw(picture).line([(10, 80), (390, 20)], fill=(20, 40, 115, 255), width=12)
    path = tmp_path / "my signature.png"
    picture.save(path)
    page = sign()
    page.click("#way-picture")
    page.set_input_files("#opt-image", str(path))
    expect(page.locator(".mark-place")).not_to_have_class(re.compile("empty"))
    assert shown_ink(page) > 100
    before = numbers(page)
    grip = page.locator(".mark-place .grip").bounding_box()
    shown = page.locator("#page-image").bounding_box()
    corner = (
        (grip["x"] + 7 - shown["x"]) / shown["width"],
        (grip["y"] + 7 - shown["y"]) / shown["height"],
    )
    drag(page, corner, (corner[0] - 0.1, corner[1]))
    after = numbers(page)
    assert abs(after["width"] - (before["width"] - 0.1)) < 0.02, (before, after)
    assert after["x"] == before["x"] and after["y"] == before["y"]
    data = download(page)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[3].get_images()) == 1
    x, y, w = after["x"], after["y"], after["width"]
    tall = w * 100 / 400 * shown["width"] / shown["height"]
    assert ink(data, 3, (x, y, x + w, y + tall)) > 50


def test_a_refused_number_opens_more_options_to_show_why(sign):
    page = sign()
    draw(page)
    page.locator("#opt-page").evaluate("el => { el.value = '9'; }")  # a page it does not have
    page.click("#run-button")
    expect(page.locator("#more-options")).to_have_attribute("open", "")
    expect(page.locator("#error-page")).to_contain_text("4")  # "the document has 4 pages"
    expect(page.locator("#opt-page")).to_be_focused()
