"""Redaction that removes, not covers: a page with something redacted becomes a picture.

Drawing black boxes over text leaves the text in the file, to be copied out
by anyone. Sheaf instead replaces each page that carries a redaction with a
picture of that page (at ``dpi``) in which the redacted parts are black: the
page's text, fonts, images and hidden layers are gone from it, and with them
its form fields and comments, drawn into the picture as a viewer showed them.
Links outside the black boxes stay. Pages without a redaction keep their text.

Text redaction searches what a viewer shows (:mod:`.search` on the view copy
of :mod:`.view`, plus what comments and fields say, :mod:`.audit`), blacks
what the matched text draws, not only its font boxes (:mod:`.paint`), and then
removes the text from everything else the result holds, strings, names and
streams (:mod:`.scrub`), even when no page shows it. With ``hidden`` (the
default for text redaction) hidden information goes too (:mod:`.hidden`).
:func:`find_matches` lists the matches without changing anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.pdf.core.canvas import Canvas
from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job
from app.pdf.core.prune import references_to_content_of
from app.pdf.redact import hidden as hidden_information
from app.pdf.redact import paint
from app.pdf.redact.audit import Audit, audit
from app.pdf.redact.needle import Needle
from app.pdf.redact.report import Report
from app.pdf.redact.scrub import Scrub
from app.pdf.redact.search import PAD, Box, Found, PageView, find
from app.pdf.redact.view import read_streams, view_copies
from app.pdf.render import PDFIUM

MAX_AREAS = 1000


@dataclass(frozen=True)
class Area:
    page: int  # 1-based
    x: float
    y: float
    width: float
    height: float

    @property
    def box(self) -> Box:
        return (self.x, self.y, self.x + self.width, self.y + self.height)


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


def redact(
    source: Source,
    output: Path,
    job: Job,
    *,
    areas: list[Area] | None = None,
    text: str = "",
    dpi: int = 150,
    hidden: bool | None = None,
) -> Result:
    """``hidden``: also remove hidden information; None means "when redacting text"."""
    needle = Needle(text)
    if not areas and not needle:
        raise PdfError("bad_option", option="text", reason=N_("give a text or areas to redact"))
    doc = open_pdf(source, job, decodes=True)  # pages are rendered: their streams measured first
    with doc.pdf:
        pdf = doc.pdf
        wanted = _areas_by_page(areas or [], len(pdf.pages))
        found = audit(pdf, needle, job) if needle else Audit()
        drawers = _drawers(pdf, found, needle, output.parent, job)
        report = Report()
        canvas = Canvas(pdf)
        pictures: dict[int, Any] = {}
        with view_copies(source, output.parent, job, set().union(*drawers.values())) as docs:
            count = len(pdf.pages)
            for index in range(count):
                job.step(index, count)
                picture = _page(docs, index, needle, found, wanted, drawers, report, dpi, job)
                if picture is not None:
                    view, image, boxes = picture
                    try:
                        paint.as_picture(canvas, pdf.pages[index], image, view, boxes)
                    finally:
                        with PDFIUM:
                            view.close()
                    pictures[index] = pdf.pages[index].obj.Resources.XObject.SheafPage.objgen
        references_to_content_of(pdf, {pdf.pages[i].obj.objgen for i in pictures})
        report.pages = [i + 1 for i in sorted(pictures)]
        if needle:
            scrub = Scrub(pdf, needle, job, report, output.parent, frozenset(pictures.values()))
            scrub.used, scrub.clean, scrub.drop_thumbnails = found.used, found.clean, bool(pictures)
            scrub.run()
            if not report.where and not pictures and not wanted:
                raise PdfError("nothing_to_redact", text=needle.text)
        if hidden if hidden is not None else bool(needle):
            hidden_information.remove(pdf, report, set(pictures))
        return doc.result(output, report.info())


def find_matches(source: Source, folder: Path, job: Job, *, text: str) -> dict[str, Any]:
    """Where ``text`` shows on each page, as :func:`redact` would black it (without the
    pixels it adds to what font metrics say): boxes as fractions of the page as shown.

    Each box says which occurrence on its page it belongs to (``match``, from 0; one
    that wraps onto two lines has two boxes) and each page how many there are
    (``found``), so a person can keep one occurrence: :func:`redact` given the other
    occurrences' boxes as areas, without the text, removes just those."""
    needle = Needle(text)
    if not needle:
        raise PdfError("bad_option", option="text", reason=N_("give a text or areas to redact"))
    doc = open_pdf(source, job, decodes=True)
    with doc.pdf:
        found = audit(doc.pdf, needle, job)
        count = len(doc.pdf.pages)
    pages: list[dict[str, Any]] = []
    total = 0
    with view_copies(source, folder, job, set()) as (view_doc, _without):
        for index in range(count):
            job.check()
            with PDFIUM:
                view = PageView(view_doc, index)
                try:
                    hits = find(view, needle)
                    said = _said(view, found.said.get(index, []), hits.boxes)
                finally:
                    view.close()
            here = hits.count + len(said)
            total += here
            occurrence = hits.occurrence + [hits.count + i for i in range(len(said))]
            boxes = [
                {**_area(b), "match": n} for b, n in zip(hits.boxes + said, occurrence, strict=True)
            ]
            if boxes:
                pages.append({"page": index + 1, "found": here, "boxes": boxes})
    return {"found": total, "pages": pages}


def _area(box: Box) -> dict[str, float]:
    return {
        "x": round(box[0], 5),
        "y": round(box[1], 5),
        "width": round(box[2] - box[0], 5),
        "height": round(box[3] - box[1], 5),
    }


def _areas_by_page(areas: list[Area], count: int) -> dict[int, list[Box]]:
    wanted: dict[int, list[Box]] = {}
    for area in areas:
        if not 1 <= area.page <= count:
            raise PdfError("page_out_of_range", page=area.page, count=count)
        wanted.setdefault(area.page - 1, []).append(area.box)
    return wanted


def _drawers(pdf: Any, found: Audit, needle: Needle, folder: Path, job: Job) -> dict[int, set]:
    """Per page, the patterns, glyph procedures and soft masks that hold the needle,
    raw or as text only a renderer reads."""
    drawers = {index: set(streams) for index, streams in found.drawers.items()}
    if found.unread:
        shown = read_streams(pdf, list(found.unread), needle, folder, job, found.resources)
        for objgen in shown:
            for index in found.unread[objgen]:
                drawers.setdefault(index, set()).add(objgen)
    return {index: streams for index, streams in drawers.items() if streams}


def _said(view: PageView, rects: list, drawn: list[Box]) -> list[Box]:
    """Boxes of the comments and fields whose words hold the needle, where what they
    draw does not show it already (then the words found are blacked, not the whole)."""
    boxes = [view.box(r, PAD) for r in rects]
    return [b for b in boxes if not any(paint.overlaps(b, d) for d in drawn)]


def _page(
    docs: tuple[Any, Any],
    index: int,
    needle: Needle,
    found: Audit,
    wanted: dict[int, list[Box]],
    drawers: dict[int, set],
    report: Report,
    dpi: int,
    job: Job,
) -> tuple[PageView, Any, list[Box]] | None:
    """The picture of page ``index`` (its view, the picture, the black boxes) if it has
    anything to redact, else None."""
    view_doc, without_doc = docs
    with PDFIUM:
        view = PageView(view_doc, index)
        hits = find(view, needle) if needle else Found()
        said = _said(view, found.said.get(index, []), hits.boxes)
    boxes = wanted.get(index, []) + hits.boxes + said
    streams = drawers.get(index, set())
    if not boxes and index not in found.held and not streams:
        with PDFIUM:
            view.close()
        return None
    report.found += hits.count + len(said)
    for place, present in (
        ("text", hits.count),
        ("comments", said),
        ("page_content", index in found.held and not hits.count),
        ("drawings", streams),
    ):
        if present:
            report.place(place)
    try:
        scale = dpi / 72
        width, height = paint.size(view, scale, job, index)
        image = paint.render(view, width, height)
        ink = paint.text_ink(view, image, hits.chars, job, index in found.glyphs)
        masks = [ink] if ink is not None else []
        if streams and without_doc is not None:
            with PDFIUM:
                other = PageView(without_doc, index)
            try:
                draw = lambda top, rows: paint.render(other, width, height, top, rows)  # noqa: E731
                masks.append(paint.changed(image, draw, job))
            finally:
                with PDFIUM:
                    other.close()
        paint.black(image, boxes, masks)
    except BaseException:
        with PDFIUM:
            view.close()
        raise
    return view, image, boxes
