"""Compress makes real-looking documents smaller without breaking them (issue 18).

Inputs are built in ``tests/helpers/compress_inputs.py``: fully embedded fonts (Latin and
CJK), photos, many pictures. Renders are compared with pdfium, text with pdftotext.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import pypdfium2 as pdfium
import pytest
import requests
from helpers.compress_inputs import (
    CJK,
    LATIN,
    cjk_text,
    find_font,
    full_font_text,
    many_images,
    photo_scan,
)
from helpers.pdfcheck import error_of, open_result
from helpers.support import Sheaf
from PIL import ImageChops, ImageStat

UNREADABLE = "017-unreadable-meta-data/unreadablemetadata.pdf"


def _file(path: Path, name: str | None = None) -> tuple:
    return ("file", (name or path.name, io.BytesIO(path.read_bytes()), "application/pdf"))


def _words(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "words.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split()


def _difference(a: bytes, b: bytes, page: int = 0) -> float:
    """Mean absolute grey difference (0-255) of one page rendered at 100 dpi."""
    renders = [
        pdfium.PdfDocument(d)[page].render(scale=100 / 72).to_pil().convert("L") for d in (a, b)
    ]
    return ImageStat.Stat(ImageChops.difference(*renders)).mean[0]


def _report(r: requests.Response) -> dict:
    return json.loads(unquote(r.headers["X-Sheaf-Report"]))


def _font_file_sizes(data: bytes) -> list[int]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return sorted(
            len(o[key].read_bytes())
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
            for key in ("/FontFile2", "/FontFile3")
            if key in o
        )


def test_text_in_a_fully_embedded_font_gets_smaller_at_the_default_level(api, tmp_path):
    if find_font(LATIN) is None:
        pytest.skip("DejaVu Sans is not installed")
    source = full_font_text(tmp_path / "letter.pdf")
    r = api("compress", [_file(source)])  # no level: the default
    assert r.status_code == 200, r.text[:300]
    report = _report(r)
    assert report["level"] == "balanced" and report["fonts_subset"] == 1
    assert len(r.content) < source.stat().st_size / 4  # a whole font for 60 letters
    assert _font_file_sizes(r.content)[0] < _font_file_sizes(source.read_bytes())[0] / 10
    assert _words(r.content, tmp_path) == _words(source.read_bytes(), tmp_path)
    assert _difference(source.read_bytes(), r.content) == 0  # glyph ids kept: same pixels
    summary = unquote(r.headers["X-Sheaf-Summary"])
    assert "smaller" in summary and "→" in summary


def test_a_cjk_font_is_subset_and_still_renders_and_extracts(api, tmp_path):
    if find_font(*CJK) is None:
        pytest.skip("no CJK font installed")
    source = cjk_text(tmp_path / "cjk.pdf")
    r = api("compress", [_file(source)], {"level": "lossless"})
    assert r.status_code == 200, r.text[:300]
    assert _report(r)["fonts_subset"] == 1
    assert len(r.content) < source.stat().st_size / 10
    assert _words(r.content, tmp_path) == _words(source.read_bytes(), tmp_path)
    for page in (0, 1):
        assert _difference(source.read_bytes(), r.content, page) == 0


def test_text_shown_with_a_font_that_is_no_dictionary_is_left_alone(api, tmp_path):
    """A damaged page whose /Font names a number: nothing is known of that text, and
    compress goes on instead of failing (found by mypy: the walk took it for a font)."""
    source = tmp_path / "number-font.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        page = pdf.pages[0].obj
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=5))
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (hi) Tj ET")
        pdf.save(source)
    r = api("compress", [_file(source)], {"level": "small"})
    assert r.status_code == 200, r.text[:300]
    assert _report(r)["fonts_subset"] == 0
    with pikepdf.open(io.BytesIO(r.content)) as result:
        assert len(result.pages) == 1


def test_a_font_a_form_may_type_in_stays_whole(api, tmp_path):
    """The AcroForm's default resources name the font: new text may need any glyph."""
    if find_font(LATIN) is None:
        pytest.skip("DejaVu Sans is not installed")
    source = full_font_text(tmp_path / "form.pdf", pages=1)
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        font = pdf.pages[0].Resources.Font.F1
        pdf.Root.AcroForm = pikepdf.Dictionary(
            Fields=[], DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)), DA="/F1 0 Tf"
        )
        pdf.save(source)
    r = api("compress", [_file(source)])
    assert r.status_code == 200, r.text[:300]
    assert _report(r)["fonts_subset"] == 0
    assert _font_file_sizes(r.content) == _font_file_sizes(source.read_bytes())


@pytest.mark.parametrize(
    "level", ["lossless", "print", "balanced", "small", "low", "medium", "high"]
)
def test_every_level_and_old_name_keeps_the_page_and_never_grows(api, tmp_path, level):
    source = photo_scan(tmp_path / "scan.pdf", pages=1, dpi=200)
    r = api("compress", [_file(source)], {"level": level})
    assert r.status_code == 200, r.text[:300]
    report = _report(r)
    assert len(r.content) <= source.stat().st_size
    assert report["size_after"] == len(r.content)
    assert _difference(source.read_bytes(), r.content) < 4
    if level not in ("lossless", "print", "low"):
        assert report["dpi"] in (150, 72) and report["images_downsampled"] == 1
        assert "dpi" in unquote(r.headers["X-Sheaf-Summary"])


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Nothing could be made smaller"), ("zh-CN", "文件保持不变")]
)
def test_nothing_smaller_gives_the_original_back_and_says_so(api, tmp_path, lang, words):
    """Data that does not compress (random bytes, stored plainly) would only grow."""
    source = tmp_path / "tight.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Noise = pikepdf.Stream(pdf, random.Random(1).randbytes(200_000))
    pdf.save(source, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=False)
    r = api("compress", [_file(source)], {"level": "small"}, lang=lang)
    assert r.status_code == 200
    assert r.content == source.read_bytes()
    assert _report(r)["unchanged"] is True
    assert words in unquote(r.headers["X-Sheaf-Summary"])


def test_a_target_size_is_reached_with_the_least_loss_that_gets_there(api, tmp_path):
    source = photo_scan(tmp_path / "scan.pdf", pages=2, dpi=300)
    lossless = api("compress", [_file(source)], {"level": "lossless"})
    target_mb = round(len(lossless.content) / 3 / 1_000_000, 3)
    r = api("compress", [_file(source)], {"target_mb": str(target_mb)})
    assert r.status_code == 200, r.text[:300]
    report = _report(r)
    assert len(r.content) <= target_mb * 1_000_000
    assert report["level"] != "lossless" and report["target_bytes"] == round(target_mb * 1e6)


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "cannot be made as small as"), ("zh-CN", "无法将")]
)
def test_a_target_size_out_of_reach_is_refused_clearly(api, tmp_path, lang, words):
    if find_font(LATIN) is None:
        pytest.skip("DejaVu Sans is not installed")
    source = full_font_text(tmp_path / "text.pdf", pages=2)
    r = api("compress", [_file(source)], {"target_mb": "0.01"}, lang=lang)
    message = error_of(r, 422, "target_unreachable")
    assert words in message and "text.pdf" in message and "KB" in message


def test_damaged_metadata_file_017_gets_the_same_clear_answer_as_every_operation(api, pdf_file):
    """qpdf, pdfium and Ghostscript find no page in it either: a clear 422, not a 500."""
    for op in ("compress", "rotate"):
        assert "damaged" in error_of(api(op, [pdf_file(UNREADABLE)]), 422, "damaged_pdf")
    zh = api("compress", [pdf_file(UNREADABLE)], {"level": "small"}, lang="zh-CN")
    assert "损坏" in error_of(zh, 422, "damaged_pdf")


@pytest.fixture(scope="module")
def small_budget(tmp_path_factory) -> Sheaf:
    """A server whose picture limit is 4.2 million pixels (a 32 MB budget)."""
    sheaf = Sheaf.start(
        data_dir=tmp_path_factory.mktemp("budget"), env={"SHEAF_MEMORY_BUDGET_MB": "32"}
    )
    yield sheaf
    sheaf.stop()


def test_many_pictures_past_the_pixel_limit_together_are_compressed_one_at_a_time(
    small_budget, tmp_path
):
    """The limit is per picture: 6 x 1.44 million pixels is twice it, each is fine; one
    picture past it on its own is left as it is rather than refusing the document."""
    source = many_images(tmp_path / "album.pdf", count=6, side=1200)
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        extra = pikepdf.open(many_images(tmp_path / "big.pdf", count=1, side=2100))
        pdf.pages.append(extra.pages[0])
        pdf.save(source)
    r = requests.post(
        f"{small_budget.base}/api/v1/compress",
        headers=small_budget.bearer(),
        files=[_file(source)],
        data={"level": "balanced"},
        timeout=120,
    )
    assert r.status_code == 200, r.text[:300]
    report = _report(r)
    assert report["images_downsampled"] == 6
    with open_result(r) as out:
        sides = [int(next(iter(p.get_images().values())).Width) for p in out.pages]
    assert sides[:6] == [900] * 6  # 1200 px over 6 in = 200 dpi -> 150 dpi
    assert sides[6] == 2100  # past the limit: kept as it was
