"""Reading a content stream for what it says rather than how it draws.

Redaction asks two things of a drawing stream (a page's content, a form, a
pattern, a glyph procedure, an appearance): which strings, names and comments
does it hold, and which resources does it use. Parsing it fully into objects
is slow and not needed: this scanner jumps from one string, name or comment
to the next with regular expressions and decodes only those, skipping inline
image data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NEXT = re.compile(
    rb"%[^\r\n]*"  # a comment
    rb"|\([^()\\]*\)"  # a literal string without escapes or parentheses (most are)
    rb"|\("  # a literal string starts
    rb"|<(?!<)[0-9A-Fa-f\s]*>"  # a hex string
    rb"|/[^\s/\[\]()<>{}%]*"  # a name
    rb"|(?<![A-Za-z])(?:BI|Tj|TJ|'|\")(?![A-Za-z])"  # inline image; text shown
)
_PARENS = re.compile(rb"[()\\]")
_INLINE_END = re.compile(rb"\sEI(?=\s|$)")
_IMAGE_DATA = re.compile(rb"\sID\s")
_ESCAPES = {
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
    ord("b"): b"\b",
    ord("f"): b"\f",
}
_OCTAL = re.compile(rb"\\([0-7]{1,3})|\\(\r\n|\r|\n)|\\(.)", re.DOTALL)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: A cut-off for pathological nesting of parentheses in one string.
MAX_STRING = 1 << 20


@dataclass
class Said:
    """What one content stream holds, in order of appearance."""

    strings: list[bytes] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    comments: list[bytes] = field(default_factory=list)
    shows_text: bool = False


def read(data: bytes) -> Said:
    said = Said()
    pos = 0
    while (m := _NEXT.search(data, pos)) is not None:
        token = m.group()
        pos = m.end()
        first = token[:1]
        if first == b"(" and len(token) > 1:
            said.strings.append(token[1:-1])
        elif first == b"(":
            raw, pos = _literal(data, pos)
            said.strings.append(_unescape(raw))
        elif first == b"<":
            digits = bytes(c for c in token[1:-1] if chr(c) in "0123456789abcdefABCDEF")
            said.strings.append(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        elif first == b"/":
            said.names.add(name_text(token[1:]))
        elif first == b"%":
            said.comments.append(token[1:])
        elif token == b"BI":
            start = _IMAGE_DATA.search(data, pos)
            end = _INLINE_END.search(data, start.end()) if start else None
            pos = end.end() if end else len(data)
        else:
            said.shows_text = True
    return said


def name_text(raw: bytes) -> str:
    """A name's text as pikepdf gives it for a name read from a file (``#xx`` undone)."""
    decoded = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return "/" + decoded.decode("utf-8", errors="replace")


def _literal(data: bytes, pos: int) -> tuple[bytes, int]:
    """The raw bytes of a literal string whose ``(`` ends at ``pos``, and where it ends."""
    depth = 1
    start = pos
    while depth and (m := _PARENS.search(data, pos)) is not None:
        char = m.group()
        pos = m.end()
        if char == b"\\":
            pos += 1
        elif char == b"(":
            depth += 1
        else:
            depth -= 1
        if pos - start > MAX_STRING:
            break
    if depth:
        return data[start:pos], pos
    return data[start : pos - 1], pos


def _unescape(raw: bytes) -> bytes:
    def replace(m: re.Match[bytes]) -> bytes:
        if m.group(1):
            return bytes([int(m.group(1), 8) & 0xFF])
        if m.group(2):
            return b""  # a line continuation
        char = m.group(3)[0]
        return _ESCAPES.get(char, bytes([char]))

    return _OCTAL.sub(replace, raw) if b"\\" in raw else raw
