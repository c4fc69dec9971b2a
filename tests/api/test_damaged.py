"""Damaged kinds that gave 500s or an endless loop on real-world files (issue 17).

Each is built in ``tests/helpers/hostile_inputs.py``; each must get a bounded answer: the
work done where it can be, a clear 4xx in the person's language where not.
"""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
import requests
from helpers.hostile_inputs import (
    image_with_data_after_its_end,
    odd_document_info,
    stalling_lzw,
    wrong_page_count,
)
from helpers.pdfcheck import error_of, open_result
from helpers.support import Sheaf

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


def _file(data: bytes, name: str, field: str = "file") -> tuple:
    return (field, (name, io.BytesIO(data), "application/pdf"))


@pytest.mark.parametrize("op", ["compress", "thumbnails", "pdf-to-images"])
def test_an_image_with_data_after_its_zlib_end_is_measured_not_looped_on(api, op):
    """It used to spin a thread for ever in the decompression-bomb check. qpdf and
    pdfium read the image up to its end; Sheaf measures it the same way."""
    r = api(op, [_file(image_with_data_after_its_end(), "scan.pdf")])
    assert r.status_code == 200, r.text[:300]
    if op == "compress":
        with open_result(r) as pdf:
            image = pikepdf.PdfImage(pdf.pages[0].Resources.XObject.Im0)
            assert image.as_pil_image().size == (1024, 1024)


@pytest.fixture(scope="module")
def small_budget(tmp_path_factory) -> Sheaf:
    """A server whose one-stream limits are small: 10.7 MB unpacked, 1.33 CPU s."""
    sheaf = Sheaf.start(
        data_dir=tmp_path_factory.mktemp("budget"), env={"SHEAF_MEMORY_BUDGET_MB": "32"}
    )
    yield sheaf
    sheaf.stop()


@pytest.mark.parametrize(("lang", "words"), [("en", "too long to unpack"), ("zh-CN", "解压")])
def test_a_stream_that_unpacks_to_nothing_for_ever_is_stopped_by_the_clock(
    small_budget, lang, words
):
    """10 MB of LZW "clear" codes unpack to no byte at all, so no size limit stops
    them; seconds of CPU do. (The default limit allows 16 s: this takes about 5.)"""
    r = requests.post(
        f"{small_budget.base}/api/v1/compress",
        headers={**small_budget.bearer(), "Accept-Language": lang},
        files=[_file(stalling_lzw(10), "stall.pdf")],
        timeout=120,
    )
    message = error_of(r, 422, "stream_too_slow")
    assert words in message and "stall.pdf" in message


def test_merge_mends_a_page_tree_whose_count_is_wrong(api, pdf_file):
    for claimed in (1, 9):
        r = api(
            "merge",
            [
                _file(wrong_page_count(3, claimed), "wrong.pdf", "files"),
                pdf_file(FOUR, field="files"),
            ],
        )
        with open_result(r) as pdf:
            assert len(pdf.pages) == 7
            assert pdf.Root.Pages.Count == 7
        assert "wrong.pdf" in r.headers.get("X-Sheaf-Repaired", "")


@pytest.mark.parametrize("op", ["rotate", "remove", "organize"])
def test_page_edits_mend_a_wrong_count_too(api, op):
    data = {"rotate": {"angle": "90"}, "remove": {"pages": "1"}, "organize": {"order": "3,1"}}
    r = api(op, [_file(wrong_page_count(3, 1), "wrong.pdf")], data[op])
    with open_result(r) as pdf:
        assert pdf.Root.Pages.Count == len(pdf.pages) == (3 if op == "rotate" else 2)


def test_pages_past_a_wrong_count_are_drawn_from_the_repaired_reading(api):
    """pdfium believes /Count 1 and cannot load pages 2 and 3 that qpdf finds."""
    bad = wrong_page_count(3, 1)
    preview = api("preview", [_file(bad, "wrong.pdf")], {"page": "3"})
    assert preview.status_code == 200, preview.text[:300]
    assert preview.json()["pages"] == 3
    thumbs = api("thumbnails", [_file(bad, "wrong.pdf")], {"width": "60"})
    assert thumbs.status_code == 200, thumbs.text[:300]
    assert thumbs.json()["count"] == 3 and thumbs.json()["unreadable"] == []
    pictures = api("pdf-to-images", [_file(bad, "wrong.pdf")], {"dpi": "36"})
    assert pictures.status_code == 200, pictures.text[:300]
    names = zipfile.ZipFile(io.BytesIO(pictures.content)).namelist()
    assert len(names) == 3
    # Each page has its own blue square further right: the three are different.
    images = [base64.b64decode(p["image"].split(",")[1]) for p in thumbs.json()["pages"]]
    assert len(set(images)) == 3
    cropped = api("crop", [_file(bad, "wrong.pdf")], {"mode": "auto", "pages": "3"})
    assert cropped.status_code == 200, cropped.text[:300]
    with pikepdf.open(io.BytesIO(cropped.content)) as out:
        assert "/CropBox" in out.pages[2].obj  # page 3's ink was found and cropped to


def test_a_page_pdfium_cannot_load_is_a_clear_error_naming_it(samples):
    """What the renderers do when even the repaired reading has a page pdfium cannot
    load (pdfium's own reading of a wrong count, kept on purpose here)."""
    import pypdfium2 as pdfium

    from app.pdf.core.errors import PdfError
    from app.pdf.core.job import Job
    from app.pdf.render import render_page

    document = pdfium.PdfDocument(wrong_page_count(3, 1))
    try:
        assert render_page(document, 0, 0.2, Job()).size == (40, 40)
        with pytest.raises(PdfError) as caught:
            render_page(document, 1, 0.2, Job())
        assert caught.value.code == "page_unreadable" and "Page 2" in str(caught.value)
    finally:
        document.close()


def test_split_carries_odd_document_info_as_plain_values(api, tmp_path: Path):
    r = api("split", [_file(odd_document_info(), "info.pdf")], {"mode": "single"})
    assert r.status_code == 200, r.text[:300]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        parts = z.namelist()
        assert len(parts) == 3
        with pikepdf.open(io.BytesIO(z.read(parts[1]))) as part:
            info = part.trailer.Info
            assert str(info.Title) == "An indirect title"
            assert str(info.Author) == "/Ada" and int(info.Number) == 7
            assert "/Pages" not in info and "/Extra" not in info
            assert len(part.pages) == 1
