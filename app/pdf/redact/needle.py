"""What counts as the text to redact, wherever it is written and however it is encoded.

A person types a word; a PDF may hold it letter-spaced (``Z E B R A``), in
another case, with a ligature or a full-width letter, broken by a soft hyphen,
and in many encodings: PDFDocEncoding, UTF-16 with or without a byte-order
mark, UTF-8, GB 18030, XML character references (``&#x7EDD;``), JavaScript
and percent escapes. :class:`Needle` matches them all: letters compared
ignoring case after Unicode compatibility folding, any run of spacing allowed
between them, and every byte string read through each encoding in turn.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator

#: Characters that take no room (soft hyphen, zero-width spaces, word joiner, BOM).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: Spacing a viewer shows (or hides) between letters, as a regular expression class's
#: contents; allowed anywhere inside a match.
SPACING = "\\s" + INVISIBLE
BLACK = "█"
#: Large data is searched in windows, so no decoded copy is larger than this.
WINDOW = 1 << 20
_REFERENCE = re.compile(r"&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));?")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_BASE64 = re.compile(rb"[A-Za-z0-9+/\r\n]{64,}={0,2}")
#: Characters a character reference may stand for only as a reference (XML syntax).
_MARKUP = set("<>&\"'")


def fold(text: str) -> str:
    """Compatibility-folded text (ligatures, full-width letters), for comparing."""
    return unicodedata.normalize("NFKC", text)


class Needle:
    """The text to redact, and where it occurs in a text or a byte string."""

    def __init__(self, text: str) -> None:
        self.text = text.strip()
        letters = [c for c in fold(self.text) if not c.isspace() and c not in INVISIBLE]
        self.letters = "".join(letters)
        gap = f"[{SPACING}]*"
        self.pattern = re.compile(gap.join(re.escape(c) for c in letters), re.IGNORECASE)
        self.wide = any(ord(c) > 0x7F for c in self.letters)
        #: The longest a match may be in bytes (UTF-8, a little spacing), to overlap windows.
        self.overlap = 8 * len(self.letters.encode("utf-8")) + 64

    def __bool__(self) -> bool:
        return bool(self.letters)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self.pattern.finditer(text)]

    def holds(self, text: str) -> bool:
        """Does ``text`` show the needle, read as it is or with its escapes undone?"""
        return any(self.pattern.search(view) for view in text_views(text))

    def black_out(self, text: str) -> str:
        """``text`` with each occurrence replaced by black squares, one per character."""
        return self.pattern.sub(lambda m: BLACK * len(m.group()), text)

    def holds_bytes(self, data: bytes, kind: str = "data") -> bool:
        """Does ``data``, read through the encodings it may use, hold it? ``kind``:
        ``data`` (any encoding), ``xmp`` (also inside base64 blobs, as XMP carries
        thumbnails), ``codes`` (a content stream's strings: single-byte encodings, and
        UTF-16 for a needle beyond Latin, as glyph codes read as UTF-16 match short
        Latin words by chance)."""
        if len(data) <= WINDOW + self.overlap:
            return self._holds_bytes(data, kind)
        return any(
            self._holds_bytes(data[start : start + WINDOW + self.overlap], kind)
            for start in range(0, len(data), WINDOW)
        )

    def _holds_bytes(self, data: bytes, kind: str) -> bool:
        return any(self.holds(view) for view in self.byte_views(data, kind))

    def byte_views(self, data: bytes, kind: str = "data") -> Iterator[str]:
        yield data.decode("latin-1")
        yield data.decode("pdfdoc", errors="replace")
        if kind == "codes":
            if self.wide:
                yield data[: len(data) // 2 * 2].decode("utf-16-be", errors="replace")
            return
        if self.wide or b"\x00" in data:
            for codec in ("utf-16-be", "utf-16-le"):
                for start in (0, 1):
                    chunk = data[start:]
                    yield chunk[: len(chunk) // 2 * 2].decode(codec, errors="replace")
        if self.wide:
            yield data.decode("utf-8", errors="replace")
            yield data.decode("gb18030", errors="replace")
        for blob in _BASE64.findall(data) if kind == "xmp" else ():
            decoded = _base64(blob)
            if decoded:
                yield from (decoded.decode("latin-1"), decoded.decode("utf-8", errors="replace"))


def text_views(text: str) -> Iterator[str]:
    """``text`` as written, folded, and with character references, entities, JavaScript
    and percent escapes undone (each only where the text has them)."""
    yield text
    folded = fold(text)
    if folded != text:
        yield folded
    if "&" in text:
        yield html.unescape(text)
    if "\\" in text:
        yield _ESCAPE.sub(_unescape_js, text)
    if "%" in text:
        yield _PERCENT.sub(_unescape_percent, text)


def unescape_references(text: str) -> str:
    """Character references replaced by their characters, except those XML needs
    as references, so the text stays well-formed markup with the same meaning."""

    def replace(m: re.Match[str]) -> str:
        try:
            char = chr(int(m.group(1), 16) if m.group(1) else int(m.group(2)))
        except (ValueError, OverflowError):
            return m.group()
        return m.group() if char in _MARKUP or not char.isprintable() else char

    return _REFERENCE.sub(replace, text)


def _unescape_js(m: re.Match[str]) -> str:
    return chr(int(m.group(1) or m.group(2), 16))


def _unescape_percent(m: re.Match[str]) -> str:
    raw = bytes.fromhex(m.group().replace("%", ""))
    return raw.decode("utf-8", errors="replace")


def _base64(blob: bytes) -> bytes:
    import base64
    import binascii

    compact = blob.replace(b"\r", b"").replace(b"\n", b"")
    try:
        return base64.b64decode(compact + b"=" * (-len(compact) % 4))
    except (binascii.Error, ValueError):
        return b""
