"""The document as a viewer shows it: the copy redaction searches and draws.

A viewer draws comments, stamps and form fields over the page; pdfium's text
of a page does not include them, and rendering without pdfium's form
environment leaves field values out. So redaction works on a *view copy*,
made once in the request's private folder and removed afterwards: values a
viewer would draw get appearances (in Sheaf's fonts, so Chinese shows),
comments without one get the one a viewer draws (:mod:`app.pdf.core.appearances`),
and every annotation a viewer shows is drawn into its page (qpdf's flattening,
hidden ones left out). Searching that copy finds the text wherever a person
sees it, and its pictures are what the person saw, with the same page boxes
and object numbers as the document being redacted.

A second copy, *without* some streams (patterns and glyph procedures that
hold the text), is drawn where those streams paint, to find their pixels.

:func:`read_streams` reads what drawing streams show, as pdfium reads text, for
streams no page's text covers (patterns, glyph procedures, unused forms).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pikepdf

from app.pdf.core.document import Source, save
from app.pdf.core.errors import PdfError
from app.pdf.core.job import Job
from app.pdf.redact.needle import Needle
from app.pdf.render import PDFIUM

ObjGen = tuple[int, int]
#: The box a stream is drawn in to read its text: large enough for any glyph space.
READING_BOX = [-20_000, -20_000, 20_000, 20_000]


@contextmanager
def view_copies(
    source: Source, folder: Path, job: Job, without: set[ObjGen]
) -> Iterator[tuple[Any, Any]]:
    """pdfium documents of the view copy and (when ``without`` names streams) of the
    copy with those streams emptied; both closed and deleted afterwards."""
    import pypdfium2 as pdfium

    made = [folder / "view.pdf", folder / "view-without.pdf"]
    documents: list[Any] = []
    try:
        with _opened(source) as pdf:
            _as_shown(pdf)
            job.check()
            save(pdf, made[0])
            if without:
                for objgen in without:
                    stream = pdf.get_object(objgen)
                    if isinstance(stream, pikepdf.Stream):
                        stream.write(b"")
                save(pdf, made[1])
        with PDFIUM:
            documents.append(pdfium.PdfDocument(str(made[0])))
            if without:
                documents.append(pdfium.PdfDocument(str(made[1])))
        yield documents[0], documents[1] if without else None
    finally:
        with PDFIUM:
            for document in documents:
                document.close()
        for path in made:
            path.unlink(missing_ok=True)


@contextmanager
def _opened(source: Source) -> Iterator[pikepdf.Pdf]:
    try:
        pdf = pikepdf.open(source.path, password=source.password or "")
    except (pikepdf.PdfError, ValueError) as exc:  # opened once already: not expected
        raise PdfError("damaged_pdf", name=source.name) from exc
    with pdf:
        yield pdf


def _as_shown(pdf: pikepdf.Pdf) -> None:
    """Draw into each page what a viewer shows over it (see the module's text)."""
    from app.pdf.core.appearances import add_missing
    from app.pdf.forms import appear_as_shown

    # A form too broken to draw keeps no appearances; its values are still searched as
    # words. Annotations qpdf cannot flatten stay annotations, which pdfium still draws.
    with suppress(pikepdf.PdfError, ValueError, TypeError, KeyError):
        appear_as_shown(pdf)
    add_missing(pdf)
    with suppress(pikepdf.PdfError):
        pdf.flatten_annotations("screen")


def read_streams(
    pdf: pikepdf.Pdf,
    streams: list[ObjGen],
    needle: Needle,
    folder: Path,
    job: Job,
    resources: dict[ObjGen, pikepdf.Object] | None = None,
) -> set[ObjGen]:
    """Which of ``streams`` (drawing streams of ``pdf``) show the needle as text?

    Each is drawn alone on a page of a scratch document, with its resources, and
    read with pdfium, so text in any font (Chinese in a CID font too) is read.
    """
    import pypdfium2 as pdfium

    if not streams:
        return set()
    scratch = pikepdf.new()
    order: list[ObjGen] = []
    with scratch:
        for objgen in streams:
            stream = pdf.get_object(objgen)
            if not isinstance(stream, pikepdf.Stream):
                continue
            form = pikepdf.Stream(scratch, stream.read_bytes())
            form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
            form.BBox = READING_BOX
            own = stream.get("/Resources")
            drawn_with = own if own is not None else (resources or {}).get(objgen)
            if isinstance(drawn_with, pikepdf.Dictionary):
                form.Resources = scratch.copy_foreign(_indirect(pdf, drawn_with))
            page = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=READING_BOX,
                Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(S=form)),
                Contents=pikepdf.Stream(scratch, b"q /S Do Q"),
            )
            scratch.pages.append(pikepdf.Page(page))
            order.append(objgen)
        target = folder / "reading.pdf"
        save(scratch, target)
    found: set[ObjGen] = set()
    try:
        with PDFIUM:
            document = pdfium.PdfDocument(str(target))
        try:
            for index, objgen in enumerate(order):
                job.check()
                with PDFIUM:
                    page = document[index]
                    textpage = page.get_textpage()
                    text = textpage.get_text_range()
                    textpage.close()
                    page.close()
                if needle.holds(text):
                    found.add(objgen)
        finally:
            with PDFIUM:
                document.close()
    finally:
        target.unlink(missing_ok=True)
    return found


def _indirect(pdf: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """qpdf copies indirect objects between documents; a direct one is made indirect
    first (an object nothing refers to, which the saved result will not contain)."""
    return obj if obj.is_indirect else pdf.make_indirect(obj)
