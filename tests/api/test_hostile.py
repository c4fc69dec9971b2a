"""Hostile and odd inputs from the fidelity issue, each with the answer it must get.

Memory figures for the same inputs are measured by ``benchmarks/pdf_ops.py
--hostile``; here each must get a bounded, clear answer in the person's language.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
import requests
from helpers.hostile_inputs import flate_bomb, huge_page
from helpers.pdfcheck import error_of as _err
from helpers.pdfcheck import open_result
from helpers.pdfcheck import png_header_only as _png_header_only
from helpers.support import Sheaf
from PIL import Image

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return flate_bomb(512)


@pytest.mark.parametrize("op", ["compress", "pdf-to-images", "thumbnails"])
def test_a_flate_bomb_is_refused_before_it_is_decoded(api, bomb, op):
    assert len(bomb) < 1_000_000
    r = api(op, [("file", ("bomb.pdf", io.BytesIO(bomb), "application/pdf"))])
    message = _err(r, 422, "stream_too_large")
    assert "MB" in message and "bomb.pdf" in message
    zh = api(op, [("file", ("bomb.pdf", io.BytesIO(bomb), "application/pdf"))], lang="zh-CN")
    assert "解压" in _err(zh, 422, "stream_too_large")


def test_page_operations_do_not_decode_a_bomb_at_all(api, bomb):
    r = api("rotate", [("file", ("bomb.pdf", io.BytesIO(bomb), "application/pdf"))])
    assert len(open_result(r).pages) == 1
    assert len(r.content) < 2 * len(bomb)  # the stream went through as it was


def test_a_huge_png_under_the_old_limit_is_refused(api):
    png = ("files", ("big.png", io.BytesIO(_png_header_only(14000, 14000)), "image/png"))
    assert "196000000" in _err(api("images-to-pdf", [png]), 422, "image_too_large")


def test_a_huge_page_is_refused_at_high_resolution_and_thumbnailed(api):
    page = ("file", ("poster.pdf", io.BytesIO(huge_page()), "application/pdf"))
    message = _err(api("pdf-to-images", [page], {"dpi": "150"}), 422, "render_too_large")
    assert "30000 × 30000" in message and "lower resolution" in message
    page = ("file", ("poster.pdf", io.BytesIO(huge_page()), "application/pdf"))
    thumbs = api("thumbnails", [page], {"width": "100"})
    assert thumbs.status_code == 200 and thumbs.json()["count"] == 1


def test_order_cannot_build_more_pages_than_the_limit(api, pdf_file):
    order = ",".join(["1"] * 12_000)
    r = api("organize", [pdf_file(FOUR)], {"order": order})
    assert "12000" in _err(r, 422, "too_many_pages")


def test_every_frame_of_a_tiff_and_gif_becomes_its_own_page(api, tmp_path):
    colours = ["red", "green", "blue"]
    frames = [Image.new("RGB", (40, 30), c) for c in colours]
    for fmt in ("TIFF", "GIF"):
        path = tmp_path / f"frames.{fmt.lower()}"
        frames[0].save(path, fmt, save_all=True, append_images=frames[1:])
        with open(path, "rb") as f:
            r = api("images-to-pdf", [("files", (path.name, f, f"image/{fmt.lower()}"))])
        pdf = open_result(r)
        assert len(pdf.pages) == 3, fmt
        seen = []
        for page in pdf.pages:
            image = next(iter(page.get_images().values()))
            seen.append(pikepdf.PdfImage(image).as_pil_image().convert("RGB").getpixel((5, 5)))
        assert seen == [(255, 0, 0), (0, 128, 0), (0, 0, 255)] or len(set(seen)) == 3, fmt


def test_a_repaired_file_with_a_chinese_name_gets_an_ascii_header(api, samples):
    data = (samples / FOUR).read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref\n")
    broken = data[:start] + b"1" + data[data.index(b"\n", start) :]
    r = api("rotate", [("file", ("报告.pdf", io.BytesIO(broken), "application/pdf"))])
    assert r.status_code == 200
    assert r.headers["X-Sheaf-Repaired"] == "%E6%8A%A5%E5%91%8A.pdf"


@pytest.mark.parametrize("name", ["a\x00b.pdf", "😀" * 200 + ".pdf", "../../etc/passwd.pdf"])
def test_split_works_whatever_the_upload_is_called(api, pdf_file, samples, name):
    with open(samples / FOUR, "rb") as f:
        r = api("split", [("file", (name, f, "application/pdf"))])
    assert r.status_code == 200, r.text[:200]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        for entry in z.namelist():
            assert "\x00" not in entry and "/" not in entry
            assert len(entry.encode()) <= 200


def test_download_names_lose_bidi_tricks_and_executable_endings(api, pdf_file):
    r = api("rotate", [pdf_file(FOUR, "invoice\u202efdp.exe")])
    disposition = r.headers["Content-Disposition"]
    assert "%E2%80%AE" not in disposition  # U+202E RIGHT-TO-LEFT OVERRIDE
    assert disposition.endswith("-rotated.pdf")
    assert ".exe" not in disposition


def test_a_document_without_pages_is_a_clear_422(api, pdf_file):
    empty = pikepdf.new()
    out = io.BytesIO()
    empty.save(out)
    files = [
        ("files", ("nothing.pdf", io.BytesIO(out.getvalue()), "application/pdf")),
        pdf_file(FOUR, field="files"),
    ]
    assert "nothing.pdf" in _err(api("merge", files), 422, "no_pages")


def test_output_limits_in_a_small_server(tmp_path: Path, samples):
    sheaf = Sheaf.start(
        data_dir=tmp_path / "root",
        env={"SHEAF_MAX_PAGES": "6", "SHEAF_MAX_OUTPUT_FILES": "3"},
    )
    try:

        def post(op: str, data: dict) -> requests.Response:
            with open(samples / FOUR, "rb") as f:
                return requests.post(
                    f"{sheaf.base}/api/v1/{op}",
                    headers=sheaf.bearer(),
                    files=[("file", ("four.pdf", f, "application/pdf"))],
                    data=data,
                    timeout=60,
                )

        assert "8" in _err(post("select", {"pages": "1-,1-"}), 422, "too_many_pages")
        assert "limit is 3" in _err(post("split", {"mode": "single"}), 422, "too_many_output_files")
        assert post("split", {"mode": "every", "every": "2"}).status_code == 200
    finally:
        sheaf.stop()


ADDING = {
    "page-numbers": {},
    "watermark": {"text": "机密"},
    "sign": {"text": "Ada"},
    "forms": {},
    "forms/fill": {"values": "{}"},
}
AREA = '[{"page": 1, "x": 0.1, "y": 0.1, "width": 0.2, "height": 0.1}]'


@pytest.mark.parametrize("op", sorted(ADDING))
def test_stamps_signatures_and_forms_pass_a_bomb_through_undecoded(api, bomb, op):
    r = api(op, [("file", ("bomb.pdf", io.BytesIO(bomb), "application/pdf"))], ADDING[op])
    assert r.status_code == 200, r.text[:300]
    assert len(r.content) < 2 * len(bomb)


def test_redaction_measures_a_bomb_before_rendering_it_and_refuses_a_huge_page(api, bomb):
    r = api(
        "redact", [("file", ("bomb.pdf", io.BytesIO(bomb), "application/pdf"))], {"areas": AREA}
    )
    _err(r, 422, "stream_too_large")
    page = ("file", ("poster.pdf", io.BytesIO(huge_page()), "application/pdf"))
    _err(api("redact", [page], {"areas": AREA, "dpi": "300"}), 422, "render_too_large")


RENDERING = {
    "pdf-to-images": {"dpi": "50", "pages": "1"},
    "thumbnails": {"width": "60"},
    "preview": {},
    "crop": {"mode": "auto"},
    "redact": {"areas": AREA, "dpi": "72"},
}


@pytest.mark.parametrize("op", sorted(RENDERING))
def test_a_truncated_file_qpdf_repairs_is_rendered_from_the_repair(api, samples, op):
    """pdfium gives up on a file cut short; qpdf rebuilds it. Operations that render
    used to fail with a 500 there; they render qpdf's repaired reading instead."""
    data = (samples / "015-arabic/habibi.pdf").read_bytes()
    cut = data[: len(data) * 2 // 3]
    r = api(op, [("file", ("cut.pdf", io.BytesIO(cut), "application/pdf"))], RENDERING[op])
    assert r.status_code == 200, r.text[:300]
