"""Page numbers and watermarks: real text (or an image) added to the pages' own content.

Both edit the opened document in place (:mod:`app.pdf.core.inplace` rules: every
other part of the document stays) and keep its protection. Text is embedded
with :mod:`app.pdf.core.fonts`, so it prints, searches and reads aloud in any
viewer, in Latin or Chinese script alike.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from app.pdf.core import ranges
from app.pdf.core.document import Result, Source, chosen_pages, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job

if TYPE_CHECKING:  # pikepdf and fontTools load on first use, not when Sheaf starts
    from app.pdf.core.canvas import Canvas

POSITIONS = ("bottom-center", "bottom-left", "bottom-right", "top-center", "top-left", "top-right")
LAYERS = ("over", "under")
GREY = "0.5 g"


def page_number_text(fmt: str, n: int, total: int) -> str:
    return fmt.replace("{n}", str(n)).replace("{total}", str(total))


def page_numbers(
    source: Source,
    output: Path,
    job: Job,
    *,
    pages_spec: str = "",
    position: str = "bottom-center",
    fmt: str = "{n}",
    start: int = 1,
    size: float = 10,
    margin: float = 28,
) -> Result:
    """Number the chosen pages ``start``, ``start + 1``... in ``fmt`` ({n}, {total})."""
    if position not in POSITIONS:
        raise PdfError("bad_option", option="position", reason=N_("use one of the six positions"))
    if "{n}" not in fmt:
        raise PdfError("bad_option", option="format", reason=N_("put {n} where the number goes"))
    from app.pdf.core.canvas import Canvas, shown_size, text_ops
    from app.pdf.core.fonts import check_drawable

    check_drawable(fmt, "format")
    doc = open_pdf(source, job)
    with doc.pdf:
        chosen = ranges.each_page(pages_spec, len(doc.pdf.pages))
        total = start + len(chosen) - 1  # the last number shown
        canvas = Canvas(doc.pdf)
        vertical, horizontal = position.split("-")
        for number, page in enumerate(chosen_pages(doc.pdf, chosen), start):
            job.step(number - start, len(chosen))
            width, height = shown_size(page)
            text = page_number_text(fmt, number, total)
            wide = canvas.text.width(text, size)
            x = {"left": margin, "center": (width - wide) / 2, "right": width - margin - wide}
            y = margin if vertical == "bottom" else height - margin - size * 0.75
            ops = f"0 g {text_ops(canvas, text, size, x[horizontal], y)}"
            canvas.draw(page, ops)
        canvas.finish()
        return doc.result(output, {"pages": len(chosen)})


def watermark(
    source: Source,
    output: Path,
    job: Job,
    *,
    text: str = "",
    image: Source | None = None,
    opacity: float = 0.3,
    angle: float = 45,
    size: float = 0,
    pages_spec: str = "",
    layer: str = "over",
) -> Result:
    """Text or a picture across the middle of each chosen page.

    ``size`` is in points: the text's size, or the picture's width. 0 fits the
    mark to each page (text about half the page's diagonal long, a picture half
    the page wide)."""
    if layer not in LAYERS:
        raise PdfError("bad_option", option="layer", reason=N_("use over or under"))
    if not text.strip() and image is None:
        raise PdfError("bad_option", option="text", reason=N_("give a text or an image"))
    from app.pdf.core.canvas import Canvas, picture, shown_size
    from app.pdf.core.fonts import check_drawable

    if text.strip():
        check_drawable(text, "text")
    stamp = picture(image, job) if image is not None else None
    doc = open_pdf(source, job)
    with doc.pdf:
        canvas = Canvas(doc.pdf)
        state = canvas.opacity(opacity)
        placed = (canvas.image(stamp), stamp.size) if stamp is not None else None
        chosen = ranges.each_page(pages_spec, len(doc.pdf.pages))
        for done, page in enumerate(chosen_pages(doc.pdf, chosen)):
            job.step(done, len(chosen))
            width, height = shown_size(page)
            if placed is not None:
                ops = _image_ops(*placed, width, height, size, angle)
            else:
                ops = _text_ops(canvas, text.strip(), width, height, size, angle)
            canvas.draw(page, f"/{state} gs {ops}", under=layer == "under")
        canvas.finish()
        return doc.result(output)


def _text_ops(
    canvas: Canvas, text: str, width: float, height: float, size: float, angle: float
) -> str:
    from app.pdf.core.canvas import text_ops

    if size <= 0:  # fit: half the page's diagonal, within sensible sizes
        unit = canvas.text.width(text, 1) or 1
        size = max(8.0, min(200.0, math.hypot(width, height) * 0.5 / unit))
    wide = canvas.text.width(text, size)
    a = math.radians(angle)
    # Start so the text's middle (half its width, a third of its size up) is the page's.
    dx, dy = wide / 2, size / 3
    x = width / 2 - (dx * math.cos(a) - dy * math.sin(a))
    y = height / 2 - (dx * math.sin(a) + dy * math.cos(a))
    return f"{GREY} {text_ops(canvas, text, size, x, y, angle)}"


def _image_ops(
    name: str, pixels: tuple[int, int], width: float, height: float, size: float, angle: float
) -> str:
    wide = size if size > 0 else width * 0.5
    tall = wide * pixels[1] / max(1, pixels[0])
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    # The picture's unit square, scaled, turned about its middle, middle on the page's.
    e = width / 2 - (wide / 2 * cos - tall / 2 * sin)
    f = height / 2 - (wide / 2 * sin + tall / 2 * cos)
    m = " ".join(f"{v:.4f}" for v in (wide * cos, wide * sin, -tall * sin, tall * cos, e, f))
    return f"q {m} cm /{name} Do Q"
