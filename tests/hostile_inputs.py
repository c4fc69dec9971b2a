"""Small files that ask for a lot: shared by the hostile-input tests and benchmarks."""

from __future__ import annotations

import io
import zlib

import pikepdf


def flate_bomb(decoded_mb: int) -> bytes:
    """A small PDF whose one content stream inflates to ``decoded_mb`` MB."""
    compressor = zlib.compressobj(9)
    zeros = b"\n" * (1 << 20)
    data = b"".join(compressor.compress(zeros) for _ in range(decoded_mb)) + compressor.flush()
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    stream = pikepdf.Stream(pdf, data)
    stream.Filter = pikepdf.Name.FlateDecode
    page.obj.Contents = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def huge_page() -> bytes:
    """One 200 x 200 inch page (the largest PDF allows) in under 2 KB."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def blank_pages(count: int, size: tuple[float, float] = (300, 300)) -> bytes:
    """A PDF of ``count`` blank pages: long work for a server that renders or splits."""
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page(page_size=size)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
