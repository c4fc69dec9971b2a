"""Form listing and filling through the real API, checked in the result file."""

from __future__ import annotations

import io
import json

import pikepdf
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
    assert fields["First Name"] == {
        "name": "First Name",
        "type": "text",
        "value": "Alice",
        "options": [],
        "page": 1,
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
