"""Every operation through the real HTTP API, results checked with pikepdf and qpdf."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pikepdf
from helpers.pdfcheck import open_result, page_texts, qpdf_ok
from PIL import Image

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"
LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"


def test_merge_keeps_order_and_outlines(api, pdf_file, samples, tmp_path):
    before = hashlib.sha256((samples / FOUR).read_bytes()).hexdigest()
    r = api("merge", [pdf_file(OUTLINE, field="files"), pdf_file(FOUR, "报告.pdf", "files")])
    merged = open_result(r)
    qpdf_ok(r.content, tmp_path)
    assert len(merged.pages) == 8
    with pikepdf.open(samples / OUTLINE) as a, pikepdf.open(samples / FOUR) as b:
        assert page_texts(merged) == page_texts(a) + page_texts(b)
    with merged.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles == ["pdflatex-outline", "报告"]
        assert [c.title for c in outline.root[0].children][:3] == ["Foo", "Bar", "Baz"]
    disposition = r.headers["Content-Disposition"]
    assert "filename*=UTF-8''pdflatex-outline-merged.pdf" in disposition
    # The input on disk is untouched.
    assert hashlib.sha256((samples / FOUR).read_bytes()).hexdigest() == before


def test_chinese_file_names_survive_the_download(api, pdf_file):
    r = api("rotate", [pdf_file(FOUR, "年度报告.pdf")], {"angle": "90"})
    disposition = r.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A-rotated.pdf" in disposition
    assert 'filename="document-rotated.pdf"' in disposition


def test_split_every_page_gives_a_zip(api, pdf_file, tmp_path):
    r = api("split", [pdf_file(FOUR)], {"mode": "single"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        names = sorted(z.namelist())
        assert names == [f"pdflatex-4-pages-page-{i}.pdf" for i in range(1, 5)]
        for name in names:
            with pikepdf.open(io.BytesIO(z.read(name))) as part:
                assert len(part.pages) == 1


def test_split_by_ranges_and_every(api, pdf_file):
    r = api("split", [pdf_file(FOUR)], {"mode": "ranges", "ranges": "1-3,4"})
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        sizes = [len(pikepdf.open(io.BytesIO(z.read(n))).pages) for n in z.namelist()]
    assert sizes == [3, 1]
    r = api("split", [pdf_file(FOUR)], {"mode": "every", "every": "3"})
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert len(z.namelist()) == 2


def test_organize_reorders_rotates_and_drops(api, pdf_file, samples):
    r = api("organize", [pdf_file(FOUR)], {"order": "4,1,3", "rotations": "90,0,270"})
    out = open_result(r)
    with pikepdf.open(samples / FOUR) as original:
        texts = page_texts(original)
    assert page_texts(out) == [texts[3], texts[0], texts[2]]
    assert [int(p.obj.get("/Rotate", 0)) for p in out.pages] == [90, 0, 270]


def test_select_remove_and_rotate(api, pdf_file, samples):
    with pikepdf.open(samples / FOUR) as original:
        texts = page_texts(original)
    kept = open_result(api("select", [pdf_file(FOUR)], {"pages": "2-3"}))
    assert page_texts(kept) == texts[1:3]
    dropped = open_result(api("remove", [pdf_file(FOUR)], {"pages": "1,last"}))
    assert page_texts(dropped) == texts[1:3]
    turned = open_result(api("rotate", [pdf_file(FOUR)], {"angle": "180", "pages": "2"}))
    assert [int(p.obj.get("/Rotate", 0)) for p in turned.pages] == [0, 180, 0, 0]


def test_compress_reports_sizes_and_never_grows(api, tmp_path):
    big = tmp_path / "photo.pdf"
    noise = Image.effect_noise((2400, 1800), 40).convert("RGB")
    noise.save(big, "PDF", resolution=300)
    with open(big, "rb") as f:
        r = api("compress", [("file", ("photo.pdf", f, "application/pdf"))], {"level": "high"})
    out = open_result(r)
    before, after = int(r.headers["X-Sheaf-Size-Before"]), int(r.headers["X-Sheaf-Size-After"])
    assert before == big.stat().st_size
    assert after == len(r.content) < before
    image = next(iter(out.pages[0].get_images().values()))
    assert image.Filter == "/DCTDecode" and int(image.Width) <= 1000
    qpdf_ok(r.content, tmp_path)


def test_protect_and_unlock(api, pdf_file, tmp_path):
    r = api("protect", [pdf_file(FOUR)], {"new_password": "s3cret", "allow_print": "false"})
    assert r.status_code == 200
    with pikepdf.open(io.BytesIO(r.content), password="s3cret") as locked:
        assert locked.is_encrypted
        assert locked.encryption.R == 6 and locked.encryption.stream_method.name == "aesv3"
        assert not locked.allow.print_highres
    qpdf_ok(r.content, tmp_path, "s3cret")
    r2 = api(
        "unlock",
        [("file", ("locked.pdf", io.BytesIO(r.content), "application/pdf"))],
        {"password": "s3cret"},
    )
    assert not open_result(r2).is_encrypted


def test_unlock_a_real_protected_file(api, pdf_file):
    r = api("unlock", [pdf_file(LOCKED)], {"password": "openpassword"})
    assert len(open_result(r).pages) == 1


def test_metadata_read_edit_strip(api, pdf_file):
    xmp_sample = "020-xmp/output_with_metadata_pymupdf.pdf"
    r = api("metadata", [pdf_file(xmp_sample)])
    assert r.json()["title"] == "Sample PDF with XMP Metadata"
    edited = api("metadata/edit", [pdf_file(FOUR)], {"title": "季度报告", "author": "王芳"})
    pdf = open_result(edited)
    assert str(pdf.docinfo.Title) == "季度报告"
    assert "/Metadata" not in pdf.Root  # no XMP packet was added where there was none
    # Where there is XMP, it changes in step with the Info dictionary.
    synced = open_result(api("metadata/edit", [pdf_file(xmp_sample)], {"title": "季度报告"}))
    assert synced.open_metadata()["dc:title"] == "季度报告"
    assert str(synced.docinfo.Title) == "季度报告"
    stripped = open_result(
        api("metadata/strip", [("file", ("e.pdf", io.BytesIO(edited.content), "application/pdf"))])
    )
    assert "/Info" not in stripped.trailer and "/Metadata" not in stripped.Root


def test_images_to_pdf_embeds_jpeg_unchanged(api, tmp_path):
    jpeg = tmp_path / "photo.jpg"
    Image.new("RGB", (640, 480), "orange").save(jpeg, quality=88)
    png = tmp_path / "logo.png"
    Image.new("RGBA", (100, 100), (0, 0, 255, 100)).save(png)
    with open(jpeg, "rb") as a, open(png, "rb") as b:
        r = api(
            "images-to-pdf",
            [("files", ("photo.jpg", a, "image/jpeg")), ("files", ("logo.png", b, "image/png"))],
            {"page_size": "a4"},
        )
    pdf = open_result(r)
    assert len(pdf.pages) == 2
    first = next(iter(pdf.pages[0].get_images().values()))
    assert first.read_raw_bytes() == jpeg.read_bytes()
    assert [round(float(v)) for v in pdf.pages[0].mediabox] == [0, 0, 842, 595]  # landscape A4
    assert "/SMask" in next(iter(pdf.pages[1].get_images().values()))


def test_pdf_to_images_zip_and_single(api, pdf_file):
    r = api("pdf-to-images", [pdf_file(FOUR)], {"format": "jpeg", "dpi": "72"})
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert len(z.namelist()) == 4
        with Image.open(io.BytesIO(z.read(sorted(z.namelist())[0]))) as img:
            assert img.format == "JPEG" and 590 <= img.width <= 620  # A4 or Letter at 72 dpi
    one = api("pdf-to-images", [pdf_file(FOUR)], {"pages": "2", "dpi": "100"})
    assert one.headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(one.content)) as img:
        assert img.format == "PNG"


def test_thumbnails_for_the_organizer(api, pdf_file):
    r = api("thumbnails", [pdf_file("015-arabic/habibi-rotated.pdf")], {"width": "80"})
    body = r.json()
    assert body["count"] == 4
    assert body["pages"][0]["image"].startswith("data:image/png;base64,")
    assert {p["rotation"] for p in body["pages"]} != {0}  # the rotations are reported


def test_preview_gives_a_results_first_pages_in_one_request(api):
    """The workspace shows a result's first pages and its page count from one answer."""
    import base64
    import io

    from helpers.hostile_inputs import blank_pages
    from PIL import Image

    data = blank_pages(5, (200, 400))
    r = api("preview", [("file", ("five.pdf", data, "application/pdf"))], {"count": "3"})
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["pages"] == 5
    assert len(body["images"]) == 3 and body["image"] == body["images"][0]
    picture = Image.open(io.BytesIO(base64.b64decode(body["images"][2].split(",", 1)[1])))
    assert picture.width == 96 and picture.height == 192  # as tall as the page is
    short = api(
        "preview", [("file", ("five.pdf", data, "application/pdf"))], {"page": "4", "count": "12"}
    )
    assert len(short.json()["images"]) == 2  # pages 4 and 5: no more than there are
    too_many = api("preview", [("file", ("five.pdf", data, "application/pdf"))], {"count": "13"})
    assert too_many.status_code == 400 and too_many.json()["field"] == "count"
