"""The Sign page with a typed name: each handwriting font shown and embedded, a Chinese
name with the CJK fallback, the edges of the page, several places, a remembered drawing;
axe-core in both languages and a touch drag on a phone. Real Chromium, real Sheaf."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from helpers.browser import choose, violations
from helpers.pdfcheck import texts
from helpers.sign_page import (
    EMPTY,
    FONTS,
    FOUR,
    download,
    draw,
    ink,
    numbers,
    shown_ink,
    type_name,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("font", sorted(FONTS))
def test_a_typed_name_is_shown_and_signed_in_the_chosen_handwriting(sign, font):
    page = sign()
    type_name(page, "Ada Lovelace", font)
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.wait_for_function(
        "() => document.querySelector('.mark-place canvas.sign-shown') &&"
        " !document.querySelector('.mark-place').classList.contains('empty')"
    )
    assert shown_ink(page) > 100
    data = download(page)
    assert "Ada Lovelace" in texts(data)[3]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = pdf.pages[3].obj.Resources.Font
        names = {str(f.BaseFont).split("+", 1)[-1] for _n, f in fonts.items()}
    assert FONTS[font] in names, names
    assert not (set(FONTS.values()) - {FONTS[font]}) & names  # only the one chosen


def test_a_chinese_typed_name_is_shown_and_drawn_with_the_cjk_fallback(sign):
    page = sign("zh-CN")
    type_name(page, "李小龍")
    expect(page.locator(".mark-place")).not_to_have_class(re.compile("empty"))
    # The page draws it with the font the PDF gets (not boxes, nor whatever the system has).
    page.wait_for_function(
        "() => Array.from(document.fonts).some(f => f.family.includes('Sheaf CJK')"
        " && f.status === 'loaded')"
    )
    assert shown_ink(page) > 100
    placed = numbers(page)
    data = download(page)
    assert "李小龍" in texts(data)[3]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = pdf.pages[3].obj.Resources.Font
        assert any("DroidSansFallback" in str(f.BaseFont) for _n, f in fonts.items())
    x, y, w = placed["x"], placed["y"], placed["width"]
    assert ink(data, 3, (x, y, x + w, min(1, y + 0.15))) > 50


def test_a_typed_signature_in_two_places(sign):
    page = sign()
    type_name(page, "Ada Lovelace")
    page.click("#place-add")
    expect(page.locator(".mark-place")).to_have_count(2)
    data = download(page)
    assert texts(data)[3].count("Ada Lovelace") == 2


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", sorted(EMPTY))
def test_the_sign_page_in_its_states_has_no_axe_violations(
    chromium, sheaf, samples, axe, locale, scheme
):
    # bypass_csp lets only axe in; Sheaf's pages never need it.
    context = chromium.new_context(locale=locale, bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    found: dict[str, list] = {}

    def check(state: str) -> None:
        found[state] = violations(page, axe)

    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/sign", wait_until="load")
        choose(page, str(samples / FOUR))
        expect(page.locator(".mark-place")).to_have_count(1)
        page.click("#run-button")
        expect(page.locator("#pad-error")).to_be_visible()
        check("nothing to sign with")
        draw(page)
        page.click("#more-options summary")
        check("drawn and placed, more options open")
        type_name(page, "Ada 李")
        check("typed")
    finally:
        context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_on_a_phone_the_signature_is_dragged_by_touch(chromium, sheaf, samples):
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/sign", wait_until="load")
        choose(page, str(samples / FOUR))
        expect(page.locator(".mark-place")).to_have_count(1)
        type_name(page, "王小明")
        # The page picture and the name's font in place first: boxes read while they
        # arrive would move.
        page.wait_for_function(
            "() => { const i = document.getElementById('page-image');"
            " return i.complete && i.naturalWidth > 0"
            " && !document.getElementById('page-stage').classList.contains('waiting')"
            " && document.fonts.status === 'loaded'; }"
        )
        before = numbers(page)
        page.locator("#page-stage").scroll_into_view_if_needed()
        mark = page.locator(".mark-place").bounding_box()
        stage = page.locator("#page-image").bounding_box()
        cdp = context.new_cdp_session(page)
        x, y = mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2
        dx, dy = -0.3 * stage["width"], -0.4 * stage["height"]

        def touch(kind: str, fx: float, fy: float) -> None:
            points = [] if kind == "touchEnd" else [{"x": fx, "y": fy}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", x, y)
        for step in range(1, 6):
            touch("touchMove", x + dx * step / 5, y + dy * step / 5)
        touch("touchEnd", x + dx, y + dy)
        after = numbers(page)
        assert abs(after["x"] - (before["x"] - 0.3)) < 0.02, (before, after)
        assert abs(after["y"] - (before["y"] - 0.4)) < 0.02, (before, after)
    finally:
        context.close()


def test_a_typed_name_pushed_into_the_corner_is_signed_there(sign):
    """The page measures a name as the server does (no kerning, no ligatures), so a
    box put against the page's edges is accepted and the ink lands in the corner."""
    page = sign()
    type_name(page, "Jürgen Straße", "great-vibes")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.locator(".mark-place").focus()
    for _ in range(30):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
    placed = numbers(page)
    assert placed["x"] + placed["width"] > 0.99, placed
    data = download(page)
    expect(page.locator("#form-error")).to_be_hidden()
    assert "Jürgen Straße" in texts(data)[3]
    assert ink(data, 3, (placed["x"], placed["y"], 1, 1)) > 50
