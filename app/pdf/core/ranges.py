"""Page ranges as people write them: ``1-3,5,8-``, ``last``, ``-2``, ``last-1``.

Written the way people type them in Chinese too: full-width digits and
punctuation (``１，２``, ``３－５``), ``、`` between pages, ``～`` or ``至`` for
"to", and ``最后``/``末页`` for the last page (:func:`normalize`).

Pages are 1-based for people and 0-based in the result. ``8-`` means page 8
to the end, ``-3`` pages 1 to 3, ``last`` the last page and ``last-1`` the
one before it. Order and repeats are kept as written (``3,1,1`` is valid), so
the same parser serves "keep these pages" and "put them in this order".
"""

from __future__ import annotations

import re
import unicodedata

from app.pdf.core.errors import PdfError

_PAGE = r"\d+|last(?:-\d+)?"
# A single page is tried first, so "last-1" is the page before the last, not "last to 1".
_TOKEN = re.compile(rf"^(?:(?P<one>{_PAGE})|(?P<a>{_PAGE})?\s*-\s*(?P<b>{_PAGE})?)$")


def _page(word: str, count: int, text: str) -> int:
    if word.startswith("last"):
        back = int(word[5:]) if len(word) > 4 else 0
        page = count - back
        if page < 1:
            raise PdfError("page_out_of_range", page=page, count=count)
        return page
    page = int(word)
    if page < 1:
        raise PdfError("bad_page_range", text=text)
    if page > count:
        raise PdfError("page_out_of_range", page=page, count=count)
    return page


#: After NFKC (full-width forms become ASCII): words and marks people type for ranges.
_WORDS = (
    ("最后一页", "last"),
    ("最后", "last"),
    ("末页", "last"),
    ("尾页", "last"),
    ("、", ","),
    ("~", "-"),
    ("至", "-"),
    ("到", "-"),
    ("–", "-"),
    ("—", "-"),
    ("−", "-"),
)


def normalize(text: str) -> str:
    """The same range in ASCII: ``１，３－５、最后`` -> ``1,3-5,last``."""
    cleaned = unicodedata.normalize("NFKC", text or "").lower()
    for word, ascii_form in _WORDS:
        cleaned = cleaned.replace(word, ascii_form)
    return cleaned


def each_page(text: str, count: int) -> list[int]:
    """The pages ``text`` names, each once, in document order; empty means every page."""
    return sorted(set(parse(text, count))) if text.strip() else list(range(count))


def parse(text: str, count: int) -> list[int]:
    """Turn ``text`` into 0-based page indexes for a document of ``count`` pages."""
    cleaned = normalize(text).strip()
    if not cleaned:
        raise PdfError("bad_page_range", text=text or "")
    pages: list[int] = []
    for raw in cleaned.split(","):
        token = raw.strip()
        match = _TOKEN.match(token)
        if not token or not match:
            raise PdfError("bad_page_range", text=raw.strip() or text)
        if match.group("one"):
            pages.append(_page(match.group("one"), count, token) - 1)
            continue
        if not (match.group("a") or match.group("b")):
            raise PdfError("bad_page_range", text=token)
        start = _page(match.group("a"), count, token) if match.group("a") else 1
        end = _page(match.group("b"), count, token) if match.group("b") else count
        if start > end:
            raise PdfError("bad_page_range", text=token)
        pages.extend(range(start - 1, end))
    return pages
