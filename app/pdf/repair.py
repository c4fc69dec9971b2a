"""Repair: rebuild a damaged file's cross-reference table and page tree with qpdf.

qpdf reconstructs what it can while it reads (a lost xref table, wrong
offsets, a broken page tree); writing the file out again makes that
reconstruction the file. The report says what qpdf had to fix, in its words,
so a person knows whether to trust the result.
"""

from __future__ import annotations

from pathlib import Path

from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.job import Job

MAX_REPORTED = 20


def repair(source: Source, output: Path, job: Job) -> Result:
    doc = open_pdf(source, job)
    with doc.pdf:
        total = len(doc.pdf.objects)
        for count, _obj in enumerate(doc.pdf.objects):  # read everything: find all damage
            if count % 1024 == 0:
                job.step(count, total)
        pages = len(doc.pdf.pages)
        doc.save(output)
        warnings = [str(w) for w in doc.pdf.get_warnings()]
    report = {
        "repaired": bool(warnings),
        "problems": len(warnings),
        "details": [w[:300] for w in warnings[:MAX_REPORTED]],
        "pages": pages,
    }
    return Result(
        [output], [source.name] if warnings else [], report, protected=doc.protection is not None
    )
