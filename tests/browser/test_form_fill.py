"""Fill in a form as a person does: by the words the page prints, on a picture of the
page. Real Chromium, real Sheaf, the downloaded PDF read back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from helpers import system
from helpers.browser import choose, download
from helpers.form_pdf import form_pdf
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LIBRE_FORM = "012-libreoffice-form/libreoffice-form.pdf"


@pytest.fixture
def form_page(chromium, sheaf):
    contexts = []

    def open_with(
        path: Path,
        locale: str = "en-US",
        size: tuple[int, int] = (1366, 768),
        listed: bool = True,
        **options,
    ):
        context = chromium.new_context(
            accept_downloads=True,
            locale=locale,
            viewport={"width": size[0], "height": size[1]},
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/forms", wait_until="load")
        choose(page, path)
        if listed:
            expect(page.locator("#form-fields .ff-field").first).to_be_visible()
        return page

    yield open_with
    for context in contexts:
        context.close()


def _values(data: bytes) -> dict[str, str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {f.fully_qualified_name: str(f.value) for f in pdf.acroform.fields}


def _field(page, label: str):
    return page.locator("#form-fields .ff-field", has=page.get_by_text(label, exact=True))


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_list_speaks_the_pages_words_and_a_checkbox_sits_beside_them(form_page, samples, size):
    page = form_page(samples / LIBRE_FORM, size=size)
    fields = page.locator("#form-fields")
    for words in ("First Name", "Gender", "Agree to privacy policy", "Other", "First Name 2"):
        expect(fields.get_by_text(words, exact=True)).to_be_visible()
    expect(fields).not_to_contain_text("gdpr")
    gender = page.get_by_role("group", name="Gender")
    expect(gender.get_by_role("radio", name="Female", exact=True)).to_have_value("1")
    expect(gender.get_by_role("radio", name="Male", exact=True)).to_have_value("2")
    agree = page.get_by_role("checkbox", name="Agree to privacy policy")
    words = fields.get_by_text("Agree to privacy policy", exact=True)
    box, text = agree.bounding_box(), words.bounding_box()
    assert abs(box["y"] - text["y"]) < 6, (box, text)  # one line, not one above the other
    assert box["x"] + box["width"] <= text["x"], (box, text)  # the box, then its words


def test_the_page_picture_outlines_the_fields_and_a_click_goes_to_one(form_page, samples):
    page = form_page(samples / LIBRE_FORM)
    expect(page.locator("#form-pages .ff-stage img")).to_have_attribute("src", re.compile("^data:"))
    expect(page.locator(".ff-outline")).to_have_count(9)  # every widget, both radio buttons
    picture = page.locator("#form-pages .ff-stage").bounding_box()
    outline = page.locator(".ff-outline[aria-label='Agree to privacy policy']").bounding_box()
    # Where the checkbox is printed: about a tenth from the left, a third from the top.
    assert 0.07 < (outline["x"] - picture["x"]) / picture["width"] < 0.13, (outline, picture)
    assert 0.3 < (outline["y"] - picture["y"]) / picture["height"] < 0.36, (outline, picture)
    page.click(".ff-outline[aria-label='Agree to privacy policy']")
    expect(page.get_by_role("checkbox", name="Agree to privacy policy")).to_be_focused()
    expect(_field(page, "Agree to privacy policy")).to_have_class(re.compile("ff-active"))
    page.keyboard.press("Space")
    page.click(".ff-outline[aria-label='Gender: Male']")
    expect(page.get_by_role("radio", name="Male", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    page.click(".ff-outline[aria-label='Last Name']")
    expect(page.get_by_role("textbox", name="Last Name", exact=True)).to_be_focused()
    expect(_field(page, "Agree to privacy policy")).not_to_have_class(re.compile("ff-active"))
    expect(page.locator(".ff-outline.ff-active[aria-label='Last Name']")).to_have_count(1)
    page.keyboard.type("Lee")
    # What was typed and ticked shows on the picture too, where the page will show it.
    shown = page.locator("#form-pages .ff-value-box")
    expect(shown.and_(page.locator("[data-name='Last Name']"))).to_have_text("Lee")
    expect(shown.and_(page.locator("[data-name='First Name']"))).to_have_text("Alice")
    expect(shown.and_(page.locator("[data-name='Agree to privacy policy']"))).to_have_text("✓")
    expect(shown.and_(page.locator("[data-name='Gender: Male']"))).to_have_text("●")
    expect(shown.and_(page.locator("[data-name='Gender: Female']"))).to_have_text("")
    values = _values(download(page))
    assert values["Last Name"] == "Lee" and values["gdpr"] == "/Yes"
    assert values["female"] == "/2" and values["First Name"] == "Alice"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_a_made_form_by_its_tooltips_and_state_names_on_a_phone(form_page, tmp_path, locale):
    path = tmp_path / "made-form.pdf"
    path.write_bytes(form_pdf())
    page = form_page(path, locale, (390, 844))
    fields = page.locator("#form-fields")
    for words in ("Full name", "Your e-mail address", "Comments", "Town", "I agree to the terms"):
        expect(fields.get_by_text(words, exact=True)).to_be_visible()
    # In reading order, page by page, not in the order the file lists them.
    names = page.locator("#form-fields .ff-field > label, #form-fields .ff-field legend")
    assert names.all_inner_texts() == [
        "Full name",
        "Your e-mail address",
        "Addr line 2",
        "Comments",
        "Sex",
        "Phone",
        "I agree to the terms",
        "Postcode",
        "Town",
    ]
    expect(page.locator("#form-pages h2")).to_have_text("表单" if locale == "zh-CN" else "The form")
    expect(page.locator(".ff-page figcaption")).to_have_count(2)  # both pages have fields
    expect(page.locator(".ff-stage.waiting")).to_have_count(0)  # both pictures arrived
    expect(page.locator(".ff-page img[src^='data:']")).to_have_count(2)
    sex = page.get_by_role("group", name="Sex")
    sex.get_by_text("Male", exact=True).click()
    page.get_by_role("textbox", name="Your e-mail address").fill("ada@example.org")
    page.click(".ff-outline[aria-label='Town']")
    expect(page.get_by_role("textbox", name="Town")).to_be_focused()
    page.keyboard.type("伦敦")
    data = download(page)
    values = _values(data)
    assert values["radio_grp"] == "/Male" and values["email"] == "ada@example.org"
    assert values["town"] == "伦敦"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        group = next(f for f in pdf.acroform.fields if f.fully_qualified_name == "radio_grp")
        assert [str(k.AS) for k in group.obj.Parent.Kids] == ["/Off", "/Male"]


def test_the_pictures_beside_the_list_follow_the_field_being_filled(form_page, tmp_path):
    path = tmp_path / "made-form.pdf"
    path.write_bytes(form_pdf())
    page = form_page(path)  # wide: the pictures are beside the list, page 2 below the fold
    expect(page.locator(".ff-stage.waiting")).to_have_count(0)
    pictures = page.locator("#form-pages")
    outline = page.locator(".ff-outline[aria-label='Town']")
    below = pictures.bounding_box()
    assert outline.bounding_box()["y"] > below["y"] + below["height"]  # out of sight
    page.get_by_role("textbox", name="Town").focus()
    expect(page.locator(".ff-outline.ff-active[aria-label='Town']")).to_have_count(1)
    page.wait_for_function(
        "([a, b]) => { const v = a.getBoundingClientRect(), o = b.getBoundingClientRect();"
        " return o.top >= v.top && o.bottom <= v.bottom; }",
        arg=[pictures.element_handle(), outline.element_handle()],
    )


def test_a_protected_form_is_listed_once_its_password_is_typed(form_page, samples, tmp_path):
    with pikepdf.open(samples / LIBRE_FORM) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="u", owner="o"))
    page = form_page(tmp_path / "locked.pdf", listed=False)
    expect(page.locator("#error-password")).to_be_visible()
    page.fill("#opt-password", "u")
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Agree to privacy policy")).to_be_visible()
    expect(page.locator("#form-pages .ff-stage img")).to_have_attribute("src", re.compile("^data:"))
    page.click(".ff-outline[aria-label='Last Name']")
    page.keyboard.type("Lee")
    with pikepdf.open(io.BytesIO(download(page)), password="u") as pdf:
        values = {f.fully_qualified_name: str(f.value) for f in pdf.acroform.fields}
    assert values["Last Name"] == "Lee"


@pytest.mark.parametrize(("locale", "scheme"), [("en-US", "light"), ("zh-CN", "dark")])
def test_the_filled_in_form_page_passes_axe(form_page, samples, locale, scheme):
    script = system.axe_script()
    if script is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
    # Only the test injects axe: bypass_csp lets its script in.
    page = form_page(samples / LIBRE_FORM, locale, bypass_csp=True, color_scheme=scheme)
    expect(page.locator("#form-pages .ff-stage img")).to_have_attribute("src", re.compile("^data:"))
    page.locator(".ff-outline").nth(3).click()
    page.add_script_tag(path=str(script))
    violations = page.evaluate(
        "async () => (await axe.run()).violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    assert violations == []
