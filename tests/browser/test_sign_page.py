"""The Sign page as a person uses it: the pad first, the signature shown where it goes on
the page and moved there (pointer or keyboard), the numbers under "More options", the
words when there is nothing to sign with, typed names in handwriting. Real Chromium,
real Sheaf; the signed file is read back (fonts with pikepdf, ink with pdfium)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from helpers import system
from helpers.pdfcheck import texts
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
EMPTY = {
    "en-US": "Draw, type or choose your signature first.",
    "zh-CN": "请先手写、输入或选择您的签名。",
}
FONTS = {
    "caveat": "Caveat-Regular",
    "dancing-script": "DancingScript-Regular",
    "great-vibes": "GreatVibes-Regular",
}


@pytest.fixture
def sign(chromium, sheaf, samples):
    contexts = []

    def open_page(locale: str = "en-US", choose: bool = True):
        context = chromium.new_context(accept_downloads=True, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/sign", wait_until="load")
        if choose:
            page.set_input_files("#file-input", str(samples / FOUR))
            expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
            expect(page.locator("#page-label")).to_have_text(re.compile("4"))  # the last page
            expect(page.locator(".mark-place")).to_have_count(1)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _download(page) -> bytes:
    with page.expect_download() as info:
        page.click("#run-button")
    return Path(info.value.path()).read_bytes()


def _draw(page) -> None:
    page.locator("#pad").scroll_into_view_if_needed()
    pad = page.locator("#pad").bounding_box()
    page.mouse.move(pad["x"] + 40, pad["y"] + pad["height"] / 2)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(pad["x"] + 40 + i * 15, pad["y"] + pad["height"] / 2 + (i % 5) * 6)
    page.mouse.up()


def _drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Drag across the page picture between two points given as fractions of it."""
    page.locator("#page-stage").scroll_into_view_if_needed()
    box = page.locator("#page-image").bounding_box()
    page.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
    page.mouse.down()
    for step in range(1, 6):
        f = step / 5
        page.mouse.move(
            box["x"] + (start[0] + (end[0] - start[0]) * f) * box["width"],
            box["y"] + (start[1] + (end[1] - start[1]) * f) * box["height"],
        )
    page.mouse.up()


def _shown_ink(page) -> int:
    """Painted pixels of the signature in its box on the page preview."""
    return page.evaluate(
        """() => {
          const c = document.querySelector('.mark-place canvas.sign-shown');
          if (!c) return -1;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }"""
    )


def _numbers(page) -> dict[str, float]:
    return {k: float(page.input_value(f"#opt-{k}")) for k in ("x", "y", "width")}


def _ink(data: bytes, page: int, box: tuple[float, float, float, float]) -> int:
    """Dark blue pixels of the signed page inside box (fractions: left, top, right, bottom)."""
    rendered = pdfium.PdfDocument(io.BytesIO(data))[page].render(scale=1).to_pil().convert("RGB")
    w, h = rendered.size
    region = rendered.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    return len([p for p in region.get_flattened_data() if p[2] > p[0] + 30])


def _type(page, name: str, font: str = "caveat") -> None:
    page.click("#way-type")
    page.fill("#opt-text", name)
    page.check(f"#opt-font-{font}")


def test_the_pad_comes_first_and_the_numbers_wait_under_more_options(sign):
    page = sign(choose=False)
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
    assert _shown_ink(page) == 0
    _draw(page)
    expect(page.locator(".mark-place")).not_to_have_class(re.compile("empty"))
    assert _shown_ink(page) > 100  # the strokes themselves, in the box on the page
    # Drag the signature by its middle, from its default place (x 0.55, y 0.8), up and
    # left by 0.3 / 0.5.
    mark, stage = page.locator(".mark-place").bounding_box(), page.locator("#page-image")
    shown = stage.bounding_box()
    start = (
        (mark["x"] + mark["width"] / 2 - shown["x"]) / shown["width"],
        (mark["y"] + mark["height"] / 2 - shown["y"]) / shown["height"],
    )
    _drag(page, start, (start[0] - 0.3, start[1] - 0.5))
    placed = _numbers(page)
    assert abs(placed["x"] - 0.25) < 0.02 and abs(placed["y"] - 0.3) < 0.02, placed
    tall = page.locator(".mark-place").bounding_box()["height"] / shown["height"]
    assert tall < 0.1  # the box is the strokes, not the whole pad
    data = _download(page)
    x, y = placed["x"], placed["y"]
    inside = _ink(data, 3, (x - 0.01, y - 0.01, x + 0.31, y + tall + 0.01))
    assert inside > 50
    assert _ink(data, 3, (0, 0, 1, 1)) == inside  # all of it where the box was shown
    with pikepdf.open(io.BytesIO(data)) as pdf:  # other pages untouched
        assert all(len(p.get_images()) == 0 for p in pdf.pages[:3])


def test_the_box_moves_and_resizes_with_the_keyboard_and_follows_the_numbers(sign):
    page = sign()
    _draw(page)
    before = _numbers(page)
    mark = page.locator(".mark-place")
    expect(mark).to_have_attribute("aria-label", re.compile("arrow keys"))
    mark.focus()
    for key in ("ArrowLeft", "ArrowLeft", "ArrowUp", "Shift+ArrowRight"):
        page.keyboard.press(key)
    after = _numbers(page)
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


@pytest.mark.parametrize("font", sorted(FONTS))
def test_a_typed_name_is_shown_and_signed_in_the_chosen_handwriting(sign, font):
    page = sign()
    _type(page, "Ada Lovelace", font)
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.wait_for_function(
        "() => document.querySelector('.mark-place canvas.sign-shown') &&"
        " !document.querySelector('.mark-place').classList.contains('empty')"
    )
    assert _shown_ink(page) > 100
    data = _download(page)
    assert "Ada Lovelace" in texts(data)[3]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = pdf.pages[3].obj.Resources.Font
        names = {str(f.BaseFont).split("+", 1)[-1] for _n, f in fonts.items()}
    assert FONTS[font] in names, names
    assert not (set(FONTS.values()) - {FONTS[font]}) & names  # only the one chosen


def test_a_chinese_typed_name_is_shown_and_drawn_with_the_cjk_fallback(sign):
    page = sign("zh-CN")
    _type(page, "李小龍")
    expect(page.locator(".mark-place")).not_to_have_class(re.compile("empty"))
    # The page draws it with the font the PDF gets (not boxes, nor whatever the system has).
    page.wait_for_function(
        "() => Array.from(document.fonts).some(f => f.family.includes('Sheaf CJK')"
        " && f.status === 'loaded')"
    )
    assert _shown_ink(page) > 100
    placed = _numbers(page)
    data = _download(page)
    assert "李小龍" in texts(data)[3]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = pdf.pages[3].obj.Resources.Font
        assert any("DroidSansFallback" in str(f.BaseFont) for _n, f in fonts.items())
    x, y, w = placed["x"], placed["y"], placed["width"]
    assert _ink(data, 3, (x, y, x + w, min(1, y + 0.15))) > 50


def test_a_typed_signature_in_two_places(sign):
    page = sign()
    _type(page, "Ada Lovelace")
    page.click("#place-add")
    expect(page.locator(".mark-place")).to_have_count(2)
    data = _download(page)
    assert texts(data)[3].count("Ada Lovelace") == 2


def test_the_desktop_remembers_a_signature_only_when_asked_and_forgets_it(sign, sheaf):
    page = sign()
    _draw(page)
    saved = sheaf.data_dir / "data" / "signature.png"
    _download(page)
    assert not saved.exists()  # not asked
    page.check("#pad-remember")
    _download(page)
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


@pytest.fixture(scope="module")
def axe():
    script = system.axe_script()
    if script is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
    return script


@pytest.mark.parametrize("locale", sorted(EMPTY))
def test_the_sign_page_in_its_states_has_no_axe_violations(chromium, sheaf, samples, axe, locale):
    context = chromium.new_context(locale=locale, bypass_csp=True)  # lets only axe in
    page = context.new_page()
    found: dict[str, list] = {}

    def check(state: str) -> None:
        page.add_script_tag(path=str(axe))
        found[state] = page.evaluate(
            "async () => (await axe.run()).violations.map("
            "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
        )

    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/sign", wait_until="load")
        page.set_input_files("#file-input", str(samples / FOUR))
        expect(page.locator(".mark-place")).to_have_count(1)
        page.click("#run-button")
        expect(page.locator("#pad-error")).to_be_visible()
        check("nothing to sign with")
        _draw(page)
        page.click("#more-options summary")
        check("drawn and placed, more options open")
        _type(page, "Ada 李")
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
        page.set_input_files("#file-input", str(samples / FOUR))
        expect(page.locator(".mark-place")).to_have_count(1)
        _type(page, "王小明")
        before = _numbers(page)
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
        after = _numbers(page)
        assert abs(after["x"] - (before["x"] - 0.3)) < 0.02, (before, after)
        assert abs(after["y"] - (before["y"] - 0.4)) < 0.02, (before, after)
    finally:
        context.close()


def test_a_typed_name_pushed_into_the_corner_is_signed_there(sign):
    """The page measures a name as the server does (no kerning, no ligatures), so a
    box put against the page's edges is accepted and the ink lands in the corner."""
    page = sign()
    _type(page, "Jürgen Straße", "great-vibes")
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.locator(".mark-place").focus()
    for _ in range(30):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
    placed = _numbers(page)
    assert placed["x"] + placed["width"] > 0.99, placed
    data = _download(page)
    expect(page.locator("#form-error")).to_be_hidden()
    assert "Jürgen Straße" in texts(data)[3]
    assert _ink(data, 3, (placed["x"], placed["y"], 1, 1)) > 50


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
    assert _shown_ink(page) > 100
    before = _numbers(page)
    grip = page.locator(".mark-place .grip").bounding_box()
    shown = page.locator("#page-image").bounding_box()
    corner = (
        (grip["x"] + 7 - shown["x"]) / shown["width"],
        (grip["y"] + 7 - shown["y"]) / shown["height"],
    )
    _drag(page, corner, (corner[0] - 0.1, corner[1]))
    after = _numbers(page)
    assert abs(after["width"] - (before["width"] - 0.1)) < 0.02, (before, after)
    assert after["x"] == before["x"] and after["y"] == before["y"]
    data = _download(page)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[3].get_images()) == 1
    x, y, w = after["x"], after["y"], after["width"]
    tall = w * 100 / 400 * shown["width"] / shown["height"]
    assert _ink(data, 3, (x, y, x + w, y + tall)) > 50
