"""Flatten: what a page shows becomes part of the page, so it prints and travels as seen.

Form fields get appearance streams first (so a filled value shows as it does
in a viewer), and so do markup annotations that came without one
(:mod:`app.pdf.core.appearances`); then every annotation with an appearance is drawn
into the page content and removed, and the form goes. Links have no appearance of their own
and stay links. Everything else in the document stays.
"""

from __future__ import annotations

from pathlib import Path

from app.pdf.core.appearances import add_missing
from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.job import Job


def flatten(source: Source, output: Path, job: Job) -> Result:
    doc = open_pdf(source, job, decodes=True)  # appearances are parsed and drawn
    with doc.pdf:
        if "/AcroForm" in doc.pdf.Root:
            doc.pdf.generate_appearance_streams()
        add_missing(doc.pdf)  # highlights, ink, notes... drawn as viewers draw them
        job.check()
        doc.pdf.flatten_annotations("all")
        if "/AcroForm" in doc.pdf.Root:
            del doc.pdf.Root["/AcroForm"]
        return doc.result(output)
