"""Merge several PDFs into one, in the order given, keeping each one's bookmarks.

Each input becomes a top-level bookmark named after its file, with that file's
own outline nested beneath it, so a merged report still navigates like its
parts. :func:`~app.pdf.document.copy_pages` carries form fields, named
destinations and outlines along with the pages.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from app.pdf.document import Result, Source, copy_pages, open_pdf, save
from app.pdf.errors import PdfError


def merge(sources: list[Source], output: Path, *, max_pages: int | None = None) -> Result:
    import pikepdf

    with ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        opened = []
        for source in sources:
            doc = open_pdf(source, max_pages=max_pages)
            stack.enter_context(doc.pdf)
            opened.append(doc)
            first = len(merged.pages)
            total = first + len(doc.pdf.pages)
            if max_pages is not None and total > max_pages:
                raise PdfError("too_many_pages", count=total, limit=max_pages)
            with merged.open_outline() as outline:
                before = len(outline.root)
            copy_pages(merged, doc.pdf)
            with merged.open_outline() as outline:
                own = list(outline.root[before:])
                del outline.root[before:]
                entry = pikepdf.OutlineItem(Path(source.name).stem, first)
                entry.children.extend(own)
                outline.root.append(entry)
        save(merged, output)
        return Result(
            outputs=[output],
            repaired=[d.source.name for d in opened if d.repaired],
            info={"pages": len(merged.pages)},
        )
