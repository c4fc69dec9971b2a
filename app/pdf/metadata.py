"""Read, edit and strip document metadata: the Info dictionary and XMP, kept in step."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.job import Job

if TYPE_CHECKING:
    import pikepdf

FIELDS = {  # our name -> (Info key, XMP key)
    "title": ("/Title", "dc:title"),
    "author": ("/Author", "dc:creator"),
    "subject": ("/Subject", "dc:description"),
    "keywords": ("/Keywords", "pdf:Keywords"),
}
READ_ONLY = {"creator": "/Creator", "producer": "/Producer"}


def _text(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return ""


def read(source: Source, job: Job) -> dict[str, object]:
    doc = open_pdf(source, job)
    with doc.pdf:
        info = doc.pdf.docinfo
        result: dict[str, object] = {}
        for name, (key, _xmp) in {**FIELDS, **{k: (v, "") for k, v in READ_ONLY.items()}}.items():
            result[name] = _text(info[key]) if key in info else ""
        try:
            xmp = doc.pdf.open_metadata()
            for name, (_key, xmp_key) in FIELDS.items():
                if not result[name] and xmp_key in xmp:
                    value = xmp[xmp_key]
                    result[name] = ", ".join(value) if isinstance(value, list) else _text(value)
        except Exception:  # noqa: S110 - unreadable XMP: the Info values stand
            pass
        result["pages"] = len(doc.pdf.pages)
        result["encrypted"] = bool(doc.pdf.is_encrypted)
        result["repaired"] = doc.repaired
        return result


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def write(source: Source, output: Path, job: Job, *, values: dict[str, str]) -> Result:
    """Set the fields in ``values`` (an empty string clears one); every other field,
    Creator, Producer and CreationDate included, stays. ModDate becomes now. The XMP
    packet, where the document has one, is kept in step."""
    doc = open_pdf(source, job)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with doc.pdf:
        info = doc.pdf.docinfo
        changes = {name: value for name, value in values.items() if name in FIELDS}
        for name, value in changes.items():
            key = FIELDS[name][0]
            if value:
                info[key] = value
            elif key in info:
                del info[key]
        info["/ModDate"] = _pdf_date(now)
        if "/Metadata" in doc.pdf.Root:
            _update_xmp(doc.pdf, changes, now)
        return doc.result(output)


def _update_xmp(pdf: pikepdf.Pdf, changes: dict[str, str], now: datetime) -> None:
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            for name, value in changes.items():
                xmp_key = FIELDS[name][1]
                if value:
                    xmp[xmp_key] = [value] if xmp_key == "dc:creator" else value
                elif xmp_key in xmp:
                    del xmp[xmp_key]
            xmp["xmp:ModifyDate"] = now.isoformat()
            xmp["xmp:MetadataDate"] = now.isoformat()
    except Exception:  # noqa: S110 - unparseable XMP stays as it was; Info is what changed
        pass


def strip(source: Source, output: Path, job: Job) -> Result:
    """Remove the Info dictionary and the XMP metadata stream."""
    doc = open_pdf(source, job)
    with doc.pdf:
        if "/Info" in doc.pdf.trailer:
            del doc.pdf.trailer["/Info"]
        if "/Metadata" in doc.pdf.Root:
            del doc.pdf.Root["/Metadata"]
        return doc.result(output)
