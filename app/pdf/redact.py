"""Redaction that removes, not covers: a page with something redacted becomes a picture.

Drawing black boxes over text leaves the text in the file, to be copied out
by anyone. Sheaf instead replaces each page that carries a redaction with an
image of that page (at ``dpi``) in which the redacted areas are black: the
page's text, fonts, images and hidden layers are gone from it, and with them
its form widgets and comments (drawn into the picture as they were shown).
Links outside the redacted areas stay. Pages without a redaction keep their
text untouched.

Text redaction finds every occurrence, ignoring case, with pdfium's text
positions, and also removes the text from the document's other strings
(details, XMP, bookmarks, comments, form values), so nothing repeats it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from app.pdf.canvas import Canvas, frame, matrix, shown_size
from app.pdf.document import Result, Source, open_pdf
from app.pdf.errors import N_, PdfError
from app.pdf.job import Job
from app.pdf.prune import references_to_content_of
from app.pdf.render import PDFIUM, open_rendering, render_page

MAX_AREAS = 1000
PAD = 1.0  # points around each found word, so no sliver of a glyph survives
Box = tuple[float, float, float, float]  # shown points: left, bottom, right, top


@dataclass(frozen=True)
class Area:
    page: int  # 1-based
    x: float
    y: float
    width: float
    height: float


def areas_from_json(raw: str) -> list[Area]:
    """``[{"page": 1, "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.05}, ...]``."""
    reason = N_("use a list of {page, x, y, width, height}")
    try:
        items = json.loads(raw)
        if not isinstance(items, list) or len(items) > MAX_AREAS:
            raise ValueError
        found = [
            Area(
                int(i["page"]), float(i["x"]), float(i["y"]), float(i["width"]), float(i["height"])
            )
            for i in items
        ]
    except (ValueError, TypeError, KeyError):
        raise PdfError("bad_option", option="areas", reason=reason) from None
    for a in found:
        inside = 0 <= a.x < 1 and 0 <= a.y < 1 and 0 < a.width <= 1 and 0 < a.height <= 1
        if not inside or a.x + a.width > 1.0001 or a.y + a.height > 1.0001:
            raise PdfError("bad_option", option="areas", reason=N_("areas must lie on the page"))
    return found


def _to_shown(page: pikepdf.Page) -> tuple[float, ...]:
    """The inverse of :func:`frame`: user space to shown coordinates."""
    a, b, c, d, e, f = frame(page)
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def _apply(m: tuple[float, ...], box: Box) -> Box:
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[3]), (box[0], box[3]), (box[2], box[1])):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    return min(xs), min(ys), max(xs), max(ys)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def redact(
    source: Source,
    output: Path,
    job: Job,
    *,
    areas: list[Area] | None = None,
    text: str = "",
    dpi: int = 150,
) -> Result:
    needle = text.strip()
    if not areas and not needle:
        raise PdfError("bad_option", option="text", reason=N_("give a text or areas to redact"))
    doc = open_pdf(source, job, decodes=True)  # pages are rendered: their streams measured first
    with doc.pdf:
        pdf = doc.pdf
        count = len(pdf.pages)
        boxes: dict[int, list[Box]] = defaultdict(list)
        for area in areas or []:
            if not 1 <= area.page <= count:
                raise PdfError("page_out_of_range", page=area.page, count=count)
            w, h = shown_size(pdf.pages[area.page - 1])
            top = h - area.y * h
            boxes[area.page - 1].append(
                (area.x * w, top - area.height * h, (area.x + area.width) * w, top)
            )
        found = 0
        canvas = Canvas(pdf)
        with open_rendering(source) as document:  # once: to search, then to render
            if needle:
                for index, user_boxes in _occurrences(document, needle, job, pdf).items():
                    found += len(user_boxes)
                    back = _to_shown(pdf.pages[index])
                    boxes[index] += [_apply(back, b) for b in user_boxes]
                if not found and not areas:
                    raise PdfError("nothing_to_redact", text=needle)
            for index in sorted(boxes):
                job.check()
                picture = render_page(document, index, dpi / 72, job)
                _as_picture(canvas, pdf.pages[index], picture, boxes[index], dpi / 72)
        references_to_content_of(pdf, {pdf.pages[i].obj.objgen for i in boxes})
        if needle:
            _scrub(pdf, needle)
        pages = [i + 1 for i in sorted(boxes)]
        return doc.result(output, {"pages": pages, "found": found})


def _occurrences(document: Any, needle: str, job: Job, pdf: pikepdf.Pdf) -> dict[int, list[Box]]:
    """Boxes (user space) of every occurrence of ``needle``, by page: in the text (pdfium's
    ``document``), and where a form field's value contains it (its widget's rectangle)."""
    found: dict[int, list[Box]] = defaultdict(list)
    for index in range(len(document)):
        job.check()
        with PDFIUM:
            page = document[index]
            textpage = page.get_textpage()
            try:
                searcher = textpage.search(needle, match_case=False)
                while (hit := searcher.get_next()) is not None:
                    start, length = hit
                    for i in range(start, start + length):
                        left, bottom, right, top = textpage.get_charbox(i)
                        if right > left or top > bottom:
                            found[index].append((left - PAD, bottom - PAD, right + PAD, top + PAD))
                searcher.close()
            finally:
                textpage.close()
                page.close()
    lowered = needle.lower()
    for index, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", []):
            value = annot.get("/V") if isinstance(annot, pikepdf.Dictionary) else None
            value = value if value is not None else _field_value(annot)
            if isinstance(value, pikepdf.String) and lowered in str(value).lower():
                found[index].append(_rect(annot))
    return found


def _rect(annot: pikepdf.Dictionary) -> Box:
    """An annotation's /Rect as (left, bottom, right, top), whichever corners it names."""
    r = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
    return min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])


def _field_value(annot: Any) -> Any:
    parent = annot.get("/Parent") if isinstance(annot, pikepdf.Dictionary) else None
    return parent.get("/V") if isinstance(parent, pikepdf.Dictionary) else None


def _as_picture(
    canvas: Canvas, page: pikepdf.Page, picture: Any, boxes: list[Box], scale: float
) -> None:
    from PIL import ImageDraw

    w, h = shown_size(page)
    draw = ImageDraw.Draw(picture)
    for left, bottom, right, top in boxes:
        draw.rectangle(
            (left * scale - 1, (h - top) * scale - 1, right * scale + 1, (h - bottom) * scale + 1),
            fill="black",
        )
    image = canvas.xobject(picture.convert("RGB"))
    page.obj.Contents = pikepdf.Stream(
        canvas.pdf,
        f"q {matrix(frame(page))} cm {w:.3f} 0 0 {h:.3f} 0 0 cm /SheafPage Do Q".encode(),
    )
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(SheafPage=image))
    to_user = frame(page)
    redacted = [_apply(to_user, b) for b in boxes]
    links = []
    for annot in page.obj.get("/Annots", []):
        if not isinstance(annot, pikepdf.Dictionary) or annot.get("/Subtype") != pikepdf.Name.Link:
            continue  # comments and widgets are in the picture now
        if not any(_overlaps(_rect(annot), r) for r in redacted):
            links.append(annot)
    if links:
        page.obj.Annots = pikepdf.Array(links)
    elif "/Annots" in page.obj:
        del page.obj["/Annots"]
    for key in ("/StructParents", "/Thumb", "/PieceInfo", "/Group", "/VP", "/Metadata", "/AA"):
        if key in page.obj:
            del page.obj[key]


def _scrub(pdf: pikepdf.Pdf, needle: str) -> None:
    """Black out ``needle`` in every string of the document and in its XMP."""
    pattern = re.compile(re.escape(needle), re.IGNORECASE)

    def clean(value: Any) -> Any:
        if isinstance(value, pikepdf.String):
            text = str(value)
            if pattern.search(text):
                return pikepdf.String(pattern.sub(lambda m: "█" * len(m.group()), text))
        return None

    def walk(container: Any, depth: int) -> None:
        if depth > 32:
            return
        if isinstance(container, (pikepdf.Dictionary, pikepdf.Stream)):
            items = list(container.items())
        elif isinstance(container, pikepdf.Array):
            items = list(enumerate(container))
        else:
            return
        for key, value in items:
            cleaned = clean(value)
            if cleaned is not None:
                container[key] = cleaned
            elif isinstance(value, pikepdf.Object) and not value.is_indirect:
                walk(value, depth + 1)

    for obj in pdf.objects:
        walk(obj, 0)
    walk(pdf.trailer.get("/Info"), 0)
    meta = pdf.Root.get("/Metadata")
    if isinstance(meta, pikepdf.Stream):
        try:
            xml = meta.read_bytes().decode("utf-8")
        except (UnicodeDecodeError, pikepdf.PdfError):
            del pdf.Root["/Metadata"]  # cannot check it: it goes
            return
        if pattern.search(xml):
            meta.write(pattern.sub(lambda m: "█" * len(m.group()), xml).encode("utf-8"))
