"""Merge several PDFs into one, in the order given.

The first file is the base and is edited in place, so the result keeps its
document info, XMP, language, viewer settings and attachments. The other
files' pages are appended with their form fields (clashing names renamed by
pikepdf), named destinations and bookmarks. Each input becomes a top-level
bookmark named after its file with that file's own bookmarks beneath it, and
each input's page labels stay with its pages. The result is protected like
the first protected input.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from app.pdf.core.document import OpenDocument, Result, Source, copy_pages, open_pdf, save
from app.pdf.core.inplace import Label, read_labels, write_labels
from app.pdf.core.job import Job


def merge(sources: list[Source], output: Path, job: Job) -> Result:
    import pikepdf

    with ExitStack() as stack:
        opened: list[OpenDocument] = []
        for source in sources:
            job.check()
            doc = open_pdf(source, job)
            stack.enter_context(doc.pdf)
            opened.append(doc)
        job.pages_out(sum(len(d.pdf.pages) for d in opened))
        base = opened[0]
        merged = base.pdf
        labels: list[Label] = []
        any_labels = False
        with merged.open_outline() as outline:
            own = list(outline.root)
            outline.root.clear()
            entry = pikepdf.OutlineItem(Path(base.source.name).stem, 0)
            entry.children.extend(own)
            outline.root.append(entry)
        for done, doc in enumerate(opened):
            job.step(done, len(opened))
            count = len(doc.pdf.pages)
            first = 0 if doc is base else len(merged.pages)
            own_labels = read_labels(doc.pdf, count)
            any_labels = any_labels or own_labels is not None
            labels.extend(own_labels or [("/D", "", first + i + 1) for i in range(count)])
            if doc is base:
                continue
            with merged.open_outline() as outline:
                before = len(outline.root)
            copy_pages(merged, doc.pdf)
            with merged.open_outline() as outline:
                own = list(outline.root[before:])
                del outline.root[before:]
                entry = pikepdf.OutlineItem(Path(doc.source.name).stem, first)
                entry.children.extend(own)
                outline.root.append(entry)
        if any_labels:
            write_labels(merged, labels)
        protected = next((d for d in opened if d.protection is not None), None)
        if protected is None or protected is base:
            base.save(output)
        else:
            assert protected.protection is not None
            save(merged, output, encryption=protected.protection.encryption(native=False))
        return Result(
            outputs=[output],
            repaired=[name for d in opened for name in d.repaired_names],
            info={"pages": len(merged.pages)},
            protected=protected is not None,
        )
