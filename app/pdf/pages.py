"""Split, reorder, remove and rotate pages.

``organize`` is the one primitive: a new document from chosen pages of the
input, in a chosen order, with extra rotation per page. Keep, remove, rotate
and the visual organizer are all special cases of it; split calls it once per
output file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.pdf import ranges
from app.pdf.document import Opened, Result, Source, copy_pages, open_pdf, save
from app.pdf.errors import N_, PdfError

ANGLES = (0, 90, 180, 270)


def _write(doc: Opened, order: Sequence[int], rotations: Mapping[int, int], output: Path) -> None:
    import pikepdf

    count = len(doc.pdf.pages)
    if not order:
        raise PdfError("no_pages_left")
    for index in order:
        if not 0 <= index < count:
            raise PdfError("page_out_of_range", page=index + 1, count=count)
    for angle in rotations.values():
        if angle % 90:
            raise PdfError("bad_option", option="angle", reason=N_("use 90, 180 or 270"))
    with pikepdf.new() as out:
        # A page picked twice must be two page objects; copy_pages handles repeats
        # only when asked one index at a time.
        for position, index in enumerate(order):
            copy_pages(out, doc.pdf, [index])
            extra = rotations.get(position, 0) % 360
            if extra:
                page = out.pages[-1]
                page.rotate(extra, relative=True)
        save(out, output)


def organize(
    source: Source,
    output: Path,
    *,
    order: Sequence[int] | None = None,
    rotations: Mapping[int, int] | None = None,
    max_pages: int | None = None,
) -> Result:
    """New document of pages ``order`` (0-based; None = all, as they are), each
    turned clockwise by ``rotations[position]`` degrees more than it was."""
    doc = open_pdf(source, max_pages=max_pages)
    with doc.pdf:
        chosen = list(range(len(doc.pdf.pages))) if order is None else list(order)
        _write(doc, chosen, rotations or {}, output)
        return Result([output], [source.name] if doc.repaired else [], {"pages": len(chosen)})


def select(source: Source, output: Path, spec: str, *, max_pages: int | None = None) -> Result:
    """Keep the pages of a range like ``1-3,5`` (in that order)."""
    count = _count(source, max_pages)
    return organize(source, output, order=ranges.parse(spec, count), max_pages=max_pages)


def remove(source: Source, output: Path, spec: str, *, max_pages: int | None = None) -> Result:
    count = _count(source, max_pages)
    gone = set(ranges.parse(spec, count))
    keep = [i for i in range(count) if i not in gone]
    return organize(source, output, order=keep, max_pages=max_pages)


def rotate(
    source: Source, output: Path, angle: int, spec: str = "", *, max_pages: int | None = None
) -> Result:
    """Turn the pages of ``spec`` (empty = all) clockwise by ``angle`` (90, 180, 270)."""
    if angle not in ANGLES[1:]:
        raise PdfError("bad_option", option="angle", reason=N_("use 90, 180 or 270"))
    count = _count(source, max_pages)
    chosen = set(ranges.parse(spec, count)) if spec.strip() else set(range(count))
    return organize(source, output, rotations={i: angle for i in chosen}, max_pages=max_pages)


def _count(source: Source, max_pages: int | None) -> int:
    doc = open_pdf(source, max_pages=max_pages)
    with doc.pdf:
        return len(doc.pdf.pages)


def split(
    source: Source,
    out_dir: Path,
    *,
    ranges_spec: str | None = None,
    every: int | None = None,
    max_pages: int | None = None,
) -> Result:
    """One file per range (``"1-3,4-6"`` → two files), per ``every`` N pages, or per page."""
    doc = open_pdf(source, max_pages=max_pages)
    stem = Path(source.name).stem or "document"
    with doc.pdf:
        count = len(doc.pdf.pages)
        if ranges_spec and ranges_spec.strip():
            groups = [ranges.parse(part, count) for part in ranges_spec.split(",") if part.strip()]
        else:
            size = every or 1
            if size < 1:
                raise PdfError("bad_option", option="every", reason=N_("use a number from 1 up"))
            groups = [list(range(i, min(i + size, count))) for i in range(0, count, size)]
        width = len(str(count))  # zero-padded, so the files sort in page order
        outputs: list[Path] = []
        for group in groups:
            if len(group) == 1:
                label = f"{stem}-page-{group[0] + 1:0{width}d}"
            else:
                label = f"{stem}-pages-{group[0] + 1:0{width}d}-{group[-1] + 1:0{width}d}"
            target = out_dir / f"{label}.pdf"
            n = 1
            while target in outputs:  # the same range asked for twice
                n += 1
                target = out_dir / f"{label}-{n}.pdf"
            _write(doc, group, {}, target)
            outputs.append(target)
        return Result(outputs, [source.name] if doc.repaired else [], {"files": len(outputs)})


def zip_files(paths: Sequence[Path], zip_path: Path) -> Path:
    """Pack outputs into one download; fixed timestamps so equal inputs give equal zips."""
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for path in paths:
            info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as src, z.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    return zip_path
