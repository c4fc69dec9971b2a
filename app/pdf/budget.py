"""Refusing decompression bombs before anything decodes them.

qpdf, Pillow and pdfium decode a whole stream or image into memory at once: a
2 MB PDF whose content stream inflates to 2 GiB costs 2 GiB. Operations that
decode (compress, rendering, anything that parses page content) first call
:func:`check_streams`, which measures what each stream would decode to with
bounded, incremental decoders and stops at the job's limit, and checks every
image's declared pixel count. Operations that only move pages around never
decode streams (they save with ``stream_decode_level=none``) and skip this.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import TYPE_CHECKING

from app.pdf.errors import PdfError

if TYPE_CHECKING:
    import pikepdf

    from app.pdf.job import Job

CHUNK = 1 << 20
IMAGE_FILTERS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/DCT", "/CCF"}


class _Over(Exception):
    pass


def _inflate(data: bytes, limit: int, keep: bool) -> bytes | int:
    """Inflate in 1 MiB steps; the output is kept only when another filter needs it."""
    decoder = zlib.decompressobj()
    out: list[bytes] = []
    total = 0
    try:
        while data:
            part = decoder.decompress(data, CHUNK)
            total += len(part)
            if total > limit:
                raise _Over
            if keep:
                out.append(part)
            data = decoder.unconsumed_tail
            if not part and not data:
                break
    except zlib.error:
        pass  # damaged data decodes to what it holds so far; qpdf will warn
    return b"".join(out) if keep else total


def _lzw(data: bytes, limit: int, early: int) -> bytes:
    """LZW as PDF uses it (MSB first, 9-12 bit codes), with an output limit."""
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    out = bytearray()
    width, buffer, bits, previous = 9, 0, 0, b""
    for byte in data:
        buffer = (buffer << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (buffer >> bits) & ((1 << width) - 1)
            if code == 256:  # clear table
                del table[258:]
                width, previous = 9, b""
                continue
            if code == 257:  # end of data
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                return bytes(out)  # broken data
            out += entry
            if len(out) > limit:
                raise _Over
            previous = entry
            if len(table) + early >= (1 << width) and width < 12:
                width += 1
    return bytes(out)


def _run_length(data: bytes, limit: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) > limit:
            raise _Over
    return bytes(out)


def _decode(name: str, data: bytes, limit: int, parms: object, keep: bool) -> bytes | int | None:
    """One filter, bounded; None where the filter is terminal or unknown (stop there)."""
    if name in ("/FlateDecode", "/Fl"):
        return _inflate(data, limit, keep)
    if name in ("/LZWDecode", "/LZW"):
        early = 1
        if hasattr(parms, "get"):
            early = int(parms.get("/EarlyChange", 1))  # type: ignore[union-attr]
        return _lzw(data, limit, early)
    if name in ("/RunLengthDecode", "/RL"):
        return _run_length(data, limit)
    if name in ("/ASCIIHexDecode", "/AHx"):
        text = bytes(c for c in data.split(b">")[0] if not chr(c).isspace())
        try:
            return binascii.unhexlify(text + b"0" * (len(text) % 2))
        except (binascii.Error, ValueError):
            return None
    if name in ("/ASCII85Decode", "/A85"):
        text = bytes(c for c in data.split(b"~>")[0] if not chr(c).isspace())
        try:
            return base64.a85decode(text.removeprefix(b"<~"))
        except ValueError:
            return None
    return None


def _filters(stream: pikepdf.Stream) -> list[tuple[str, object]]:
    import pikepdf

    found = stream.get("/Filter")
    if found is None:
        return []
    names = list(found) if isinstance(found, pikepdf.Array) else [found]
    parms = stream.get("/DecodeParms")
    parms_list = list(parms) if isinstance(parms, pikepdf.Array) else [parms] * len(names)
    return [(str(n), p) for n, p in zip(names, parms_list, strict=False)]


def decoded_size(stream: pikepdf.Stream, limit: int) -> int:
    """What ``stream`` decodes to through its generalized filters, or raise past ``limit``."""
    filters = _filters(stream)
    data = stream.read_raw_bytes()
    for position, (name, parms) in enumerate(filters):
        if name in IMAGE_FILTERS:
            break
        last = position == len(filters) - 1
        decoded = _decode(name, data, limit, parms, keep=not last)
        if decoded is None:
            break
        if isinstance(decoded, int):
            return decoded
        data = decoded
    return len(data)


def _pixels(stream: pikepdf.Stream) -> int:
    try:
        return int(stream.get("/Width", 0)) * int(stream.get("/Height", 0))
    except (TypeError, ValueError):
        return 0


def check_streams(pdf: pikepdf.Pdf, name: str, job: Job) -> None:
    """Refuse the document if any stream or image would decode past the job's limits."""
    import pikepdf

    limit = job.max_stream_bytes
    for count, obj in enumerate(pdf.objects):
        if count % 256 == 0:
            job.check()
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Image:
            pixels = _pixels(obj)
            if pixels > job.max_image_pixels:
                raise PdfError(
                    "image_too_large", name=name, pixels=pixels, limit=job.max_image_pixels
                )
        try:
            decoded_size(obj, limit)
        except _Over:
            raise PdfError("stream_too_large", name=name, limit=limit // (1024 * 1024)) from None
        except pikepdf.PdfError:
            continue  # unreadable raw data: qpdf reports it as damage where it matters
