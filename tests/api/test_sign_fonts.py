"""Signing through the real API: the words for "no signature yet", and typed names in
the handwriting font asked for, embedded in the PDF, with a CJK fallback."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from helpers.pdfcheck import error_of, open_result, texts

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
NAMES = {
    "caveat": "Caveat-Regular",
    "dancing-script": "DancingScript-Regular",
    "great-vibes": "GreatVibes-Regular",
}


def _base_fonts(pdf: pikepdf.Pdf, page: int) -> set[str]:
    fonts = pdf.pages[page].obj.Resources.get("/Font", {})
    return {str(f.BaseFont).split("+", 1)[-1] for _name, f in fonts.items()}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Draw, type or choose your signature first."),
        ("zh-CN", "请先手写、输入或选择您的签名。"),
    ],
)
def test_signing_with_no_signature_says_what_to_do_in_the_persons_language(
    api, pdf_file, lang, words
):
    for data in ({}, {"text": "   ", "page": "1", "x": "0.1", "y": "0.1", "width": "0.3"}):
        r = api("sign", [pdf_file(FOUR)], data, lang=lang)
        assert error_of(r, 400, "no_signature") == words
        assert r.json().get("field") is None  # the whole signature, not "page" or "text"


@pytest.mark.parametrize("font", list(NAMES))
def test_a_typed_name_is_written_in_the_chosen_handwriting(api, pdf_file, font):
    r = api("sign", [pdf_file(FOUR)], {"text": "Ada Lovelace", "font": font, "page": "1"})
    out = open_result(r)
    assert NAMES[font] in _base_fonts(out, 0)
    assert "Ada Lovelace" in texts(r.content)[0]
    descendant = next(
        f for _n, f in out.pages[0].obj.Resources.Font.items() if NAMES[font] in str(f.BaseFont)
    ).DescendantFonts[0]
    assert "/FontFile2" in descendant.FontDescriptor  # embedded, not named only


def test_a_chinese_name_falls_back_to_the_cjk_font_and_is_drawn(api, pdf_file):
    r = api("sign", [pdf_file(FOUR)], {"text": "李小龍 Lee", "font": "dancing-script", "page": "1"})
    out = open_result(r)
    assert {"DancingScript-Regular", "DroidSansFallback"} <= _base_fonts(out, 0)
    assert "李小龍 Lee" in texts(r.content)[0]
    page = pdfium.PdfDocument(io.BytesIO(r.content))[0].render(scale=1).to_pil().convert("L")
    w, h = page.size
    # Default place: x 0.55, y 0.8, width 0.3; the ink is inside that box.
    box = page.crop((int(w * 0.55), int(h * 0.8), int(w * 0.85), int(h * 0.8 + w * 0.15)))
    assert box.getextrema()[0] < 100


def test_a_font_not_offered_is_refused_under_its_field(api, pdf_file):
    r = api("sign", [pdf_file(FOUR)], {"text": "Ada", "font": "comic-sans"})
    assert r.status_code == 400
    assert r.json()["field"] == "font"
