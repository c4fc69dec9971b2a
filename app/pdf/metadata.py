"""Read, edit and strip document metadata: the Info dictionary and XMP, kept in step."""

from __future__ import annotations

from pathlib import Path

from app.pdf.document import Result, Source, open_pdf, save

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


def read(source: Source, *, max_pages: int | None = None) -> dict[str, object]:
    doc = open_pdf(source, max_pages=max_pages)
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


def write(
    source: Source,
    output: Path,
    *,
    values: dict[str, str],
    max_pages: int | None = None,
) -> Result:
    """Set the given fields (others stay as they are; an empty string clears one)."""
    doc = open_pdf(source, max_pages=max_pages)
    with doc.pdf:
        with doc.pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            for name, value in values.items():
                if name not in FIELDS:
                    continue
                info_key, xmp_key = FIELDS[name]
                if value:
                    doc.pdf.docinfo[info_key] = value
                    xmp[xmp_key] = [value] if xmp_key == "dc:creator" else value
                else:
                    if info_key in doc.pdf.docinfo:
                        del doc.pdf.docinfo[info_key]
                    if xmp_key in xmp:
                        del xmp[xmp_key]
        save(doc.pdf, output)
        return Result([output], [source.name] if doc.repaired else [], {})


def strip(source: Source, output: Path, *, max_pages: int | None = None) -> Result:
    """Remove the Info dictionary and the XMP metadata stream."""
    doc = open_pdf(source, max_pages=max_pages)
    with doc.pdf:
        if "/Info" in doc.pdf.trailer:
            del doc.pdf.trailer["/Info"]
        if "/Metadata" in doc.pdf.Root:
            del doc.pdf.Root["/Metadata"]
        save(doc.pdf, output)
        return Result([output], [source.name] if doc.repaired else [], {})
