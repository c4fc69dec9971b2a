"""Crop pages: set their crop box, as margins cut away or found by looking at the page.

Nothing under the crop box is removed: viewers and printers show only the box,
and a later crop can widen it again. Margins are fractions of the page as
people see it, measured from its visible edges, so a page turned by
``/Rotate`` is cropped on the edges that look like top, left, right, bottom.
"""

from __future__ import annotations

from pathlib import Path

from app.pdf.core import ranges
from app.pdf.core.document import Result, Source, chosen_pages, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job

#: A margin may cut away almost all of its side: a box drawn over the top tenth of the
#: page is a bottom margin of 0.9. What matters is that something is left.
MAX_MARGIN = 0.98
MIN_KEPT = 0.02  # of the page's width and of its height, between opposite margins
AUTO_DPI = 36  # enough to see where the ink is, cheap to render
WHITE = 245  # brighter than this, in every channel, counts as paper
EDGES = ("top", "right", "bottom", "left")


def _unrotated(margins: dict[str, float], turns: int) -> dict[str, float]:
    """Margins of the page as shown, as margins of the page as stored (before /Rotate,
    ``turns`` quarter turns clockwise)."""
    # Shown clockwise by 90 degrees, the stored left edge appears at the top.
    return {EDGES[(i - turns) % 4]: margins[edge] for i, edge in enumerate(EDGES)}


def crop(
    source: Source,
    output: Path,
    job: Job,
    *,
    margins: dict[str, float] | None = None,
    auto: bool = False,
    pages_spec: str = "",
) -> Result:
    """Crop the chosen pages by ``margins`` (fractions: top, right, bottom, left) or,
    with ``auto``, to what is printed on each page plus a small border."""
    import pikepdf

    from app.pdf.core.canvas import turns, visible_box  # the page as shown, as stamps see it

    margins = margins or {}
    for edge in EDGES:
        value = margins.get(edge, 0.0)
        if not 0.0 <= value <= MAX_MARGIN:
            raise PdfError("bad_option", option=edge, reason=N_("use a fraction from 0 to 0.98"))
    for near, far in (("left", "right"), ("top", "bottom")):
        if margins.get(near, 0.0) + margins.get(far, 0.0) > 1.0 - MIN_KEPT:
            raise PdfError(
                "bad_option",
                option=far,
                reason=N_("together with the opposite margin it leaves nothing of the page"),
            )
    doc = open_pdf(source, job, decodes=auto)
    with doc.pdf:
        count = len(doc.pdf.pages)
        chosen = ranges.each_page(pages_spec, count)
        found = _ink_margins(source, job, chosen, count) if auto else {}
        for done, (index, page) in enumerate(
            zip(chosen, chosen_pages(doc.pdf, chosen), strict=True)
        ):
            job.step(done, len(chosen))
            shown = found.get(index) if auto else margins
            if not shown:
                continue  # auto: a blank page stays as it is
            cut = _unrotated(shown, turns(page))
            x0, y0, x1, y1 = visible_box(page)
            w, h = x1 - x0, y1 - y0
            page.obj.CropBox = pikepdf.Array(
                [
                    round(x0 + cut["left"] * w, 3),
                    round(y0 + cut["bottom"] * h, 3),
                    round(x1 - cut["right"] * w, 3),
                    round(y1 - cut["top"] * h, 3),
                ]
            )
        return doc.result(output)


def _ink_margins(
    source: Source, job: Job, indexes: list[int], count: int
) -> dict[int, dict[str, float]]:
    """Each page's white margins as fractions of the shown page, minus a 2% border."""
    from app.pdf.render import page_renderer

    found: dict[int, dict[str, float]] = {}
    with page_renderer(source, count) as render:
        for done, index in enumerate(indexes):
            job.step(done, len(indexes))
            image = render(index, AUTO_DPI / 72.0, job).convert("L")
            width, height = image.size
            ink = image.point(lambda v: 255 if v < WHITE else 0).getbbox()
            image.close()
            if ink is None:
                continue
            left, top, right, bottom = ink
            border = 0.02
            found[index] = {
                "left": max(0.0, left / width - border),
                "top": max(0.0, top / height - border),
                "right": max(0.0, 1 - right / width - border),
                "bottom": max(0.0, 1 - bottom / height - border),
            }
    return found
