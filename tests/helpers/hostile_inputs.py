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


def _saved(pdf: pikepdf.Pdf) -> bytes:
    """Objects as plain text, one by one, so a test can patch their bytes in place."""
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def _pages(count: int) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for number in range(count):
        pdf.add_blank_page(page_size=(200, 200))
        pdf.pages[-1].obj.Contents = pdf.make_stream(
            b"0 0 1 rg %d 20 40 40 re f" % (20 + 40 * number)
        )
    return pdf


def image_with_data_after_its_end(side: int = 1024) -> bytes:
    """One page with a Flate image followed by a second zlib member, as some writers
    leave them. Measuring it sent a thread into an endless loop: once a decoder that
    was asked for at most 1 MiB a call reached the end, every further call returned
    nothing and kept the rest of the input as "unconsumed"."""
    row = bytes((x * 7) % 256 for x in range(side * 3))
    pixels = row * side  # over 1 MiB decoded: more than one bounded call
    data = zlib.compress(pixels) + zlib.compress(b"\0" * 4096)
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    image = pikepdf.Stream(pdf, data)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = side, side
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    image.Filter = pikepdf.Name.FlateDecode
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.obj.Contents = pdf.make_stream(b"q 200 0 0 200 0 0 cm /Im0 Do Q")
    return _saved(pdf)


def stalling_lzw(megabytes: int = 10) -> bytes:
    """A content stream of LZW "clear table" codes only, packed in Flate: it unpacks
    to nothing however long it is decoded, so only a clock stops the decoder."""
    clear = int("".join(format(256, "09b") for _ in range(8)), 2).to_bytes(9, "big")
    codes = clear * (megabytes * (1 << 20) // len(clear))
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    stream = pikepdf.Stream(pdf, zlib.compress(codes, 9))
    stream.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.LZWDecode])
    page.obj.Contents = pdf.make_indirect(stream)
    return _saved(pdf)


def wrong_page_count(pages: int = 3, claimed: int = 1) -> bytes:
    """A page tree whose /Count says ``claimed`` pages where it holds ``pages``. qpdf
    reads every page and refuses to add any ("/Count is wrong after flattening pages
    tree"); pdfium believes the count and cannot load the pages past it."""
    data = _saved(_pages(pages))
    assert len(str(pages)) == len(str(claimed))  # same length: offsets stay right
    return data.replace(b"/Count %d" % pages, b"/Count %d" % claimed, 1)


def odd_document_info() -> bytes:
    """/Info whose entries are indirect objects, a number, a dictionary, an array and
    the page tree itself: splitting such a file failed copying them into each part."""
    pdf = _pages(3)
    info = pikepdf.Dictionary(
        Title=pdf.make_indirect(pikepdf.String("An indirect title")),
        Author=pdf.make_indirect(pikepdf.Name("/Ada")),
        Pages=pdf.Root.Pages,
        Version=pikepdf.Array([1, pdf.make_indirect(pikepdf.String("two"))]),
        Extra=pikepdf.Dictionary(Nested=pdf.make_indirect(pikepdf.String("three"))),
        Number=pdf.make_indirect(7),
        Trapped=pikepdf.Name("/False"),
    )
    pdf.trailer.Info = pdf.make_indirect(info)
    return _saved(pdf)


def damaged_variants() -> dict[str, bytes]:
    """The damaged kinds that gave 500s on real-world files, for the corpus sweep."""
    return {
        "data-after-end.pdf": image_with_data_after_its_end(),
        "count-too-small.pdf": wrong_page_count(3, 1),
        "count-too-big.pdf": wrong_page_count(3, 9),
        "odd-info.pdf": odd_document_info(),
    }
