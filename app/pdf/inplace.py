"""Changing which pages a document has, in the document itself.

Rotate, remove, extract, organize and split edit the ``Pdf`` they opened
instead of copying pages into a new one. So document info, XMP, attachments,
``/Lang``, ``/MarkInfo``, output intents, viewer preferences, page mode,
forms and annotations stay as they were, simply because nothing touches
them. What refers to pages is mended: page labels follow their pages here,
and references to pages that are gone are pruned by :mod:`app.pdf.prune`.

Every step is linear in pages: removing pages deletes from the end (qpdf
keeps a position index), and a new order is built by emptying the page
list and appending the same page objects (``pikepdf``'s own reverse and
move are quadratic).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.pdf.errors import N_, PdfError

if TYPE_CHECKING:
    import pikepdf

Label = tuple[str | None, str, int]  # style (/D, /r, /R, /a, /A or None), prefix, number


def rearrange(
    pdf: pikepdf.Pdf, order: Sequence[int], turns: Mapping[int, int] | None = None
) -> None:
    """Make the pages ``order`` (0-based, repeats allowed) of ``pdf``, each position turned
    clockwise by ``turns[position]`` degrees more. Everything else stays."""
    import pikepdf

    from app.pdf import prune

    pages = pdf.pages
    count = len(pages)
    if not order:
        raise PdfError("no_pages_left")
    for index in order:
        if not 0 <= index < count:
            raise PdfError("page_out_of_range", page=index + 1, count=count)
    for angle in (turns or {}).values():
        if angle % 90:
            raise PdfError("bad_option", option="angle", reason=N_("use 90, 180 or 270"))
    labels = read_labels(pdf, count)
    old = [page.obj for page in pages]
    kept = set(order)
    if list(order) == sorted(kept):  # same order, some pages left out: delete only
        for index in range(count - 1, -1, -1):
            if index not in kept:
                del pages[index]
    elif list(order) != list(range(count)):
        for index in range(count - 1, -1, -1):
            del pages[index]
        placed: set[int] = set()
        for index in order:
            if index in placed:
                pages.append(pikepdf.Page(old[index]))  # pikepdf copies a page already in
                _own_annotations(pdf, pages[-1].obj)
            else:
                pages.append(pikepdf.Page(old[index]))
                placed.add(index)
    for position, angle in (turns or {}).items():
        if angle % 360:
            pages[position].rotate(angle % 360, relative=True)
    removed = {old[i].objgen for i in range(count) if i not in kept}
    if removed:
        prune.references_to(pdf, removed)
    if labels is not None:
        write_labels(pdf, [labels[i] for i in order])


def _own_annotations(pdf: pikepdf.Pdf, page: pikepdf.Dictionary) -> None:
    """A copied page shares its original's annotations; an annotation belongs to one
    page, so give the copy its own. A widget joins its field as one more view of it;
    a field that is its own widget cannot be shown twice and stays on the original."""
    import pikepdf

    annots = page.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return
    copies: dict[tuple[int, int], pikepdf.Object] = {}
    result = []
    for annot in annots:
        if not isinstance(annot, pikepdf.Dictionary):
            continue
        if annot.get("/Subtype") == pikepdf.Name.Widget and "/Parent" not in annot:
            continue
        copy = pdf.make_indirect(pikepdf.Dictionary(annot))
        copy.P = page
        copies[annot.objgen] = copy
        result.append(copy)
    for copy in result:
        for key in ("/Popup", "/Parent", "/IRT"):
            target = copy.get(key)
            if isinstance(target, pikepdf.Dictionary) and target.objgen in copies:
                copy[key] = copies[target.objgen]
        parent = copy.get("/Parent")
        if copy.get("/Subtype") == pikepdf.Name.Widget and isinstance(parent, pikepdf.Dictionary):
            kids = parent.get("/Kids")
            if isinstance(kids, pikepdf.Array):
                kids.append(copy)
    page.Annots = pikepdf.Array(result)


# -- page labels ------------------------------------------------------------------------


def read_labels(pdf: pikepdf.Pdf, count: int) -> list[Label] | None:
    """Each page's label as (style, prefix, number), or None where the document has none."""
    import pikepdf

    root = pdf.Root.get("/PageLabels")
    if not isinstance(root, pikepdf.Dictionary):
        return None
    try:
        ranges = sorted(
            (int(start), spec)
            for start, spec in pikepdf.NumberTree(root).items()
            if isinstance(spec, pikepdf.Dictionary)
        )
    except (pikepdf.PdfError, TypeError, ValueError):
        return None
    if not ranges:
        return None
    labels: list[Label] = []
    current: Label = ("/D", "", 1)  # before any range (invalid, but seen): page numbers
    start_of = 0
    spans = iter(ranges)
    upcoming = next(spans, None)
    for index in range(count):
        while upcoming is not None and upcoming[0] <= index:
            start_of, spec = upcoming
            style = spec.get("/S")
            try:
                first = int(spec.get("/St", 1))
            except (TypeError, ValueError):
                first = 1
            current = (str(style) if style is not None else None, str(spec.get("/P", "")), first)
            upcoming = next(spans, None)
        style, prefix, first = current
        labels.append((style, prefix, first + index - start_of))
    return labels


def write_labels(pdf: pikepdf.Pdf, labels: Sequence[Label]) -> None:
    """Write labels as the fewest ranges that give each page its label."""
    import pikepdf

    nums: list[object] = []
    previous: Label | None = None
    for index, label in enumerate(labels):
        style, prefix, number = label
        continues = (
            previous is not None
            and previous[:2] == label[:2]
            and (style is None or previous[2] + 1 == number)
        )
        if not continues:
            spec = pikepdf.Dictionary()
            if style is not None:
                spec.S = pikepdf.Name(style)
                if number != 1:
                    spec.St = max(number, 1)
            if prefix:
                spec.P = pikepdf.String(prefix)
            nums.extend([index, spec])
        previous = label
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
