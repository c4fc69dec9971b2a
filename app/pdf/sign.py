"""Signing by hand: a picture of a signature, or a typed name, drawn into the page.

The signature becomes part of the page's content (not an annotation a viewer
may hide or a form flattening may drop), at places given as fractions of the
page as it is shown, measured from its top-left corner: what a browser gets
from dragging a box over a page preview. This is a visible signature, not a
cryptographic one; the document keeps its password and everything else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.pdf.core.canvas import Canvas, picture, shown_size, text_ops
from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.fonts import FACES, check_drawable
from app.pdf.core.job import Job
from app.pdf.handwriting import HANDWRITING

INK = "0.08 0.16 0.45 rg"  # a dark blue pen
MAX_PLACEMENTS = 200
#: How far past the page's edge a place may reach: the page sends thousandths, so a
#: signature put against the edge may be rounded a little beyond it.
EDGE = 1.001
LOW = 0.8  # where a signature goes when no place is asked for: near the bottom
LINE = 1.25  # a typed name's box is this many times its size tall (the page draws the same)


#: The handwriting a typed name can be written in (app.pdf.handwriting), each followed
#: by the usual fallbacks: DejaVu Sans for other alphabets, Droid Sans Fallback for
#: Chinese, Japanese, Korean.
FONTS: dict[str, tuple[Path, ...]] = {name: (*files, *FACES) for name, files in HANDWRITING.items()}


@dataclass(frozen=True)
class Placement:
    page: int | None  # 1-based; None: the last page
    x: float
    y: float | None  # None: near the bottom (LOW), higher if it would not fit there
    width: float


def placements_from_json(raw: str) -> list[Placement]:
    """``[{"page": 1, "x": 0.6, "y": 0.8, "width": 0.3}, ...]`` as placements."""
    reason = N_("use a list of {page, x, y, width}")
    try:
        items = json.loads(raw)
    except ValueError:
        raise PdfError("bad_option", option="placements", reason=reason) from None
    if not isinstance(items, list) or not items or len(items) > MAX_PLACEMENTS:
        raise PdfError("bad_option", option="placements", reason=reason)
    found = []
    for item in items:
        if not isinstance(item, dict):
            raise PdfError("bad_option", option="placements", reason=reason)
        try:
            page = item.get("page")
            found.append(
                Placement(
                    page=None if page in (None, "last") else int(page),
                    x=float(item["x"]),
                    y=float(item["y"]),
                    width=float(item["width"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise PdfError("bad_option", option="placements", reason=reason) from None
    return found


def _fitted(place: Placement, aspect: float) -> Placement:
    """The place, with a top edge not asked for set: low on the page, but on it (a short
    name in a handwriting font is tall for its width). ``aspect``: height / width,
    in fractions of the page."""
    if place.y is not None:
        return place
    return Placement(place.page, place.x, max(0.0, min(LOW, 1 - place.width * aspect)), place.width)


def _check(place: Placement, aspect: float) -> None:
    """A signature that lies inside the page. ``aspect`` is its height / width."""
    assert place.y is not None
    inside = 0 <= place.x < 1 and 0 <= place.y < 1 and 0 < place.width <= 1
    if not inside or place.x + place.width > EDGE:
        raise PdfError("bad_option", option="x", reason=N_("the signature must lie on the page"))
    if place.y + place.width * aspect > EDGE and aspect < 50:
        raise PdfError("bad_option", option="y", reason=N_("the signature must lie on the page"))


def sign(
    source: Source,
    output: Path,
    job: Job,
    *,
    placements: list[Placement],
    image: Source | None = None,
    text: str = "",
    font: str = "caveat",
) -> Result:
    """Draw the signature (``image``, else ``text`` in the handwriting ``font``) at
    every placement."""
    if image is None and not text.strip():
        raise PdfError("no_signature")
    if font not in FONTS:
        raise PdfError("bad_option", option="font", reason=N_("choose one of the fonts offered"))
    if image is None:
        check_drawable(text, "text")
    stamp = picture(image, job) if image is not None else None
    doc = open_pdf(source, job)
    with doc.pdf:
        count = len(doc.pdf.pages)
        canvas = Canvas(doc.pdf, faces=FONTS[font])
        name = canvas.image(stamp) if stamp is not None else None
        for place in placements:
            job.check()
            number = count if place.page is None else place.page
            if not 1 <= number <= count:
                raise PdfError("page_out_of_range", page=number, count=count)
            page = doc.pdf.pages[number - 1]
            width, height = shown_size(page)
            wide = place.width * width
            if name is not None and stamp is not None:
                pixels = stamp.size
                tall = wide * pixels[1] / max(1, pixels[0])
                place = _fitted(place, tall / wide * width / height)
                _check(place, tall / wide * width / height)
                assert place.y is not None  # _fitted gave it one
                x, y = place.x * width, height - place.y * height - tall
                ops = f"q {wide:.3f} 0 0 {tall:.3f} {x:.3f} {y:.3f} cm /{name} Do Q"
            else:
                size = wide / max(canvas.text.width(text.strip(), 1), 1e-6)
                tall = size * LINE
                place = _fitted(place, tall / wide * width / height)
                _check(place, tall / wide * width / height)
                assert place.y is not None  # _fitted gave it one
                x, y = place.x * width, height - place.y * height - size
                ops = f"{INK} {text_ops(canvas, text.strip(), size, x, y)}"
            canvas.draw(page, ops)
        canvas.finish()
        return doc.result(output, {"placements": len(placements)})
