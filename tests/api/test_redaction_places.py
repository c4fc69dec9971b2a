"""Redaction tried as an attacker would: one secret in every place a PDF can hold text.

Each document of :mod:`redaction_places` hides the secret (Latin and Chinese) in
one place; it is redacted through the real API, by text and by area, and three
independent readers look for the secret in the result (:func:`redaction_docs.leaks`):
the decoded file in every encoding, pdfium's and poppler's text, and the pixels
(the secret is drawn in pure red). The words beside it (blue ``KEEP``, green
``OTHER``) must still be there: redaction removes the secret, not the page.
"""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pikepdf
import pypdfium2 as pdfium
import pytest
from helpers.pdfcheck import texts
from helpers.redaction_docs import (
    BLUE,
    GREEN,
    RED,
    SECRETS,
    Doc,
    colour_pixels,
    leaks,
    page_texts,
    qdf,
    rgb,
)
from helpers.redaction_places import PLACES, Place, build

CASES = [
    pytest.param(place, secret, id=f"{place.name}-{'latin' if secret.isascii() else 'chinese'}")
    for place in PLACES
    for secret in SECRETS
    if secret.isascii() or not place.latin_only
]


def _redact(api, data: bytes, form: dict, password: str = ""):
    form = {**form, "password": password} if password else form
    return api("redact", [("file", ("secret.pdf", data, "application/pdf"))], form)


def _report(r) -> dict:
    return json.loads(unquote(r.headers["X-Sheaf-Report"]))


def _post(api, data: bytes, form: dict):
    return api("redact", [("file", ("doc.pdf", data, "application/pdf"))], form)


def _kept_words(before: bytes, after: bytes, password: str) -> None:
    """KEEP (page 1) and OTHER (page 2) still show, as much of them as before."""
    for colour, page in ((BLUE, 0), (GREEN, 1)):
        was = colour_pixels(before, colour, password)[page]
        assert colour_pixels(after, colour, password)[page] >= 0.9 * was > 0


@pytest.mark.parametrize(("place", "secret"), CASES)
def test_text_redaction_leaves_the_secret_nowhere(api, place: Place, secret: str):
    data = build(place, secret)
    assert leaks(data, secret, place.password), "the input does not hold the secret"
    r = _redact(api, data, {"text": secret}, place.password)
    assert r.status_code == 200, r.text[:300]
    assert leaks(r.content, secret, place.password) == []
    _kept_words(data, r.content, place.password)
    report = _report(r)
    assert bool(report["pages"]) == place.pictures
    assert report["where"]
    texts = page_texts(r.content, place.password)
    for number, word in ((1, "KEEP"), (2, "OTHER")):
        if number not in report["pages"]:
            assert word in texts[number - 1]  # a page that is not a picture keeps its text
    if place.password:
        assert r.headers["X-Sheaf-Protected"] == "kept"
        assert pikepdf.open(io.BytesIO(r.content), password=place.password).is_encrypted


def _red_areas(data: bytes, password: str) -> list[dict]:
    """Where the input shows red, as the areas a person would draw over it."""
    from PIL import ImageChops

    doc = pdfium.PdfDocument(data, password=password or None)
    doc.init_forms()
    areas = []
    try:
        for number, page in enumerate(doc, 1):
            image = page.render(scale=2, may_draw_forms=True).to_pil().convert("RGB")
            r, g, b = image.split()
            low = ImageChops.multiply(
                g.point(lambda v: 255 if v < 110 else 0), b.point(lambda v: 255 if v < 110 else 0)
            )
            box = ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0), low).getbbox()
            if box:
                w, h = image.size
                left, top = max(0, box[0] - 3), max(0, box[1] - 3)
                right, bottom = min(w, box[2] + 3), min(h, box[3] + 3)
                areas.append(
                    {
                        "page": number,
                        "x": left / w,
                        "y": top / h,
                        "width": (right - left) / w,
                        "height": (bottom - top) / h,
                    }
                )
    finally:
        doc.close()
    return areas


AREA_CASES = [
    pytest.param(place, secret, id=f"{place.name}-{'latin' if secret.isascii() else 'chinese'}")
    for place, secret in (c.values for c in CASES)
    if place.drawn
]


@pytest.mark.parametrize(("place", "secret"), AREA_CASES)
def test_area_redaction_blacks_what_shows_there(api, place: Place, secret: str):
    data = build(place, secret)
    areas = _red_areas(data, place.password)
    assert areas, "the input shows no red"
    r = _redact(api, data, {"areas": json.dumps(areas)}, place.password)
    assert r.status_code == 200, r.text[:300]
    assert sum(colour_pixels(r.content, RED, place.password)) == 0
    _kept_words(data, r.content, place.password)
    assert _report(r)["pages"] == sorted({a["page"] for a in areas})


@pytest.mark.parametrize("secret", ["ZEBRA42", "绝密文件"])
def test_an_old_revision_left_by_an_incremental_update_goes(api, secret):
    """Page 2 held the secret before an incremental update replaced its text: the old
    revision is still in the file's bytes until Sheaf writes the file anew."""
    doc = Doc.new(secret)
    doc.write(0, secret, 40, 120)
    doc.write(1, secret, 40, 60)
    first = doc.save(compress_streams=False)
    with pikepdf.open(io.BytesIO(first)) as pdf:
        content = pdf.pages[1].obj.Contents
        last = content[len(content) - 1] if isinstance(content, pikepdf.Array) else content
        old, number = last.read_raw_bytes(), last.objgen[0]
        size, root = int(pdf.trailer.Size), pdf.Root.objgen[0]
    start = first.rindex(b"startxref") + len(b"startxref")
    previous = int(first[start:].split()[0])
    body = b"q Q"
    obj = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (number, len(body), body)
    offset, xref = len(first) + 1, len(first) + 1 + len(obj)
    trailer = b"<< /Size %d /Root %d 0 R /Prev %d >>" % (size, root, previous)
    update = b"\n%sxref\n%d 1\n%010d 00000 n \ntrailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (
        obj,
        number,
        offset,
        trailer,
        xref,
    )
    data = first + update
    assert old in data and old not in qdf(data)  # the old revision is only in the bytes
    assert texts(data)[1].strip() == "OTHER"
    r = _post(api, data, {"text": secret})
    assert leaks(r.content, secret) == [] and old not in r.content
    assert _report(r)["pages"] == [1]


def test_form_values_shown_on_a_redacted_page_stay_in_its_picture(api):
    """Issue 17 (7): a field's value is drawn as a viewer draws it, also where the
    form asks viewers to draw values themselves (no appearance)."""
    doc = Doc.new("ZEBRA42")
    doc.write(0, "ZEBRA42", 40, 40)
    fields = []
    for name, top, drawn in (("drawn", 200, True), ("asked", 150, False)):
        widget = doc.pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Tx,
                T=pikepdf.String(name),
                V=pikepdf.String("SHOWN"),
                Rect=[200, top, 380, top + 30],
                F=4,
                DA=pikepdf.String(f"{rgb(GREEN)} rg /Helv 18 Tf"),
                P=doc.page(0).obj,
            )
        )
        if drawn:
            widget.AP = pikepdf.Dictionary(
                N=doc.form(f"BT {rgb(GREEN)} rg 4 8 Td /Helv 18 Tf (SHOWN) Tj ET", (0, 0, 180, 30))
            )
        fields.append(widget)
    doc.page(0).obj.Annots = fields
    doc.pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=fields,
        NeedAppearances=True,
        DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=doc.helvetica)),
    )
    data = doc.save()
    r = _post(api, data, {"text": "ZEBRA42"})
    assert _report(r)["pages"] == [1]
    shown = colour_pixels(r.content, GREEN)[0]
    assert shown > 0.8 * colour_pixels(data, GREEN)[0] > 0
    assert colour_pixels(r.content, RED) == [0, 0]
