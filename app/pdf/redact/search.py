"""Finding the text on a page as a viewer shows it, in the picture's own coordinates.

The page searched is the *view copy*'s (:mod:`.view`): comments, stamps and form
fields are drawn into it, so pdfium's text of the page is all the text a
viewer shows there. Letters are matched as :class:`~.needle.Needle` says
(spacing between letters ignored, so ``Z E B R A`` set with wide gaps is
found), and hyphens pdfium marks as line-end breaks are ignored too.

Every box is a :data:`Box`: fractions of the page *as rendered* (its effective
box, turned by ``/Rotate``), from the top-left corner, computed with pdfium's
own page-to-device mapping, so a box lands on the word whatever the page's
boxes and rotation are. The same boxes, times the picture's size, are pixels.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import Any

from app.pdf.redact.needle import Needle, fold

Box = tuple[float, float, float, float]  # left, top, right, bottom: fractions, y down
Rect = tuple[float, float, float, float]  # left, bottom, right, top: page user space
PAD = 1.0  # points around each found character, so no sliver of a glyph survives
VIRTUAL = 1_000_000  # device units per page side when deriving the mapping


@dataclass
class Found:
    """What a page shows of the needle: boxes to black, and the characters (pdfium's
    indices) whose drawing must be blacked wherever it reaches."""

    boxes: list[Box] = field(default_factory=list)
    chars: set[int] = field(default_factory=set)
    count: int = 0
    #: For each box, which occurrence (from 0) it is part of: one may wrap onto lines.
    occurrence: list[int] = field(default_factory=list)


class PageView:
    """One page of a pdfium document, its text and its user-space-to-picture mapping."""

    def __init__(self, document: Any, index: int) -> None:
        import pypdfium2.raw as raw

        self.raw = raw
        self.page = document[index]
        self.textpage = self.page.get_textpage()
        self.width, self.height = self.page.get_size()  # as shown, in points
        self._matrix = self._mapping()

    def close(self) -> None:
        self.textpage.close()
        self.page.close()

    def _mapping(self) -> tuple[float, ...]:
        """The affine map from user space to fractions of the rendered page."""
        size_y = max(1, round(VIRTUAL * self.height / max(self.width, 1e-3)))
        points = [self._device(x, y, size_y) for x, y in ((0, 0), (1000, 0), (0, 1000))]
        (x0, y0), (x1, y1), (x2, y2) = points
        return (
            (x1 - x0) / 1000 / VIRTUAL,
            (y1 - y0) / 1000 / size_y,
            (x2 - x0) / 1000 / VIRTUAL,
            (y2 - y0) / 1000 / size_y,
            x0 / VIRTUAL,
            y0 / size_y,
        )

    def _device(self, x: float, y: float, size_y: int) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        self.raw.FPDF_PageToDevice(self.page.raw, 0, 0, VIRTUAL, size_y, 0, x, y, dx, dy)
        return dx.value, dy.value

    def box(self, rect: Rect, pad: float = 0.0) -> Box:
        """A user-space rectangle as the fraction box that covers it on the picture."""
        a, b, c, d, e, f = self._matrix
        xs, ys = [], []
        for x, y in (
            (rect[0], rect[1]),
            (rect[2], rect[3]),
            (rect[0], rect[3]),
            (rect[2], rect[1]),
        ):
            xs.append(a * x + c * y + e)
            ys.append(b * x + d * y + f)
        px, py = pad / max(self.width, 1e-3), pad / max(self.height, 1e-3)
        return (
            _within(min(xs) - px),
            _within(min(ys) - py),
            _within(max(xs) + px),
            _within(max(ys) + py),
        )

    def effective_box(self) -> Rect:
        """The part of the page pdfium shows (the crop box clipped to the media box)."""
        rect = self.raw.FS_RECTF()
        self.raw.FPDF_GetPageBoundingBox(self.page.raw, rect)
        return rect.left, rect.bottom, rect.right, rect.top

    def char_rect(self, index: int) -> Rect | None:
        """Where character ``index`` is drawn: its glyph box joined with its line box."""
        left, bottom, right, top = self.textpage.get_charbox(index)
        if right <= left and top <= bottom:
            return None  # generated or empty
        rect = self.raw.FS_RECTF()
        if self.raw.FPDFText_GetLooseCharBox(self.textpage.raw, index, rect):
            left, right = min(left, rect.left), max(right, rect.right)
            bottom, top = min(bottom, rect.bottom), max(top, rect.top)
        return left, bottom, right, top

    def text(self) -> str:
        """The page's characters, one string position per pdfium character."""
        count = self.textpage.count_chars()
        text = self.textpage.get_text_range(0, count) if count else ""
        if len(text) != count:
            get = self.raw.FPDFText_GetUnicode
            text = "".join(chr(get(self.textpage.raw, i) or 0xFFFD) for i in range(count))
        return text

    def text_object(self, index: int) -> Any:
        return self.raw.FPDFText_GetTextObject(self.textpage.raw, index)


def _within(value: float) -> float:
    return max(0.0, min(1.0, value))


def find(view: PageView, needle: Needle) -> Found:
    """Every occurrence of ``needle`` in the page's text, as boxes and characters."""
    found = Found()
    text = view.text()
    if not text:
        return found
    folded, origin = _comparable(view, text)
    for start, end in needle.spans(folded):
        chars = sorted({origin[i] for i in range(start, end)})
        rects = [(i, r) for i in chars if (r := view.char_rect(i)) is not None]
        if not rects:
            continue
        lines = [view.box(r, PAD) for r in _lines([r for _, r in rects])]
        found.occurrence += [found.count] * len(lines)
        found.count += 1
        found.chars.update(i for i, _ in rects)
        found.boxes += lines
    return found


def _comparable(view: PageView, text: str) -> tuple[str, list[int]]:
    """The text folded for comparing, with the pdfium index of each folded character.
    A hyphen pdfium marks as a line-end break counts as spacing."""
    parts: list[str] = []
    origin: list[int] = []
    is_hyphen = view.raw.FPDFText_IsHyphen
    for i, char in enumerate(text):
        if char == "-" and is_hyphen(view.textpage.raw, i) == 1:
            char = "\u00ad"
        folded = fold(char) if ord(char) > 0x7F else char
        parts.append(folded)
        origin += [i] * len(folded)
    return "".join(parts), origin


def _lines(rects: list[Rect]) -> list[Rect]:
    """Characters joined into one rectangle per run on a line (a match may wrap)."""
    runs: list[list[float]] = []
    for left, bottom, right, top in rects:
        last = runs[-1] if runs else None
        if last is not None and bottom < last[3] and top > last[1]:
            last[0], last[1] = min(last[0], left), min(last[1], bottom)
            last[2], last[3] = max(last[2], right), max(last[3], top)
        else:
            runs.append([left, bottom, right, top])
    return [(r[0], r[1], r[2], r[3]) for r in runs]
