"""Tools that work on a picture of a page: drawing crop and redaction boxes, seeing a
stamp before running (placing a signature: test_sign_page.py). Real Chromium, real
Sheaf, results read from the file."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from helpers.browser import choose, download, drag
from helpers.pdfcheck import texts
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


@pytest.fixture
def tool(chromium, sheaf, samples):
    context = chromium.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    page.goto(sheaf.url)
    page.wait_for_url(f"{sheaf.base}/")

    def open_with(slug: str, sample: str = FOUR):
        page.goto(f"{sheaf.base}/tools/{slug}", wait_until="load")
        choose(page, str(samples / sample))
        expect(page.locator("#page-box")).to_be_visible()
        expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
        return page

    yield open_with
    context.close()


def _download(page) -> bytes:
    return download(page)


def test_a_crop_box_drawn_on_the_page_sets_the_margins(tool):
    page = tool("crop")
    drag(page, (0.2, 0.1), (0.8, 0.9))
    margins = {e: float(page.input_value(f"#opt-{e}")) for e in ("left", "top", "right", "bottom")}
    assert all(
        abs(v - want) < 0.02 for v, want in zip(margins.values(), (0.2, 0.1, 0.2, 0.1), strict=True)
    )
    data = _download(page)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page0 = pdf.pages[0]
        x0, y0, x1, y1 = (float(v) for v in page0.mediabox)
        crop = [float(v) for v in page0.cropbox]
        assert abs(crop[0] - (x0 + margins["left"] * (x1 - x0))) < 0.5
        assert abs(crop[3] - (y1 - margins["top"] * (y1 - y0))) < 0.5


def test_redaction_boxes_on_another_page_remove_that_pages_text(tool):
    page = tool("redact")
    page.click("#page-next")
    expect(page.locator("#page-label")).to_have_text("Page 2 of 4")
    drag(page, (0.1, 0.1), (0.9, 0.5))
    expect(page.locator(".mark-boxes")).to_have_count(1)
    data = _download(page)
    after = texts(data)
    assert after[1].strip() == "" and after[0].strip() and after[2].strip()
    expect(page.locator("#result")).to_contain_text("2")  # "These pages are now pictures: 2"


def test_page_numbers_show_on_the_preview_before_running(tool):
    page = tool("page-numbers")
    first = page.get_attribute("#page-image", "src")
    page.fill("#opt-size", "40")
    page.locator("#opt-size").dispatch_event("change")
    expect(page.locator("#page-image")).not_to_have_attribute("src", first)


def test_a_form_is_filled_as_a_real_form(chromium, sheaf, samples):
    context = chromium.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/forms", wait_until="load")
        page.set_input_files(
            "#file-input", str(samples / "012-libreoffice-form/libreoffice-form.pdf")
        )
        expect(page.locator("#form-fields input[type=radio]")).to_have_count(2)
        expect(page.locator("#ff-0")).to_have_value("Alice")  # current values shown
        page.get_by_role("radio", name="Male", exact=True).check()  # as the page says
        page.get_by_role("checkbox", name="Agree to privacy policy").check()
        page.fill("#ff-1", "王")
        data = _download(page)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            values = {f.fully_qualified_name: f.value for f in pdf.acroform.fields}
        assert str(values["Last Name"]) == "王" and str(values["gdpr"]) == "/Yes"
        assert str(values["female"]) == "/2" and str(values["First Name"]) == "Alice"
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_crop_box_over_the_top_half_is_accepted_as_drawn(chromium, sheaf, samples, locale, size):
    """Drawing over the top half means a bottom margin of a half: Crop takes it as drawn."""
    context = chromium.new_context(
        accept_downloads=True, locale=locale, viewport={"width": size[0], "height": size[1]}
    )
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/crop", wait_until="load")
        choose(page, str(samples / FOUR))
        expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
        drag(page, (0.0, 0.0), (1.0, 0.5))
        bottom = float(page.input_value("#opt-bottom"))
        assert abs(bottom - 0.5) < 0.02, bottom
        data = _download(page)
        expect(page.locator(".field-error")).to_have_count(0)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].mediabox)
            crop = [float(v) for v in pdf.pages[0].cropbox]
            assert abs(crop[1] - (y0 + bottom * (y1 - y0))) < 0.5, crop
            assert abs(crop[3] - y1) < 0.5, crop
            assert abs(crop[0] - x0) < 0.5 and abs(crop[2] - x1) < 0.5, crop
    finally:
        context.close()


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_run_button_stays_put_when_the_page_picture_arrives(chromium, sheaf, samples, size):
    """The preview answer is held back until the button has been measured: its place is
    kept while it is on its way, so the button does not move when it lands."""
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]})
    held = []
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/crop", wait_until="load")

        def hold(route) -> None:
            if held and held[0] == "released":
                route.continue_()
            else:
                held.append(route)

        page.route("**/api/v1/preview", hold)
        choose(page, str(samples / FOUR))
        expect(page.locator("#page-box")).to_be_visible()
        page.wait_for_function("document.querySelector('#page-stage.waiting') !== null")
        before = page.locator("#run-button").bounding_box()["y"]
        waiting, held[:] = list(held), ["released"]
        for route in waiting:
            route.continue_()
        expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
        expect(page.locator("#page-stage")).not_to_have_class(re.compile("waiting"))
        after = page.locator("#run-button").bounding_box()["y"]
        assert abs(after - before) < 8, (before, after)
    finally:
        context.close()
