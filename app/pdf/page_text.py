"""A page's printed words as runs, with where they are on the page as shown.

Read with pdfium: page content only (form fields and comments are annotations,
not page text). A run is letters on one line with no wide gap, so "Name:" and
"Date:" printed on one line are two runs. Boxes are in points of the page *as
shown* (crop box, ``/Rotate``) from its top-left corner, through the mapping the
redaction code uses (:class:`~app.pdf.redact.search.PageView`), so "left of"
means left as a person sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]  # left, top, right, bottom: points, y down


@dataclass
class Run:
    """Letters printed on one line with no wide gap: a candidate label."""

    text: str
    box: Box


def clean(text: str) -> str:
    """Words as a label: one space between, no trailing colon or asterisk."""
    return " ".join(text.split()).rstrip(":：*").strip()


def page_runs(document: Any, index: int) -> tuple[list[Run], Any]:
    """The runs of page ``index`` and its user-space-to-picture mapping (call under
    the pdfium lock; the mapping stays usable once the page is closed)."""
    from app.pdf.redact.search import PageView

    view = PageView(document, index)
    letters: list[tuple[str, Box, bool]] = []  # letter, where, a space before it
    try:
        spaced = False
        text = view.text()
        for i, ch in enumerate(text):
            rect = None if ch.isspace() else view.char_rect(i)
            if ch in "\r\n_…" or (ch == "." and "..." in text[max(0, i - 2) : i + 3]):
                # Lines, and the underscores and dot leaders a field is drawn over.
                letters.append(("\n", (0, 0, 0, 0), False))
            elif rect is None:
                spaced = True  # a space, or one pdfium made up between words
            else:
                letters.append((ch, points(view, view.box(rect)), spaced))
                spaced = False
    finally:
        view.close()
    return split_runs(letters), view


def split_runs(letters: list[tuple[str, Box, bool]]) -> list[Run]:
    """Letters in reading order as runs: a new one starts at a line break, on
    another line, going back, or after a gap wider than the letters are tall."""
    runs: list[Run] = []
    text, box = "", (0.0, 0.0, 0.0, 0.0)
    for ch, (left, top, right, bottom), spaced in [*letters, ("\n", (0, 0, 0, 0), False)]:
        if text and ch != "\n":
            tall = max(bottom - top, box[3] - box[1], 1.0)
            gap = left - box[2]
            if same_line(box, (left, top, right, bottom)) and -tall <= gap <= 1.2 * tall:
                text += (" " if spaced else "") + ch
                box = (min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom))
                continue
        if text and (words := clean(text)):
            runs.append(Run(words, box))
        text, box = ("", box) if ch == "\n" else (ch, (left, top, right, bottom))
    return runs


def points(view: Any, fraction: Box) -> Box:
    w, h = view.width, view.height
    return fraction[0] * w, fraction[1] * h, fraction[2] * w, fraction[3] * h


def same_line(a: Box, b: Box) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1]) and overlap > 0
