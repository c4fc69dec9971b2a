"""Bad input gets a clear 4xx in the person's language; nothing is left behind."""

from __future__ import annotations

import io
import signal
import socket
from pathlib import Path

import pytest
import requests
from helpers.pdfcheck import error_of as _err
from helpers.pdfcheck import png_header_only as _png_header_only
from helpers.support import Sheaf, scratch_entries, wait_until

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"


def test_not_a_pdf_in_both_languages(api):
    fake = ("file", ("notes.pdf", io.BytesIO(b"just some text, not a PDF"), "application/pdf"))
    assert "is not a PDF file" in _err(api("compress", [fake]), 422, "not_a_pdf")
    fake = ("file", ("notes.pdf", io.BytesIO(b"just some text, not a PDF"), "application/pdf"))
    assert "不是 PDF" in _err(api("compress", [fake], lang="zh-CN"), 422, "not_a_pdf")


def test_empty_upload(api):
    empty = ("file", ("empty.pdf", io.BytesIO(b""), "application/pdf"))
    assert "empty" in _err(api("rotate", [empty]), 422, "empty_file")


def test_no_file_at_all(api):
    r = api("rotate", [], {"angle": "90"}, lang="zh-CN")
    assert "文件" in _err(r, 400, "missing_file")


def test_password_needed_then_wrong(api, pdf_file):
    asked = _err(api("rotate", [pdf_file(LOCKED)]), 422, "password_required")
    assert "password" in asked
    assert "密码" in _err(api("rotate", [pdf_file(LOCKED)], lang="zh-CN"), 422, "password_required")
    _err(api("rotate", [pdf_file(LOCKED)], {"password": "nope"}), 422, "wrong_password")
    ok = api("rotate", [pdf_file(LOCKED)], {"password": "openpassword"})
    assert ok.status_code == 200


def test_ranges_out_of_bounds_and_nonsense(api, pdf_file):
    msg = _err(api("select", [pdf_file(FOUR)], {"pages": "2-9"}), 400, "page_out_of_range")
    assert "Page 9" in msg and "4 pages" in msg
    zh = _err(
        api("select", [pdf_file(FOUR)], {"pages": "2-9"}, lang="zh-CN"), 400, "page_out_of_range"
    )
    assert "9" in zh and "4" in zh and "页" in zh
    _err(api("select", [pdf_file(FOUR)], {"pages": "two"}), 400, "bad_page_range")
    _err(api("remove", [pdf_file(FOUR)], {"pages": "1-4"}), 400, "no_pages_left")
    _err(api("rotate", [pdf_file(FOUR)], {"angle": "45"}), 400, "bad_field")


def test_option_reasons_are_translated_too(api, pdf_file):
    r = api("remove", [pdf_file(FOUR)], {"pages": "1-4"}, lang="zh-CN")
    assert "没有任何页面" in _err(r, 400, "no_pages_left")
    r = api("split", [pdf_file(FOUR)], {"mode": "every", "every": "0"}, lang="zh-CN")
    assert "1" in _err(r, 400, "bad_field")


def test_truncated_pdf_is_damaged_not_500(api, samples):
    data = (samples / FOUR).read_bytes()[:3000]
    r = api("rotate", [("file", ("cut.pdf", io.BytesIO(data), "application/pdf"))])
    assert r.status_code in (200, 422)  # repaired or refused, never a crash
    if r.status_code == 200:
        assert r.headers["X-Sheaf-Repaired"] == "cut.pdf"
    else:
        assert r.json()["error"] == "damaged_pdf"


def test_a_repaired_file_is_reported(api, samples):
    data = (samples / FOUR).read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref\n")
    end = data.index(b"\n", start)
    broken = data[:start] + b"1" + data[end:]  # the cross-reference table is "lost"
    r = api("rotate", [("file", ("broken.pdf", io.BytesIO(broken), "application/pdf"))])
    assert r.status_code == 200
    assert r.headers["X-Sheaf-Repaired"] == "broken.pdf"
    healthy = api("rotate", [("file", ("ok.pdf", io.BytesIO(data), "application/pdf"))])
    assert "X-Sheaf-Repaired" not in healthy.headers


def test_unreadable_real_file_is_a_clear_422(api, pdf_file):
    r = api("rotate", [pdf_file("017-unreadable-meta-data/unreadablemetadata.pdf")])
    _err(r, 422, "damaged_pdf")


def test_image_bomb_is_refused(api):
    bomb = ("files", ("bomb.png", io.BytesIO(_png_header_only(60000, 60000)), "image/png"))
    assert "pixels" in _err(api("images-to-pdf", [bomb]), 422, "image_too_large")


def test_not_an_image(api):
    junk = ("files", ("photo.jpg", io.BytesIO(b"\xff\xd8\xffnot really"), "image/jpeg"))
    _err(api("images-to-pdf", [junk]), 422, "unsupported_image")


def _temp_entries(sheaf: Sheaf) -> list[Path]:
    folders = list((sheaf.data_dir / "cache").glob("sheaf-scratch-*"))
    assert len(folders) == 1, folders  # the running Sheaf's private scratch folder
    return scratch_entries(sheaf.data_dir / "cache")


def test_temp_files_are_removed_after_requests(api, pdf_file, desktop_shared):
    api("merge", [pdf_file(FOUR, field="files"), pdf_file(FOUR, field="files")])
    api("split", [pdf_file(FOUR)])
    api("select", [pdf_file(FOUR)], {"pages": "99"})
    wait_until(lambda: not _temp_entries(desktop_shared), 10, "temp files to go")


def test_an_aborted_upload_leaves_nothing(desktop_shared, samples):
    """The client sends half a multipart body and hangs up."""
    body = (samples / FOUR).read_bytes()
    boundary = "sheafboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    total = len(head) + len(body) * 50
    request = (
        f"POST /api/v1/compress HTTP/1.1\r\nHost: 127.0.0.1:{desktop_shared.port}\r\n"
        f"Authorization: Bearer {desktop_shared.token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {total}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", desktop_shared.port)) as conn:
        conn.sendall(request + head + body * 10)
    wait_until(lambda: not _temp_entries(desktop_shared), 30, "the aborted upload's files")
    # And Sheaf still serves.
    assert requests.get(desktop_shared.base + "/healthz", timeout=10).ok


@pytest.fixture(scope="module")
def small_limit(tmp_path_factory):
    sheaf = Sheaf.start(data_dir=tmp_path_factory.mktemp("small"), env={"SHEAF_MAX_UPLOAD_MB": "1"})
    yield sheaf
    sheaf.stop()


def test_too_large_upload_is_413_with_the_limit(small_limit):
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    for lang, needle in (("en", "1 MB"), ("zh-CN", "1 MB")):
        r = requests.post(
            small_limit.base + "/api/v1/compress",
            headers={**small_limit.bearer(), "Accept-Language": lang},
            files=[("file", ("big.pdf", big, "application/pdf"))],
            timeout=60,
        )
        big.seek(0)
        assert r.status_code == 413
        assert r.json()["error"] == "too_large"
        assert needle in r.json()["message"]


def test_leftovers_from_a_crash_are_cleaned_at_start(tmp_path):
    """A killed Sheaf's scratch folder goes at the next start, however new it is."""
    first = Sheaf.start(data_dir=tmp_path / "root")
    folders = list((tmp_path / "root" / "cache").glob("sheaf-scratch-*"))
    assert len(folders) == 1
    leftover = folders[0] / "req-0123456789abcdef"
    leftover.mkdir()
    (leftover / "half-written.pdf").write_bytes(b"%PDF-1.4 ...")
    first.stop(signal.SIGKILL)
    assert leftover.exists()
    second = Sheaf.start(data_dir=tmp_path / "root")
    try:
        assert not folders[0].exists()
        assert len(list((tmp_path / "root" / "cache").glob("sheaf-scratch-*"))) == 1
    finally:
        second.stop()


def test_too_many_pages_and_files(tmp_path, samples):
    sheaf = Sheaf.start(
        data_dir=tmp_path / "root", env={"SHEAF_MAX_PAGES": "10", "SHEAF_MAX_FILES": "2"}
    )
    try:
        big = samples / "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"
        with open(big, "rb") as f:
            r = requests.post(
                sheaf.base + "/api/v1/rotate",
                headers=sheaf.bearer(),
                files=[("file", ("geo.pdf", f, "application/pdf"))],
                timeout=60,
            )
        assert _err(r, 422, "too_many_pages") == ("The document has 117 pages; the limit is 10.")
        four = (samples / FOUR).read_bytes()
        files = [("files", (f"{i}.pdf", io.BytesIO(four), "application/pdf")) for i in range(3)]
        r = requests.post(
            sheaf.base + "/api/v1/merge", headers=sheaf.bearer(), files=files, timeout=60
        )
        assert "at most 2 files" in _err(r, 400, "too_many_files")
    finally:
        sheaf.stop()
