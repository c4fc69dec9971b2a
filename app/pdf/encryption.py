"""Protect a PDF with a password (AES-256), or remove a password you know.

Both edit the document in place, so everything but its protection stays.
"""

from __future__ import annotations

from pathlib import Path

from app.pdf.core.document import Result, Source, open_pdf, save
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job


def protect(
    source: Source,
    output: Path,
    job: Job,
    *,
    user_password: str,
    owner_password: str | None = None,
    allow_print: bool = True,
    allow_copy: bool = True,
    allow_modify: bool = True,
) -> Result:
    import pikepdf

    if not user_password:
        raise PdfError("bad_option", option="password", reason=N_("it cannot be empty"))
    doc = open_pdf(source, job)
    with doc.pdf:
        permissions = pikepdf.Permissions(
            print_lowres=allow_print,
            print_highres=allow_print,
            extract=allow_copy,
            accessibility=True,
            modify_other=allow_modify,
            modify_annotation=allow_modify,
            modify_form=allow_modify,
            modify_assembly=allow_modify,
        )
        encryption = pikepdf.Encryption(
            user=user_password,
            owner=owner_password or user_password,
            R=6,
            allow=permissions,
        )
        save(doc.pdf, output, encryption=encryption)
        return Result([output], doc.repaired_names, {}, protected=True)


def unlock(source: Source, output: Path, job: Job) -> Result:
    """Write the document without encryption. ``source.password`` must open it."""
    doc = open_pdf(source, job)
    with doc.pdf:
        save(doc.pdf, output)
        return Result([output], doc.repaired_names, {})
