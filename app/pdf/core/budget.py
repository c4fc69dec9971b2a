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
import time
import zlib
from typing import TYPE_CHECKING

from app.pdf.core.errors import PdfError

if TYPE_CHECKING:
    import pikepdf

    from app.pdf.core.job import Job

#: Output asked of zlib per call, and input given to it per call: each call's work is
#: bounded, so the clock and the job are asked between calls.
CHUNK = 1 << 20
IN_CHUNK = 1 << 16
#: How often (in codes or runs) the pure-Python decoders look at the clock.
TICK = 1 << 14
IMAGE_FILTERS = {"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/DCT", "/CCF"}
#: PDF's white-space characters, which hex and base-85 data may hold anywhere.
WHITESPACE = b"\x00\t\n\x0c\r "


class _Over(Exception):
    pass


class _TooSlow(Exception):
    pass


#: CPU seconds one stream may take to measure where no job says (tests, tools).
DECODE_SECONDS = 16.0


class Clock:
    """When one stream's decoding must stop: CPU seconds of this thread (other
    requests' work does not count against it) and the job's cancellation."""

    def __init__(self, seconds: float, job: Job | None = None) -> None:
        self.seconds = seconds
        self.job = job
        self.stop_at = time.thread_time() + seconds

    def tick(self) -> None:
        if self.job is not None:
            self.job.check()
        if time.thread_time() > self.stop_at:
            raise _TooSlow


def _inflate(data: bytes, limit: int, keep: bool, clock: Clock) -> bytes | int:
    """Inflate with bounded steps; the output is kept only when another filter needs it.

    The end of the zlib data is the end of the stream, as for qpdf and pdfium: what
    follows it (a second member, padding) is ignored. Asking a finished decoder for
    more used to return nothing while the input stayed where it was: an endless loop.
    Input goes in 64 KiB at a time, so no step copies the rest of a big stream.
    """
    decoder = zlib.decompressobj()
    view = memoryview(data)
    out: list[bytes] = []
    total = 0
    try:
        for start in range(0, len(view), IN_CHUNK):
            pending: bytes | memoryview = view[start : start + IN_CHUNK]
            while pending and not decoder.eof:
                part = decoder.decompress(pending, CHUNK)
                total += len(part)
                if total > limit:
                    raise _Over
                if keep:
                    out.append(part)
                tail = decoder.unconsumed_tail
                if not part and len(tail) >= len(pending):
                    break  # no progress: nothing more comes out of this input
                pending = tail
                clock.tick()
            if decoder.eof:
                break
        while not decoder.eof:  # output zlib still held when the last call was full
            part = decoder.decompress(b"", CHUNK)
            if not part:
                break
            total += len(part)
            if total > limit:
                raise _Over
            if keep:
                out.append(part)
            clock.tick()
    except zlib.error:
        pass  # damaged data decodes to what it holds so far; qpdf will warn
    return b"".join(out) if keep else total


def _lzw(data: bytes, limit: int, early: int, clock: Clock) -> bytes:
    """LZW as PDF uses it (MSB first, 9-12 bit codes), with an output limit. Only the
    bits not yet read are kept (at most 19): a growing buffer made each step slower."""
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    out = bytearray()
    width, buffer, bits, previous = 9, 0, 0, b""
    for count, byte in enumerate(data):
        if count % TICK == 0:
            clock.tick()
        buffer = ((buffer << 8) | byte) & 0xFFFFFF
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


def _run_length(data: bytes, limit: int, clock: Clock) -> bytes:
    out = bytearray()
    i = 0
    runs = 0
    while i < len(data):
        runs += 1
        if runs % TICK == 0:
            clock.tick()
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


def _decode(
    name: str, data: bytes, limit: int, parms: object, keep: bool, clock: Clock
) -> bytes | int | None:
    """One filter, bounded; None where the filter is terminal or unknown (stop there)."""
    if name in ("/FlateDecode", "/Fl"):
        return _inflate(data, limit, keep, clock)
    if name in ("/LZWDecode", "/LZW"):
        early = 1
        if hasattr(parms, "get"):
            try:
                early = int(parms.get("/EarlyChange", 1))
            except (TypeError, ValueError):
                early = 1
        return _lzw(data, limit, early, clock)
    if name in ("/RunLengthDecode", "/RL"):
        return _run_length(data, limit, clock)
    # Hex and base-85 data shrink as they decode: bounded by the input's size.
    if name in ("/ASCIIHexDecode", "/AHx"):
        text = data.split(b">")[0].translate(None, WHITESPACE)
        try:
            return binascii.unhexlify(text + b"0" * (len(text) % 2))
        except (binascii.Error, ValueError):
            return None
    if name in ("/ASCII85Decode", "/A85"):
        text = data.split(b"~>")[0].translate(None, WHITESPACE)
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


def decoded_size(stream: pikepdf.Stream, limit: int, clock: Clock | None = None) -> int:
    """What ``stream`` decodes to through its generalized filters, or raise past ``limit``
    bytes or the ``clock``'s seconds (by default :data:`DECODE_SECONDS`)."""
    clock = clock or Clock(DECODE_SECONDS)
    filters = _filters(stream)
    data = stream.read_raw_bytes()
    for position, (name, parms) in enumerate(filters):
        if name in IMAGE_FILTERS:
            break
        last = position == len(filters) - 1
        decoded = _decode(name, data, limit, parms, not last, clock)
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


def check_stream(stream: pikepdf.Stream, name: str, job: Job, image_pixels: bool = True) -> None:
    """Refuse one stream (an image: its declared pixels too, unless ``image_pixels`` is
    False) past the job's limits: decoded bytes, and CPU seconds spent finding out.
    The limits are per stream: one picture at a time is what a job holds."""
    import pikepdf

    if image_pixels and stream.get("/Subtype") == pikepdf.Name.Image:
        pixels = _pixels(stream)
        if pixels > job.max_image_pixels:
            raise PdfError("image_too_large", name=name, pixels=pixels, limit=job.max_image_pixels)
    limit = job.max_stream_bytes
    try:
        decoded_size(stream, limit, Clock(job.max_decode_seconds, job))
    except _Over:
        raise PdfError("stream_too_large", name=name, limit=limit // (1024 * 1024)) from None
    except _TooSlow:
        raise PdfError("stream_too_slow", name=name, seconds=job.max_decode_seconds) from None
    except pikepdf.PdfError:
        pass  # unreadable raw data: qpdf reports it as damage where it matters


def check_streams(pdf: pikepdf.Pdf, name: str, job: Job, image_pixels: bool = True) -> None:
    """Refuse the document if any stream or image would decode past the job's limits."""
    import pikepdf

    for count, obj in enumerate(pdf.objects):
        if count % 256 == 0:
            job.check()
        if isinstance(obj, pikepdf.Stream):
            check_stream(obj, name, job, image_pixels)
