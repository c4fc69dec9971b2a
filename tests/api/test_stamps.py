"""Page numbers and watermarks through the real API, checked by reading the result's text."""

from __future__ import annotations

import io
import json
import re

import pikepdf
import pypdfium2 as pdfium
from helpers.pdfcheck import error_of, open_result, qpdf_ok, texts
from PIL import Image

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
ROTATED = "015-arabic/habibi-rotated.pdf"
PROTECTED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
FORMS = "010-pdflatex-forms/pdflatex-forms.pdf"


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    found = []
    for page in pdf.pages:
        fonts = page.obj.Resources.get("/Font", {})
        found += [f for name, f in fonts.items() if re.match(r"/Sheaf[0-9a-f]{6}F", name)]
    return found


def _embedded(font: pikepdf.Object) -> bool:
    descendant = font.DescendantFonts[0]
    return "/FontFile2" in descendant.FontDescriptor and "/ToUnicode" in font


def test_page_numbers_are_real_text_in_chinese_and_latin(api, pdf_file, samples, tmp_path):
    r = api(
        "page-numbers",
        [pdf_file(FOUR)],
        {"format": "第 {n} 页，共 {total} 页 · Page {n}", "position": "top-right", "start": "3"},
    )
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    after = texts(r.content)
    before = texts((samples / FOUR).read_bytes())
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        assert f"第 {i + 3} 页，共 6 页 · Page {i + 3}" in new
        assert old.strip() in new  # the page's own text is still there
    fonts = _fonts(out)
    assert fonts and all(_embedded(f) for f in fonts)
    base_fonts = {str(f.BaseFont).split("+")[-1] for f in fonts}
    assert base_fonts == {"DejaVuSans", "DroidSansFallback"}
    # Subsets: the whole CJK font is 3.4 MB; this file grew by far less.
    assert len(r.content) < (samples / FOUR).stat().st_size + 80_000


def test_page_numbers_sit_where_asked_on_pages_as_shown(api, pdf_file):
    r = api("page-numbers", [pdf_file(ROTATED)], {"position": "bottom-left", "format": "#{n}"})
    doc = pdfium.PdfDocument(io.BytesIO(r.content))
    for index in range(len(doc)):
        page = doc[index]
        text = page.get_textpage()
        found = text.search(f"#{index + 1}", match_whole_word=False)
        assert found.get_next() is not None
        # pdfium gives boxes in the unrotated page space; render to check what people see.
        image = page.render(scale=0.5).to_pil().convert("L")
        w, h = image.size
        corner = image.crop((0, int(h * 0.9), int(w * 0.3), h))
        assert corner.getextrema()[0] < 128, f"no ink bottom-left of page {index + 1}"


def test_page_numbers_only_on_chosen_pages_and_keep_the_document(api, pdf_file, samples):
    r = api("page-numbers", [pdf_file(FORMS)], {"pages": "1", "format": "Seite {n}"})
    out = open_result(r)
    with pikepdf.open(samples / FORMS) as original:
        assert len(out.Root.AcroForm.Fields) == len(original.Root.AcroForm.Fields)
        assert out.docinfo.get("/Title") == original.docinfo.get("/Title")
    assert "Seite 1" in texts(r.content)[0]


def test_page_numbers_keep_the_password(api, pdf_file):
    r = api("page-numbers", [pdf_file(PROTECTED)], {"password": "openpassword"})
    assert r.headers["X-Sheaf-Protected"] == "kept"
    out = open_result(r, password="openpassword")
    assert out.is_encrypted
    assert texts(r.content, "openpassword")[0].strip().endswith("1")


def test_page_numbers_refuse_a_format_without_the_number_and_undrawable_text(api, pdf_file):
    r = api("page-numbers", [pdf_file(FOUR)], {"format": "Page"}, lang="zh-CN")
    assert r.json()["field"] == "format"
    error_of(r, 400, "bad_option")
    r = api("page-numbers", [pdf_file(FOUR)], {"format": "{n} 🙂"})
    assert "🙂" in error_of(r, 400, "cannot_draw")
    assert r.json()["field"] == "format"


def test_text_watermark_is_real_translucent_text_on_each_page(api, pdf_file, samples):
    r = api("watermark", [pdf_file(FOUR)], {"text": "机密 CONFIDENTIAL", "pages": "2-3"})
    out = open_result(r)
    after = texts(r.content)
    assert ["机密 CONFIDENTIAL" in t for t in after] == [False, True, True, False]
    states = out.pages[1].obj.Resources.ExtGState
    assert any(float(s.get("/ca", 1)) == 0.3 for s in states.values())
    # Over the page: the last content stream draws it.
    contents = out.pages[1].obj.Contents
    assert re.search(rb"/Sheaf\w+F0", contents[len(contents) - 1].read_bytes())


def test_watermark_under_the_content_comes_first(api, pdf_file):
    r = api("watermark", [pdf_file(FOUR)], {"text": "DRAFT", "layer": "under", "opacity": "1"})
    out = open_result(r)
    contents = out.pages[0].obj.Contents
    assert re.search(rb"/Sheaf\w+F0", contents[0].read_bytes())
    assert "DRAFT" in texts(r.content)[0]


def test_image_watermark_keeps_transparency(api, pdf_file):
    stamp = Image.new("RGBA", (200, 100), (255, 0, 0, 0))
    stamp.paste((255, 0, 0, 255), (50, 25, 150, 75))
    data = io.BytesIO()
    stamp.save(data, "PNG")
    r = api(
        "watermark",
        [pdf_file(FOUR), ("image", ("stamp.png", data.getvalue(), "image/png"))],
        {"opacity": "1", "angle": "0"},
    )
    out = open_result(r)
    images = [x for name, x in out.pages[0].obj.Resources.XObject.items() if "Sheaf" in name]
    assert images and "/SMask" in images[0]
    page = pdfium.PdfDocument(io.BytesIO(r.content))[0].render(scale=1).to_pil().convert("RGB")
    w, h = page.size
    assert page.getpixel((w // 2, h // 2)) == (255, 0, 0)  # the opaque middle
    corner = page.getpixel((int(w * 0.27), int(h * 0.5)))  # transparent edge: page shows
    assert corner != (255, 0, 0)


def test_watermark_needs_text_or_an_image_and_a_real_image(api, pdf_file):
    error_of(api("watermark", [pdf_file(FOUR)], {}), 400, "bad_option")
    r = api("watermark", [pdf_file(FOUR), ("image", ("x.png", b"not an image", "image/png"))])
    error_of(r, 422, "unsupported_image")


def _ink(data: bytes, index: int, box: tuple[float, float, float, float]) -> int:
    """The darkest grey in a part of a page (fractions of the shown page)."""
    image = pdfium.PdfDocument(io.BytesIO(data))[index].render(scale=1).to_pil().convert("L")
    w, h = image.size
    return image.crop(
        (int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))
    ).getextrema()[0]


def test_a_page_stamped_twice_keeps_both_stamps(api, pdf_file, tmp_path):
    numbered = api("page-numbers", [pdf_file(FOUR)], {"position": "bottom-right", "size": "14"})
    assert _ink(numbered.content, 0, (0.8, 0.93, 1, 1)) < 100
    r = api(
        "watermark",
        [("file", ("numbered.pdf", numbered.content, "application/pdf"))],
        {"text": "机密", "pages": "1"},
    )
    assert _ink(r.content, 0, (0.8, 0.93, 1, 1)) < 100  # the number is still drawn
    assert "机密" in texts(r.content)[0]


def _signature_png() -> bytes:
    sig = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    for x in range(20, 280):
        for dy in range(-3, 4):
            sig.putpixel((x, 50 + dy + (x // 20) % 3), (0, 0, 200, 255))
    data = io.BytesIO()
    sig.save(data, "PNG")
    return data.getvalue()


def test_a_signature_image_is_drawn_into_the_page_where_placed(api, pdf_file, samples):
    r = api(
        "sign",
        [pdf_file(FOUR), ("image", ("sig.png", _signature_png(), "image/png"))],
        {"page": "2", "x": "0.5", "y": "0.5", "width": "0.4"},
    )
    out = open_result(r)
    assert "/Annots" not in out.pages[1].obj  # page content, not an annotation
    doc = pdfium.PdfDocument(io.BytesIO(r.content))
    image = doc[1].render(scale=1).to_pil().convert("RGB")
    w, h = image.size
    # The stroke runs across the middle of the box: x 0.5-0.9, y 0.5 + half its height.
    tall = 0.4 * w * 100 / 300
    row = int(0.5 * h + tall / 2)
    blue = [image.getpixel((int(w * f), row)) for f in (0.55, 0.7, 0.85)]
    assert all(b > 150 and r < 80 for r, g, b in blue), blue
    # Outside the box the page is as it was; transparency let the page show around the ink.
    before = pdfium.PdfDocument(str(samples / FOUR))[1].render(scale=1).to_pil().convert("RGB")
    assert image.getpixel((int(w * 0.52), int(0.5 * h + 3))) == before.getpixel(
        (int(w * 0.52), int(0.5 * h + 3))
    )
    others = pdfium.PdfDocument(str(samples / FOUR))
    assert (
        doc[0].render(scale=0.3).to_pil().tobytes()
        == others[0].render(scale=0.3).to_pil().tobytes()
    )


def test_a_typed_signature_is_real_text_on_the_last_page_by_default(api, pdf_file):
    r = api("sign", [pdf_file(FOUR)], {"text": "李小龍 Bruce Lee"})
    after = texts(r.content)
    assert "李小龍 Bruce Lee" in after[-1]
    assert all("Bruce" not in t for t in after[:-1])


def test_several_placements_in_one_go_and_protection_kept(api, pdf_file):
    places = json.dumps(
        [
            {"page": 1, "x": 0.1, "y": 0.1, "width": 0.2},
            {"page": "last", "x": 0.6, "y": 0.7, "width": 0.3},  # "Ada" in Caveat is tall
        ]
    )
    r = api(
        "sign",
        [pdf_file(PROTECTED)],
        {"text": "Ada", "placements": places, "password": "openpassword"},
    )
    assert r.headers["X-Sheaf-Protected"] == "kept"
    assert texts(r.content, "openpassword")[0].count("Ada") == 2  # one page: both on it


def test_a_signature_must_lie_on_the_page(api, pdf_file):
    r = api("sign", [pdf_file(FOUR)], {"text": "Ada", "x": "0.9", "width": "0.3"})
    assert error_of(r, 400, "bad_option")
    assert r.json()["field"] == "x"
    r = api("sign", [pdf_file(FOUR)], {"text": "Ada", "page": "9"})
    error_of(r, 400, "page_out_of_range")
    r = api("sign", [pdf_file(FOUR)], {"text": "Ada", "placements": "[{]"})
    assert r.json()["field"] == "placements"
    error_of(api("sign", [pdf_file(FOUR)], {}), 400, "no_signature")


def test_a_page_with_broken_resources_still_gets_its_number(api, samples):
    with pikepdf.open(samples / FOUR) as pdf:
        pdf.pages[0].obj.Resources.Font = pikepdf.String("not a dictionary")
        pdf.pages[1].obj.Resources = pikepdf.String("nor this")
        data = io.BytesIO()
        pdf.save(data)
    r = api("page-numbers", [("file", ("broken.pdf", data.getvalue(), "application/pdf"))])
    assert [t.strip().endswith(str(i + 1)) for i, t in enumerate(texts(r.content))] == [True] * 4
