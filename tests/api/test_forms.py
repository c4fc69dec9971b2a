"""Form listing and filling through the real API, checked in the result file."""

from __future__ import annotations

import io
import json

import pikepdf
import pypdfium2 as pdfium
from helpers.form_pdf import TOWN_PAGE, TOWN_SHOWN, form_pdf
from helpers.pdfcheck import add_note, error_of, open_result, qpdf_ok, texts

LATEX_FORM = "010-pdflatex-forms/pdflatex-forms.pdf"
LIBRE_FORM = "012-libreoffice-form/libreoffice-form.pdf"
ANNOTATED = "024-annotations/annotated_pdf.pdf"


def _fields(api, file) -> dict[str, dict]:
    r = api("forms", [file])
    assert r.status_code == 200, r.text
    return {f["name"]: f for f in r.json()["fields"]}


def test_forms_lists_fields_with_types_values_options_and_pages(api, pdf_file):
    fields = _fields(api, pdf_file(LIBRE_FORM))
    first = fields["First Name"]
    assert first == {
        "name": "First Name",
        "label": "First Name",
        "type": "text",
        "value": "Alice",
        "options": [],
        "choices": [],
        "page": 1,
        "widgets": [{"page": 1, "box": first["widgets"][0]["box"], "value": None}],
        "required": False,
        "read_only": False,
    }
    assert fields["gdpr"]["type"] == "checkbox" and fields["gdpr"]["value"] is False
    assert fields["female"]["type"] == "radio" and fields["female"]["options"] == ["1", "2"]
    assert (
        fields["Nationality"]["type"] == "choice" and "German" in fields["Nationality"]["options"]
    )
    assert _fields(api, pdf_file(LATEX_FORM))["Check"]["options"] == ["Yes"]
    assert api("forms", [pdf_file(ANNOTATED)]).json() == {"fields": []}


def test_filled_values_have_their_own_appearance_in_any_language(api, pdf_file, tmp_path):
    values = {
        "Last Name": "王芳",
        "Birthday": "1990-01-01",
        "gdpr": True,
        "female": "2",
        "Nationality": "German",
    }
    r = api("forms/fill", [pdf_file(LIBRE_FORM)], {"values": json.dumps(values)})
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    assert "/NeedAppearances" not in out.Root.AcroForm  # nothing left for viewers to draw
    fields = _fields(api, ("file", ("f.pdf", r.content, "application/pdf")))
    assert fields["Last Name"]["value"] == "王芳" and fields["gdpr"]["value"] is True
    assert fields["female"]["value"] == "2" and fields["First Name"]["value"] == "Alice"
    widgets = {str(a.T): a for a in out.pages[0].Annots if "/T" in a}
    for name in ("Last Name", "Birthday", "Nationality", "First Name"):
        appearance = widgets[name].AP.N.read_bytes()
        assert b" Tj" in appearance, name  # drawn, not left to the viewer
    assert widgets["gdpr"].AS == "/Yes"
    # The value is text in the appearance, with an embedded font that has the glyphs.
    fonts = widgets["Last Name"].AP.N.Resources.Font
    assert any("DroidSansFallback" in str(f.BaseFont) for f in fonts.values())


def test_fill_and_flatten_makes_values_page_text_and_the_form_goes(api, pdf_file, samples):
    r = api(
        "forms/fill",
        [pdf_file(LATEX_FORM)],
        {"values": json.dumps({"Name": "Zoë 张", "Check": True}), "flatten": "true"},
    )
    out = open_result(r)
    assert "/AcroForm" not in out.Root
    assert not [a for a in out.pages[0].obj.get("/Annots", []) if a.Subtype == "/Widget"]
    assert "Zoë 张" in texts(r.content)[0]


def test_flattening_a_form_keeps_comments(api, pdf_file, samples):
    with pikepdf.open(samples / LIBRE_FORM) as pdf:
        add_note(pdf, "a note")
        data = io.BytesIO()
        pdf.save(data)
    r = api(
        "forms/fill",
        [("file", ("c.pdf", data.getvalue(), "application/pdf"))],
        {"values": "{}", "flatten": "true"},
    )
    out = open_result(r)
    assert [str(a.Subtype) for a in out.pages[0].Annots] == ["/Text"]


def test_fill_refuses_unknown_fields_wrong_values_and_bad_json(api, pdf_file):
    for values in (
        '{"Nobody": "x"}',
        '{"Nationality": "Martian"}',
        '{"female": "7"}',
        '{"Last Name": ["a"]}',
    ):
        r = api("forms/fill", [pdf_file(LIBRE_FORM)], {"values": values}, lang="zh-CN")
        error_of(r, 400, "bad_option")
        assert r.json()["field"] == "values"
    r = api("forms/fill", [pdf_file(LIBRE_FORM)], {"values": "[1]"})
    error_of(r, 400, "bad_field")
    r = api("forms/fill", [pdf_file(LIBRE_FORM)], {"values": '{"Last Name": "🙂"}'})
    error_of(r, 400, "cannot_draw")


def test_fill_keeps_the_password(api, samples, tmp_path):
    with pikepdf.open(samples / LIBRE_FORM) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(user="u", owner="o"))
    with open(tmp_path / "locked.pdf", "rb") as handle:
        r = api(
            "forms/fill",
            [("file", ("locked.pdf", handle, "application/pdf"))],
            {"values": '{"Last Name": "Lee"}', "password": "u"},
        )
    assert r.headers["X-Sheaf-Protected"] == "kept"
    assert open_result(r, password="u").is_encrypted


def _form(data: bytes) -> tuple:
    return ("file", ("form.pdf", data, "application/pdf"))


def test_fields_are_labelled_by_the_words_printed_beside_them(api, pdf_file):
    """The shared forms: what the page says, not the internal names."""
    fields = _fields(api, pdf_file(LIBRE_FORM))
    labels = {name: f["label"] for name, f in fields.items()}
    assert labels == {
        "First Name": "First Name",
        "Last Name": "Last Name",
        "Birthday": "Birthday",
        "female": "Gender",  # printed above the buttons
        "Nationality": "Nationality",  # above the list
        "gdpr": "Agree to privacy policy",  # right of the checkbox
        "other": "Other",
        "First Name_2": "First Name 2",  # nothing printed near: the name, readable
    }
    assert fields["female"]["choices"] == [
        {"value": "1", "label": "Female"},
        {"value": "2", "label": "Male"},
    ]
    latex = _fields(api, pdf_file(LATEX_FORM))
    assert latex["Name"]["label"] == "Name" and latex["Check"]["label"] == "Check"
    # Each widget's box is on its page, left of the words that label it.
    box = fields["gdpr"]["widgets"][0]["box"]
    assert 0.05 < box[0] < box[2] < 0.15 and 0.3 < box[1] < box[3] < 0.36, box


def test_tooltips_printed_words_and_state_names_label_a_made_form(api):
    fields = _fields(api, _form(form_pdf()))
    assert {name: f["label"] for name, f in fields.items()} == {
        "fullname": "Full name",  # left, same line
        "email": "Your e-mail address",  # the tooltip wins over the printed "E-mail"
        "addr_line_2": "Addr line 2",
        "comments": "Comments",  # just above
        "tel": "Phone",  # the line of underscores it is drawn over is no word
        "zip_cd": "Postcode",  # printed in the box the field covers
        "radio_grp": "Sex",  # before the buttons, which have no words of their own
        "agree": "I agree to the terms",
        "town": "Town",  # on a turned page, left as shown
    }
    assert fields["radio_grp"]["choices"] == [
        {"value": "Female", "label": "Female"},
        {"value": "Male", "label": "Male"},
    ]
    assert [w["value"] for w in fields["radio_grp"]["widgets"]] == ["Female", "Male"]
    assert fields["agree"]["choices"] == [{"value": "Yes", "label": "I agree to the terms"}]


def test_a_widget_box_is_where_the_page_picture_shows_it(api):
    """Page 2 is cropped and turned: the box is a fraction of the page as shown, and
    the field's red appearance is there on pdfium's picture of it."""
    data = form_pdf()
    (town,) = _fields(api, _form(data))["town"]["widgets"]
    width, height = TOWN_PAGE
    want = [TOWN_SHOWN[0] / width, TOWN_SHOWN[1] / height]
    want += [TOWN_SHOWN[2] / width, TOWN_SHOWN[3] / height]
    assert town["page"] == 2
    assert all(abs(a - b) < 0.002 for a, b in zip(town["box"], want, strict=True)), town
    document = pdfium.PdfDocument(data)
    document.init_forms()  # so pdfium draws the fields' appearances
    page = document[1]
    picture = page.render(scale=1, may_draw_forms=True).to_pil().convert("RGB")
    assert picture.size == (720, 540)
    left, top, right, bottom = town["box"]
    inside = picture.getpixel((int((left + right) / 2 * 720), int((top + bottom) / 2 * 540)))
    outside = picture.getpixel((int((left + right) / 2 * 720), int((bottom + 0.05) * 540)))
    assert inside[0] > 200 and inside[1] < 60, inside
    assert outside == (255, 255, 255), outside


def test_filling_by_the_listed_values_sets_value_and_appearance(api, tmp_path):
    fields = _fields(api, _form(form_pdf()))
    male = fields["radio_grp"]["choices"][1]["value"]
    yes = fields["agree"]["choices"][0]["value"]
    values = {"radio_grp": male, "agree": True, "fullname": "Ada Lovelace"}
    r = api("forms/fill", [_form(form_pdf())], {"values": json.dumps(values)})
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    by_name = {f.fully_qualified_name: f for f in out.acroform.fields}
    assert by_name["radio_grp"].obj.Parent.V == "/Male"
    kids = by_name["radio_grp"].obj.Parent.Kids
    assert [str(k.AS) for k in kids] == ["/Off", "/Male"]
    assert str(by_name["agree"].obj.V) == str(by_name["agree"].obj.AS) == f"/{yes}"
    assert str(by_name["fullname"].value) == "Ada Lovelace"
    again = _fields(api, ("file", ("f.pdf", r.content, "application/pdf")))
    assert again["radio_grp"]["value"] == "Male" and again["agree"]["value"] is True
