"""XMP packets with the text blacked out, and without the page pictures they carry.

XMP is XML: the text may be written plainly or with character references
(``&#x7EDD;``), and ``xmp:Thumbnails`` holds base64 pictures of pages, which
cannot be searched and show what they show. A packet is rewritten with its
references undone (those XML needs as references stay), the text blacked out
and, when asked, its thumbnails left out; a packet that still holds the text
afterwards (or is not text at all) is dropped whole.
"""

from __future__ import annotations

import codecs
import re

from app.pdf.redact.needle import Needle, unescape_references

_THUMBNAILS = re.compile(
    r"<((?:[\w.-]+:)?Thumbnails)\b[^>]*?/>|<((?:[\w.-]+:)?Thumbnails)\b.*?</\2\s*>", re.DOTALL
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
)


def rewrite(data: bytes, needle: Needle | None, drop_thumbnails: bool) -> bytes | None:
    """The packet as it should be, ``data`` itself when nothing changes, None to drop it."""
    codec = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return data if needle is None or not needle.holds_bytes(data, "xmp") else None
    new = text
    holds = needle is not None and needle.holds_bytes(data, "xmp")
    if drop_thumbnails or holds:  # a thumbnail may picture the text: it cannot be read
        new = _THUMBNAILS.sub("", new)
    if needle is not None and holds and needle.holds_bytes(new.encode("utf-8"), "xmp"):
        new = needle.black_out(unescape_references(new))
        if needle.holds_bytes(new.encode("utf-8"), "xmp"):
            return None
    if new == text:
        return data
    return new.encode("utf-8")
