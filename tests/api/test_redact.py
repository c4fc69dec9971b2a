"""Redaction through the real API, checked by extracting text, not by looking."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pikepdf
import pypdfium2 as pdfium
from pdfcheck import add_note, error_of, open_result, qpdf_ok, texts

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"
LINK = "016-libre-office-link/libre-office-link.pdf"
PROTECTED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
LIBRE_FORM = "012-libreoffice-form/libreoffice-form.pdf"


def _report(r) -> dict:
    return json.loads(unquote(r.headers["X-Sheaf-Report"]))


def test_redacted_text_cannot_be_extracted_and_other_pages_keep_theirs(
    api, pdf_file, samples, tmp_path
):
    before = texts((samples / OUTLINE).read_bytes())
    hit = [i for i, t in enumerate(before) if "contents" in t.lower()]
    assert len(hit) == 1
    r = api("redact", [pdf_file(OUTLINE)], {"text": "CONTENTS"})
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    after = texts(r.content)
    assert all("contents" not in t.lower() for t in after)
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        assert (new == old) if i not in hit else (new.strip() == "")
    assert _report(r) == {"pages": [hit[0] + 1], "found": len("contents")}
    # The redacted page is one image: no fonts, no text operators left in the file's page.
    page = out.pages[hit[0]]
    assert "/Font" not in page.obj.Resources
    assert (
        b"Tj" not in page.obj.Contents.read_bytes() and b"TJ" not in page.obj.Contents.read_bytes()
    )
    with pikepdf.open(samples / OUTLINE) as original:
        assert len(out.open_outline().root) == len(original.open_outline().root)
    raw = r.content.lower()
    assert b"contents" not in raw or b"/contents" in raw  # only the PDF key name /Contents


def test_areas_are_blacked_out_on_their_page_only(api, pdf_file, samples):
    area = {"page": 2, "x": 0.1, "y": 0.1, "width": 0.8, "height": 0.2}
    r = api("redact", [pdf_file(FOUR)], {"areas": json.dumps([area]), "dpi": "100"})
    before, after = texts((samples / FOUR).read_bytes()), texts(r.content)
    assert after[1].strip() == "" and [after[i] for i in (0, 2, 3)] == [
        before[i] for i in (0, 2, 3)
    ]
    image = pdfium.PdfDocument(io.BytesIO(r.content))[1].render(scale=1).to_pil().convert("L")
    w, h = image.size
    assert image.crop(
        (int(0.12 * w), int(0.12 * h), int(0.88 * w), int(0.28 * h))
    ).getextrema() == (0, 0)
    assert image.crop((0, int(0.5 * h), w, h)).getextrema()[1] == 255  # the rest is the page
    assert _report(r)["pages"] == [2]


def test_text_is_removed_from_details_comments_and_form_values(api, samples):
    with pikepdf.open(samples / LIBRE_FORM) as pdf:
        pdf.docinfo["/Title"] = "Project Falcon plan"
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = "Project Falcon plan"
        add_note(pdf, "ask about falcon")
        field = next(f for f in pdf.acroform.fields if f.fully_qualified_name == "Birthday")
        field.set_value(pikepdf.String("FALCON"), True)
        data = io.BytesIO()
        pdf.save(data)
    r = requests_post(api, data.getvalue(), {"text": "falcon"})
    out = open_result(r)
    assert "falcon" not in str(out.docinfo.get("/Title")).lower()
    assert b"falcon" not in out.Root.Metadata.read_bytes().lower()
    for obj in out.objects:
        if isinstance(obj, pikepdf.Dictionary):
            for value in obj.values():
                if isinstance(value, pikepdf.String):
                    assert "falcon" not in str(value).lower()
    assert _report(r)["pages"] == [1]  # the field's page became an image
    assert "/AcroForm" not in out.Root or all(
        f.get("/T") != "Birthday" for f in out.Root.AcroForm.Fields
    )


def requests_post(api, data: bytes, form: dict):
    return api("redact", [("file", ("doc.pdf", data, "application/pdf"))], form)


def test_links_outside_redacted_areas_stay(api, pdf_file, samples):
    with pikepdf.open(samples / LINK) as original:
        links = [a for a in original.pages[0].Annots if a.Subtype == "/Link"]
        assert links
    area = {"page": 1, "x": 0.0, "y": 0.9, "width": 0.2, "height": 0.09}
    r = api("redact", [pdf_file(LINK)], {"areas": json.dumps([area])})
    out = open_result(r)
    assert [a.Subtype for a in out.pages[0].Annots] == ["/Link"] * len(links)


def test_redact_keeps_the_password(api, pdf_file):
    r = api(
        "redact",
        [pdf_file(PROTECTED)],
        {
            "password": "openpassword",
            "areas": json.dumps([{"page": 1, "x": 0, "y": 0, "width": 1, "height": 0.5}]),
        },
    )
    assert r.headers["X-Sheaf-Protected"] == "kept"
    assert open_result(r, password="openpassword").is_encrypted


def test_redact_says_when_there_is_nothing_to_remove_or_the_areas_are_wrong(api, pdf_file):
    r = api("redact", [pdf_file(FOUR)], {"text": "zebra-unicorn"}, lang="zh-CN")
    assert "zebra-unicorn" in error_of(r, 422, "nothing_to_redact")
    r = api(
        "redact",
        [pdf_file(FOUR)],
        {"areas": '[{"page": 1, "x": 0.9, "y": 0, "width": 0.5, "height": 0.1}]'},
    )
    error_of(r, 400, "bad_option")
    assert r.json()["field"] == "areas"
    r = api(
        "redact",
        [pdf_file(FOUR)],
        {"areas": '[{"page": 9, "x": 0, "y": 0, "width": 0.5, "height": 0.1}]'},
    )
    error_of(r, 400, "page_out_of_range")
    error_of(api("redact", [pdf_file(FOUR)], {}), 400, "bad_option")
