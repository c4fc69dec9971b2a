"""A redacted page as a picture: drawn as the viewer showed it, then blacked where needed.

A match's box is what pdfium says its glyphs cover: an ordinary font's glyph
box is its outline's. A Type 3 glyph is a drawing that may reach far outside
the box its font declares, and stroked text is wider than its outline; for
those, what the matched text *draws* is blacked: the page is drawn a second
time with the text objects holding the match switched off, and every pixel
that changes belongs to them (pixels inside the other letters of the same
objects, the words around the match, are spared). Patterns and glyph
procedures that hold the text are found the same way, against the view copy
drawn without them.

Drawing twice costs memory; when two pictures of the page would not fit the
job's budget, the second is drawn in bands.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import pikepdf

from app.pdf.core.canvas import Canvas, frame, matrix, shown_size
from app.pdf.core.job import Job
from app.pdf.redact.audit import rect as annot_rect
from app.pdf.redact.search import Box, PageView
from app.pdf.render import PDFIUM, refuse_too_large

#: Text render modes that stroke the glyphs' outlines (stroke, fill and stroke, and clip).
STROKED = {1, 2, 5, 6}
#: Keys of a page that describe the content it no longer has.
STALE_KEYS = ("/StructParents", "/Thumb", "/PieceInfo", "/Group", "/VP", "/Metadata", "/AA")


def size(view: PageView, scale: float, job: Job, index: int) -> tuple[int, int]:
    """The picture's pixels at ``scale``, refused past the job's limits."""
    width, height = max(1, round(view.width * scale)), max(1, round(view.height * scale))
    refuse_too_large(width, height, index, job)
    return width, height


def render(view: PageView, width: int, height: int, top: int = 0, rows: int = 0) -> Any:
    """Rows ``top`` to ``top + rows`` of the page drawn ``width`` x ``height`` (RGB)."""
    import pypdfium2 as pdfium

    rows = rows or height
    with PDFIUM:
        bitmap = pdfium.PdfBitmap.new_native(
            width, rows, pdfium.raw.FPDFBitmap_BGRx, rev_byteorder=True
        )
        bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, rows)
        flags = pdfium.raw.FPDF_ANNOT | pdfium.raw.FPDF_REVERSE_BYTE_ORDER
        pdfium.raw.FPDF_RenderPageBitmap(
            bitmap.raw, view.page.raw, 0, -top, width, height, 0, flags
        )
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
    return image


def changed(picture: Any, other: Callable[[int, int], Any], job: Job) -> Any:
    """A mask of the pixels where ``other(top, rows)`` draws differently from ``picture``."""
    from PIL import Image, ImageChops

    width, height = picture.size
    band = (
        height
        if 2 * width * height <= job.max_render_pixels
        else max(1, job.max_render_pixels // (4 * width))
    )
    mask = Image.new("L", picture.size, 0)
    for top in range(0, height, band):
        rows = min(band, height - top)
        strip = other(top, rows)
        diff = ImageChops.difference(picture.crop((0, top, width, top + rows)), strip)
        strip.close()
        box = diff.getbbox()
        if box is None:
            continue
        part = diff.crop(box).point(lambda v: 255 if v else 0).convert("L")  # any channel
        mask.paste(part.point(lambda v: 255 if v else 0), (box[0], top + box[1]))
    return mask


def text_ink(view: PageView, picture: Any, chars: set[int], job: Job, glyphs: bool) -> Any:
    """The pixels the text objects holding ``chars`` draw, minus the other letters in them;
    None where the boxes already cover them. A glyph of an ordinary font lies inside the
    box pdfium gives it (its outline's); a Type 3 glyph (``glyphs``: the page has such
    fonts) is a drawing that may reach anywhere, and stroked text is wider than its
    outline, so for those the page is drawn again without the matched text objects."""
    from PIL import ImageChops, ImageDraw

    objects: dict[int, Any] = {}
    with PDFIUM:
        for i in chars:
            obj = view.text_object(i)
            if obj:
                objects[ctypes.cast(obj, ctypes.c_void_p).value or 0] = obj
        stroked = any(
            view.raw.FPDFTextObj_GetTextRenderMode(obj) in STROKED for obj in objects.values()
        )
        if not objects or not (glyphs or stroked):
            return None
        for obj in objects.values():
            view.raw.FPDFPageObj_SetIsActive(obj, False)
    width, height = picture.size
    try:
        mask = changed(picture, lambda top, rows: render(view, width, height, top, rows), job)
    finally:
        with PDFIUM:
            for obj in objects.values():
                view.raw.FPDFPageObj_SetIsActive(obj, True)
    spared = []
    with PDFIUM:
        for i in range(view.textpage.count_chars()):
            if i in chars:
                continue
            obj = view.text_object(i)
            if obj and (ctypes.cast(obj, ctypes.c_void_p).value or 0) in objects:
                left, bottom, right, top = view.textpage.get_charbox(i)
                if right > left and top > bottom:
                    spared.append(view.box((left, bottom, right, top)))
    if spared:
        keep = mask.copy()
        keep.paste(0, (0, 0, width, height))
        draw = ImageDraw.Draw(keep)
        for box in spared:
            draw.rectangle(_pixels(box, width, height), fill=255)
        mask = ImageChops.subtract(mask, keep)
    return mask


def black(picture: Any, boxes: list[Box], masks: list[Any]) -> None:
    """Black the boxes, and every pixel of each mask, in place. A mask holds every pixel
    the text changed, its anti-aliased edges too: nothing beside them tells of it."""
    from PIL import ImageDraw

    width, height = picture.size
    for mask in masks:
        box = mask.getbbox()
        if box is not None:
            picture.paste((0, 0, 0), box, mask.crop(box))
    draw = ImageDraw.Draw(picture)
    for box in boxes:
        if box[2] > box[0] and box[3] > box[1]:  # a box off the page is empty
            left, top, right, bottom = _pixels(box, width, height)
            draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill="black")


def _pixels(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    import math

    return (
        math.floor(box[0] * width),
        math.floor(box[1] * height),
        math.ceil(box[2] * width),
        math.ceil(box[3] * height),
    )


def as_picture(
    canvas: Canvas, page: pikepdf.Page, picture: Any, view: PageView, boxes: list[Box]
) -> None:
    """Replace the page's content with ``picture`` (what pdfium showed of it, its effective
    box turned by ``/Rotate``); keep the links that lie outside every black box."""
    left, bottom, right, top = view.effective_box()
    if right > left and top > bottom:
        page.obj.CropBox = pikepdf.Array([left, bottom, right, top])
    w, h = shown_size(page)
    image = canvas.xobject(picture)
    page.obj.Contents = pikepdf.Stream(
        canvas.pdf,
        f"q {matrix(frame(page))} cm {w:.3f} 0 0 {h:.3f} 0 0 cm /SheafPage Do Q".encode(),
    )
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(SheafPage=image))
    links = []
    for annot in page.obj.get("/Annots", []):
        if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != pikepdf.Name.Link:
            continue  # comments and widgets are in the picture now
        where = view.box(annot_rect(annot))
        if not any(overlaps(where, b) for b in boxes):
            links.append(annot)
    if links:
        page.obj.Annots = pikepdf.Array(links)
    elif "/Annots" in page.obj:
        del page.obj["/Annots"]
    for key in STALE_KEYS:
        if key in page.obj:
            del page.obj[key]


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
