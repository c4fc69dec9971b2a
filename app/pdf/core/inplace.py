"""Changing which pages a document has, in the document itself.

Rotate, remove, extract, organize and split edit the ``Pdf`` they opened
instead of copying pages into a new one. So document info, XMP, attachments,
``/Lang``, ``/MarkInfo``, output intents, viewer preferences, page mode,
forms and annotations stay as they were, simply because nothing touches
them. What refers to pages is mended: page labels follow their pages here,
and references to pages that are gone are pruned by :mod:`app.pdf.core.prune`.

Every step is linear in pages: pages are reached by walking the page list
once (pikepdf's ``pages[i]`` lists every page each time), and a new order
is made by emptying the page list from its end and writing the new
``/Kids`` at once (see :func:`_replace_pages`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.pdf.core.errors import N_, PdfError

if TYPE_CHECKING:
    import pikepdf

Label = tuple[str | None, str, int]  # style (/D, /r, /R, /a, /A or None), prefix, number


def rearrange(
    pdf: pikepdf.Pdf, order: Sequence[int], turns: Mapping[int, int] | None = None
) -> None:
    """Make the pages ``order`` (0-based, repeats allowed) of ``pdf``, each position turned
    clockwise by ``turns[position]`` degrees more. Everything else stays."""
    from app.pdf.core import prune

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
    listed = list(pages)  # one walk: each pages[i] costs as much as the whole list
    old = [page.obj for page in listed]
    kept = set(order)
    if list(order) != list(range(count)):
        _replace_pages(pdf, listed, old, order)
        listed = list(pages)
    for position, angle in (turns or {}).items():
        if angle % 360:
            listed[position].rotate(angle % 360, relative=True)
    removed = {old[i].objgen for i in range(count) if i not in kept}
    if removed:
        prune.references_to(pdf, removed)
    if labels is not None:
        write_labels(pdf, [labels[i] for i in order])


def _replace_pages(
    pdf: pikepdf.Pdf,
    listed: list[pikepdf.Page],
    old: list[pikepdf.Dictionary],
    order: Sequence[int],
) -> None:
    """Make ``old[i] for i in order`` the document's pages, in time linear in pages.

    pikepdf finds a page by position through a fresh list of all pages, so deleting or
    appending page by page grows with the square of the pages. Removing each page
    from the end is qpdf's cheap case, and it flattens the tree first (inherited
    attributes pushed down to the pages). With no page left, qpdf reads the page list
    afresh from ``/Kids`` the next time it is asked, so the new order is written there
    at once. A page placed twice becomes a copy of itself (as qpdf does when a page is
    appended twice) with annotations of its own.
    """
    import pikepdf

    for gone in reversed(listed):
        pdf.pages.remove(gone)
    root = pdf.Root.Pages
    placed: set[int] = set()
    kids = []
    for index in order:
        page = old[index]
        if index in placed:
            # pikepdf copies a Dictionary; its stubs name only Mappings as the argument
            page = pdf.make_indirect(pikepdf.Dictionary(page))  # type: ignore[arg-type]
            _own_annotations(pdf, page)
        placed.add(index)
        page.Parent = root
        kids.append(page)
    root.Kids = pikepdf.Array(kids)
    root.Count = len(kids)


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
        copy = pdf.make_indirect(pikepdf.Dictionary(annot))  # type: ignore[arg-type]  # as above
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
            kind = spec.get("/S")
            try:
                first = int(spec.get("/St", 1))
            except (TypeError, ValueError):
                first = 1
            current = (str(kind) if kind is not None else None, str(spec.get("/P", "")), first)
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
