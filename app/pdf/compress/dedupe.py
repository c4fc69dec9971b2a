"""One copy of what a document holds many times, and nothing no viewer draws.

Documents put together from parts (merged files, slides, mail merges) carry
the same font program, picture or ICC profile once per page. Streams with the
same bytes and the same dictionary are one object after this: every reference
points at the first. Page thumbnails (/Thumb: viewers draw their own) and
applications' private data (/PieceInfo) go too. Everything the fidelity suite
checks (info, XMP, outlines, forms, annotations, tags, attachments, labels)
is left exactly as it was.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

    from app.pdf.core.job import Job

#: Stream kinds merged when equal: pictures, font programs, ICC profiles, forms.
KINDS = ("/Image", "/Form")
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def drop_private(pdf: pikepdf.Pdf) -> int:
    """Remove thumbnails and private application data; how many were removed."""
    removed = 0
    for page in pdf.pages:
        for key in ("/Thumb", "/PieceInfo"):
            if key in page.obj:
                del page.obj[key]
                removed += 1
    if "/PieceInfo" in pdf.Root:
        del pdf.Root["/PieceInfo"]
        removed += 1
    return removed


def merge_duplicates(pdf: pikepdf.Pdf, job: Job) -> int:
    """Point every reference to a duplicate stream at its first copy; how many merged."""
    import pikepdf

    candidates = _candidates(pdf)
    first: dict[tuple, tuple[int, int]] = {}
    replace: dict[tuple[int, int], pikepdf.Object] = {}
    for count, stream in enumerate(candidates):
        if count % 256 == 0:
            job.check()
        try:
            raw = stream.read_raw_bytes()
        except pikepdf.PdfError:
            continue
        key = (hashlib.sha256(raw).digest(), _dictionary_key(stream))
        if key in first:
            replace[stream.objgen] = pdf.get_object(first[key])
        else:
            first[key] = stream.objgen
    if replace:
        _repoint(pdf, replace, job)
    return len(replace)


def _candidates(pdf: pikepdf.Pdf) -> list[pikepdf.Stream]:
    """Streams worth merging: images, forms, and the font programs and ICC profiles
    named by font descriptors and colour spaces."""
    import pikepdf

    found: dict[tuple[int, int], pikepdf.Stream] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") in KINDS:
            found[obj.objgen] = obj
        elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            for key in FONT_FILES:
                file = obj.get(key)
                if isinstance(file, pikepdf.Stream):
                    found[file.objgen] = file
        elif isinstance(obj, pikepdf.Array):
            _icc(obj, found)
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            _icc(obj.get("/ColorSpace"), found)
    return list(found.values())


def _icc(space: object, found: dict) -> None:
    """Add the ICC profile of an ``[/ICCBased profile]`` colour space to ``found``."""
    import pikepdf

    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
        profile = space[1]
        if isinstance(profile, pikepdf.Stream):
            found[profile.objgen] = profile


def _dictionary_key(stream: pikepdf.Stream) -> str:
    """The stream's dictionary (its length aside) as PDF writes it, references by number."""
    import pikepdf

    items = sorted((str(k), v) for k, v in stream.stream_dict.items() if k != "/Length")
    return repr([(k, v.unparse() if isinstance(v, pikepdf.Object) else repr(v)) for k, v in items])


def _repoint(pdf: pikepdf.Pdf, replace: dict, job: Job) -> None:
    import pikepdf

    def visit(container: pikepdf.Object, depth: int) -> None:
        if depth > 32:
            return
        if isinstance(container, pikepdf.Dictionary | pikepdf.Stream):
            items = (
                list(container.items())
                if isinstance(container, pikepdf.Dictionary)
                else list(container.stream_dict.items())
            )
            for key, value in items:
                if isinstance(value, pikepdf.Object):
                    step(container, key, value, depth)
        elif isinstance(container, pikepdf.Array):
            for index, value in enumerate(container):
                if isinstance(value, pikepdf.Object):
                    step(container, index, value, depth)

    def step(container: pikepdf.Object, key: str | int, value: pikepdf.Object, depth: int) -> None:
        if value.is_indirect:
            target = replace.get(value.objgen)
            if target is not None:
                container[key] = target
        elif isinstance(value, pikepdf.Dictionary | pikepdf.Array):
            visit(value, depth + 1)

    for count, obj in enumerate(pdf.objects):
        if count % 1024 == 0:
            job.check()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            visit(obj, 0)
    for key in ("/Root", "/Info"):
        if key in pdf.trailer and not pdf.trailer[key].is_indirect:
            visit(pdf.trailer[key], 0)
