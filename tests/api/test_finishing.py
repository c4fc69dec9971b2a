"""Crop, flatten and repair through the real API, checked in the result file."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pikepdf
import pypdfium2 as pdfium
from helpers.pdfcheck import error_of, open_result, qpdf_ok

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
ROTATED = "015-arabic/habibi-rotated.pdf"
FORMS = "010-pdflatex-forms/pdflatex-forms.pdf"
LIBRE_FORM = "012-libreoffice-form/libreoffice-form.pdf"
ANNOTATED = "024-annotations/annotated_pdf.pdf"


def _box(page: pikepdf.Page) -> list[float]:
    return [round(float(v), 2) for v in page.cropbox]


def test_crop_margins_set_the_crop_box_and_keep_the_content(api, pdf_file, samples, tmp_path):
    r = api(
        "crop",
        [pdf_file(FOUR)],
        {"left": "0.1", "right": "0.1", "top": "0.2", "bottom": "0", "pages": "2"},
    )
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    with pikepdf.open(samples / FOUR) as original:
        x0, y0, x1, y1 = (float(v) for v in original.pages[1].mediabox)
        w, h = x1 - x0, y1 - y0
        assert _box(out.pages[1]) == [
            round(v, 2) for v in (x0 + 0.1 * w, y0, x1 - 0.1 * w, y1 - 0.2 * h)
        ]
        assert _box(out.pages[0]) == _box(original.pages[0])  # other pages untouched
        # Nothing under the crop box was removed.
        assert out.pages[1].obj.Contents.read_bytes() == original.pages[1].obj.Contents.read_bytes()


def test_crop_follows_the_page_as_shown_when_it_is_rotated(api, pdf_file, samples):
    with pikepdf.open(samples / ROTATED) as original:
        turned = next(
            i for i, p in enumerate(original.pages) if int(p.obj.get("/Rotate", 0)) % 360 == 90
        )
        x0, y0, x1, y1 = (float(v) for v in original.pages[turned].cropbox)
    r = api("crop", [pdf_file(ROTATED)], {"top": "0.25", "pages": str(turned + 1)})
    out = open_result(r)
    box = _box(out.pages[turned])
    # Shown turned clockwise by 90 degrees, the stored left edge is at the top.
    assert box == [round(x0 + 0.25 * (x1 - x0), 2), round(y0, 2), round(x1, 2), round(y1, 2)]


def test_auto_crop_trims_white_margins(api, pdf_file, samples):
    r = api("crop", [pdf_file(FOUR)], {"mode": "auto"})
    out = open_result(r)
    with pikepdf.open(samples / FOUR) as original:
        for before, after in zip(original.pages, out.pages, strict=True):
            b, a = _box(before), _box(after)
            assert a[0] > b[0] and a[2] < b[2] and a[1] > b[1] and a[3] < b[3]


def test_crop_margins_are_bounded(api, pdf_file):
    r = api("crop", [pdf_file(FOUR)], {"left": "0.99"}, lang="zh-CN")
    assert "0.98" in error_of(r, 400, "bad_field")
    r = api("crop", [pdf_file(FOUR)], {"top": "0.5", "bottom": "0.49"}, lang="zh-CN")
    assert "页面就什么都不剩了" in error_of(r, 400, "bad_option")


def test_crop_keeps_the_top_half_when_asked(api, pdf_file, samples):
    """A bottom margin of a half is what drawing over the top half of a page means."""
    out = open_result(api("crop", [pdf_file(FOUR)], {"bottom": "0.5"}))
    with pikepdf.open(samples / FOUR) as original:
        x0, y0, x1, y1 = (float(v) for v in original.pages[0].mediabox)
    assert _box(out.pages[0]) == [round(v, 2) for v in (x0, y0 + (y1 - y0) / 2, x1, y1)]


def test_flatten_burns_fields_and_annotations_into_the_pages(api, pdf_file, samples):
    for sample in (FORMS, LIBRE_FORM, ANNOTATED):
        r = api("flatten", [pdf_file(sample)])
        out = open_result(r)
        assert "/AcroForm" not in out.Root, sample
        for page in out.pages:
            kinds = {str(a.get("/Subtype")) for a in page.obj.get("/Annots", [])}
            assert kinds <= {"/Link", "/Popup"}, (sample, kinds)
        # What was shown is now drawn: the first page renders the same as before.
        before = pdfium.PdfDocument(str(samples / sample))[0].render(scale=0.5).to_pil()
        after = pdfium.PdfDocument(io.BytesIO(r.content))[0].render(scale=0.5).to_pil()
        from PIL import ImageChops

        diff = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L")
        differing = sum(diff.point(lambda v: 255 if v else 0).histogram()[255:])
        assert differing < before.width * before.height * 0.02, sample


def test_repair_rebuilds_and_reports(api, samples, tmp_path):
    data = (samples / FOUR).read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref\n")
    broken = data[:start] + b"1" + data[data.index(b"\n", start) :]
    r = api("repair", [("file", ("报告.pdf", io.BytesIO(broken), "application/pdf"))])
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    assert len(out.pages) == 4
    report = json.loads(unquote(r.headers["X-Sheaf-Report"]))
    assert report["repaired"] is True and report["problems"] >= 1 and report["pages"] == 4
    assert r.headers["X-Sheaf-Report"].isascii()
    healthy = json.loads(
        unquote(
            api("repair", [("file", ("ok.pdf", io.BytesIO(data), "application/pdf"))]).headers[
                "X-Sheaf-Report"
            ]
        )
    )
    assert healthy["repaired"] is False
