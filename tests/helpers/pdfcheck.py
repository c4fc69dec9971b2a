"""Checking PDFs that Sheaf produced: with pikepdf and with qpdf's own --check."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from pathlib import Path

import pikepdf
import requests


def open_result(response: requests.Response, password: str = "") -> pikepdf.Pdf:
    assert response.status_code == 200, response.text[:500]
    return pikepdf.open(io.BytesIO(response.content), password=password)


def page_texts(pdf: pikepdf.Pdf) -> list[bytes]:
    """A fingerprint per page (its content stream), to check order without OCR."""
    return [b"".join(c.read_bytes() for c in _contents(p)) for p in pdf.pages]


def _contents(page: pikepdf.Page) -> list:
    contents = page.obj.Contents
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def texts(data: bytes, password: str | None = None) -> list[str]:
    """Each page's text as pdfium extracts it: what a reader can search and copy."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(data), password=password)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def add_note(pdf: pikepdf.Pdf, text: str) -> None:
    """A comment (a /Text annotation) on the first page."""
    pdf.pages[0].obj.Annots.append(
        pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Text,
                Rect=[10, 10, 30, 30],
                Contents=pikepdf.String(text),
            )
        )
    )


def qpdf_ok(data: bytes, tmp_path: Path, password: str = "") -> None:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    args = ["qpdf", "--check", str(path)]
    if password:
        args.insert(1, f"--password={password}")
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def error_of(r: requests.Response, status: int, code: str) -> str:
    """Assert ``r`` is the error ``code`` with ``status``; return its message."""
    assert r.status_code == status, r.text[:300]
    body = r.json()
    assert body["error"] == code
    assert "Traceback" not in body["message"]
    return body["message"]


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be enormous: a decompression bomb's calling card."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\0" * 100)
    body += (
        struct.pack(">I", len(idat))
        + b"IDAT"
        + idat
        + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    )
    return b"\x89PNG\r\n\x1a\n" + body + b"\0\0\0\0IEND\xaeB`\x82"
