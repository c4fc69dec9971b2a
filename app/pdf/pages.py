"""Split, reorder, remove and rotate pages, editing the document in place.

``organize`` is the one primitive for a single result: the input's own
document with chosen pages in a chosen order, each with extra rotation
(:func:`app.pdf.core.inplace.rearrange`). Keep, remove, rotate and the visual
organizer are special cases of it. ``split`` makes several documents, so it
copies each part's pages into a new one and carries the document's info.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from app.pdf.core import ranges
from app.pdf.core.document import Result, Source, chosen_pages, copy_pages, open_pdf, save
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.inplace import rearrange
from app.pdf.core.job import Job

if TYPE_CHECKING:
    import pikepdf

ANGLES = (0, 90, 180, 270)
#: Up to this many parts each carry the bookmarks that lead into it (a book split into
#: chapters). pikepdf walks the whole outline for every part, so page-by-page splits
#: of a long bookmarked document skip them: 1,000 parts took 23.7 s instead of 2.5 s.
BOOKMARKED_PARTS = 20
#: What a split part carries of the whole document besides its pages.
DOCUMENT_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents", "/Metadata")


def organize(
    source: Source,
    output: Path,
    job: Job,
    *,
    order: Sequence[int] | None = None,
    rotations: Mapping[int, int] | None = None,
) -> Result:
    """Pages ``order`` (0-based; None = all, as they are), each turned clockwise by
    ``rotations[position]`` degrees more than it was."""
    if order is not None:
        job.pages_out(len(order))
    doc = open_pdf(source, job)
    with doc.pdf:
        chosen = list(range(len(doc.pdf.pages))) if order is None else list(order)
        rearrange(doc.pdf, chosen, rotations or {})
        return doc.result(output, {"pages": len(chosen)})


def select(source: Source, output: Path, spec: str, job: Job) -> Result:
    """Keep the pages of a range like ``1-3,5`` (in that order, repeats allowed)."""
    doc = open_pdf(source, job)
    with doc.pdf:
        order = ranges.parse(spec, len(doc.pdf.pages))
        job.pages_out(len(order))
        rearrange(doc.pdf, order)
        return doc.result(output, {"pages": len(order)})


def remove(source: Source, output: Path, spec: str, job: Job) -> Result:
    doc = open_pdf(source, job)
    with doc.pdf:
        count = len(doc.pdf.pages)
        gone = set(ranges.parse(spec, count))
        keep = [i for i in range(count) if i not in gone]
        rearrange(doc.pdf, keep)
        return doc.result(output, {"pages": len(keep)})


def rotate(source: Source, output: Path, angle: int, spec: str, job: Job) -> Result:
    """Turn the pages of ``spec`` (empty = all) clockwise by ``angle`` (90, 180, 270)."""
    if angle not in ANGLES[1:]:
        raise PdfError("bad_option", option="angle", reason=N_("use 90, 180 or 270"))
    doc = open_pdf(source, job)
    with doc.pdf:
        count = len(doc.pdf.pages)
        chosen = ranges.each_page(spec, count)
        for done, page in enumerate(chosen_pages(doc.pdf, chosen)):
            job.step(done, len(chosen))
            page.rotate(angle, relative=True)
        return doc.result(output, {"pages": count})


def groups_for(count: int, ranges_spec: str | None, every: int) -> list[list[int]]:
    if ranges_spec and ranges_spec.strip():
        parts = ranges.normalize(ranges_spec).split(",")
        return [ranges.parse(part, count) for part in parts if part.strip()]
    if every < 1:
        raise PdfError("bad_option", option="every", reason=N_("use a number from 1 up"))
    return [list(range(i, min(i + every, count))) for i in range(0, count, every)]


def split(
    source: Source,
    out_dir: Path,
    job: Job,
    *,
    ranges_spec: str | None = None,
    every: int = 1,
) -> Result:
    """One file per range (``"1-3,4-6"`` → two files), per ``every`` N pages, or per page.

    Each part carries the document's info, XMP, language and output intents, its
    pages' form fields and named destinations, and (up to :data:`BOOKMARKED_PARTS`
    parts) their bookmarks. Files on disk get generated names; ``Result.names``
    says what to call them.
    """
    import pikepdf

    doc = open_pdf(source, job)
    stem = Path(source.name).stem or "document"
    with doc.pdf:
        count = len(doc.pdf.pages)
        groups = groups_for(count, ranges_spec, every)
        job.files_out(len(groups))
        few = len(groups) <= BOOKMARKED_PARTS
        job.pages_out(sum(len(g) for g in groups))
        width = len(str(count))  # zero-padded, so the files sort in page order
        outputs: list[Path] = []
        names: list[str] = []
        encryption = (
            doc.protection.encryption(native=False) if doc.protection is not None else False
        )
        listed = list(doc.pdf.pages)
        showing = listed
        for number, group in enumerate(groups, 1):
            job.step(number - 1, len(groups))
            first, last = group[0] + 1, group[-1] + 1
            label = (
                f"{stem}-page-{first:0{width}d}"
                if len(group) == 1
                else f"{stem}-pages-{first:0{width}d}-{last:0{width}d}"
            )
            name, n = f"{label}.pdf", 1
            while name in names:  # the same range asked for twice
                n += 1
                name = f"{label}-{n}.pdf"
            target = out_dir / f"part-{number:05d}.pdf"
            with pikepdf.new() as part:
                if len(set(group)) == len(group):
                    showing = _show_only(doc.pdf, showing, [listed[i] for i in group])
                    copy_pages(part, doc.pdf, None, outlines=few)
                else:  # a page twice in one part: copy it twice from the whole document
                    showing = _show_only(doc.pdf, showing, listed)
                    copy_pages(part, doc.pdf, group, outlines=few)
                _carry_document(doc.pdf, part)
                save(part, target, encryption=encryption)
            outputs.append(target)
            names.append(name)
        return Result(
            outputs,
            doc.repaired_names,
            {"files": len(outputs)},
            protected=doc.protection is not None,
            names=names,
        )


def _show_only(
    pdf: pikepdf.Pdf, showing: list[pikepdf.Page], pages: list[pikepdf.Page]
) -> list[pikepdf.Page]:
    """Make ``pages`` the page list of ``pdf`` (which the split discards afterwards);
    return them. pikepdf copies pages by position, and each position it looks up costs
    a list of every page: a part copied from a 20,000-page list cost 20,000 times more
    than from its own few pages. Emptying the list from its end is cheap, and an
    empty list is read afresh from ``/Kids`` (see :func:`app.pdf.core.inplace.rearrange`)."""
    import pikepdf

    if showing is pages:
        return pages
    for page in reversed(showing):
        pdf.pages.remove(page)
    root = pdf.Root.Pages
    for page in pages:
        page.obj.Parent = root
    root.Kids = pikepdf.Array([page.obj for page in pages])
    root.Count = len(pages)
    return pages


def _carry_document(source: pikepdf.Pdf, part: pikepdf.Pdf) -> None:
    """A part is still the same document: its info, XMP, language and intents."""
    import pikepdf

    entries = _info_entries(source.trailer.get("/Info"))
    if entries:
        part.trailer.Info = part.make_indirect(pikepdf.Dictionary(entries))
    for key in DOCUMENT_KEYS:
        value = source.Root.get(key)
        if value is None:
            continue
        # A string or name travels inside an array and comes out direct: pikepdf before
        # 10 (the macOS builds') refuses another file's direct objects.
        wrapped = not isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream))
        if wrapped:
            value = pikepdf.Array([value])
        if not value.is_indirect:
            value = source.make_indirect(value)
        try:
            copied = part.copy_foreign(value)
        except (pikepdf.PdfError, pikepdf.ForeignObjectError, RuntimeError):
            continue  # damaged (it leads to a page, say): the part goes without it
        part.Root[key] = copied[0] if wrapped else copied


def _info_entries(info: object) -> dict[str, object]:
    """The document info's text, names, numbers and flags, as values of their own: an
    entry may be an indirect object of the source (which a part cannot point to), and
    a damaged file may point one at anything, even its page tree, which stays out."""
    import pikepdf

    if not isinstance(info, pikepdf.Dictionary):
        return {}
    entries: dict[str, object] = {}
    for key, value in info.items():
        if isinstance(value, pikepdf.String):
            entries[key] = pikepdf.String(bytes(value))
        elif isinstance(value, pikepdf.Name):
            entries[key] = pikepdf.Name(str(value))
        elif isinstance(value, (bool, int, float, Decimal)):
            entries[key] = value
    return entries


def zip_files(paths: Sequence[Path], names: Sequence[str], zip_path: Path) -> Path:
    """Pack outputs into one download under ``names``; fixed timestamps, so equal
    inputs give equal zips. PDFs and images are compressed already, so they are
    stored: deflating them again took a third of a 1,000-page split's time."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as z:
        for path, name in zip(paths, names, strict=True):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            with open(path, "rb") as src, z.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    return zip_path
