"""Letting go of pages that left a document: every reference to them goes too.

A removed page that is still referenced (by a bookmark, a named destination,
a link, a form field's widget or the structure tree) stays in the saved file,
content and all: "delete page 3" would then keep page 3's text in the file. So
everything that leads to a removed page is pruned here:

* outline items leading to a removed page go; an item with kept children
  stays, without a destination, so the hierarchy and order survive;
* named destinations (``/Dests`` and the ``/Names`` tree) to removed pages go;
* links on kept pages that lead to removed pages go;
* form fields lose widgets that were on removed pages, and fields left with no
  widget go (also from the calculation order);
* structure elements whose content was only on removed pages go, with their
  parent-tree entries;
* an open action or article threads that lead to removed pages go.

Walks are iterative or depth-bounded and visit each object once, so a
hostile file with cycles or deep nesting cannot hang or overflow them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

ObjGen = tuple[int, int]
MAX_DEPTH = 64


def references_to(pdf: pikepdf.Pdf, removed: set[ObjGen]) -> None:
    named = _prune_named_dests(pdf, removed)
    links = _Links(removed, named)
    _prune_outlines(pdf, links)
    widgets = _prune_page_annotations(pdf, links)
    _prune_fields(pdf, widgets)
    _prune_structure(pdf, removed)
    root = pdf.Root
    if "/OpenAction" in root and links.gone(root.OpenAction):
        del root["/OpenAction"]
    if "/Threads" in root and _threads_touch(root.Threads, removed):
        del root["/Threads"]
        for page in pdf.pages:
            if "/B" in page.obj:
                del page.obj["/B"]


def references_to_content_of(pdf: pikepdf.Pdf, pages: set[ObjGen]) -> None:
    """Pages whose content was replaced (redacted into an image) and whose widgets
    went: fields left with no widget, and structure elements that described the old
    content (their alternate text could repeat what was removed), go too."""
    widgets = _prune_page_annotations(pdf, _Links(set(), set()))
    _prune_fields(pdf, widgets)
    _prune_structure(pdf, pages)


class _Links:
    """Does a destination or action lead to a page that is gone?"""

    def __init__(self, removed: set[ObjGen], dropped_names: set[str]) -> None:
        self.removed = removed
        self.dropped_names = dropped_names

    def gone(self, target: object, depth: int = 0) -> bool:
        import pikepdf

        if depth > 4 or target is None:
            return False
        if isinstance(target, pikepdf.Array):
            first = target[0] if len(target) else None
            return isinstance(first, pikepdf.Dictionary) and first.objgen in self.removed
        if isinstance(target, (pikepdf.Name, pikepdf.String)):
            return str(target).lstrip("/") in self.dropped_names
        if isinstance(target, pikepdf.Dictionary):
            if "/Dest" in target:
                return self.gone(target.Dest, depth + 1)
            action = target.get("/A", target)
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.GoTo:
                return self.gone(action.get("/D"), depth + 1)
            if "/D" in target:  # a destination dictionary
                return self.gone(target.D, depth + 1)
        return False


def _prune_named_dests(pdf: pikepdf.Pdf, removed: set[ObjGen]) -> set[str]:
    import pikepdf

    links = _Links(removed, set())
    dropped: set[str] = set()
    old = pdf.Root.get("/Dests")
    if isinstance(old, pikepdf.Dictionary):
        for key in list(old.keys()):
            if links.gone(old[key]):
                del old[key]
                dropped.add(key.lstrip("/"))
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and isinstance(
        names.get("/Dests"), pikepdf.Dictionary
    ):
        tree = pikepdf.NameTree(names.Dests)
        gone = [key for key, value in tree.items() if links.gone(value)]
        for key in gone:
            del tree[key]
        dropped.update(gone)
    return dropped


def _prune_outlines(pdf: pikepdf.Pdf, links: _Links) -> None:
    import pikepdf

    root = pdf.Root.get("/Outlines")
    if isinstance(root, pikepdf.Dictionary):
        visible = _prune_outline_level(root, links, set(), 0)
        if visible:
            root.Count = visible
        elif "/Count" in root:
            del root["/Count"]


def _prune_outline_level(parent: pikepdf.Dictionary, links: _Links, seen: set, depth: int) -> int:
    """Prune ``parent``'s children; relink them; return how many are visible below it."""
    import pikepdf

    kept: list[pikepdf.Dictionary] = []
    visible = 0
    node = parent.get("/First")
    while isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
        seen.add(node.objgen)
        following = node.get("/Next")
        below = _prune_outline_level(node, links, seen, depth + 1) if depth < MAX_DEPTH else 0
        leads_away = links.gone(node)
        if leads_away:
            for key in ("/Dest", "/A"):
                if key in node:
                    del node[key]
        if not (leads_away and "/First" not in node):
            kept.append(node)
            open_ = int(node.get("/Count", 0)) > 0
            if "/First" in node:
                node.Count = below if open_ else -below
            visible += 1 + (below if open_ else 0)
        node = following
    for key in ("/First", "/Last"):
        if key in parent:
            del parent[key]
    for i, item in enumerate(kept):
        for key in ("/Prev", "/Next"):
            if key in item:
                del item[key]
        item.Parent = parent
        if i:
            item.Prev = kept[i - 1]
            kept[i - 1].Next = item
    if kept:
        parent.First, parent.Last = kept[0], kept[-1]
    elif "/Count" in parent and parent.objgen != (0, 0):
        del parent["/Count"]
    return visible


def _prune_page_annotations(pdf: pikepdf.Pdf, links: _Links) -> set[ObjGen]:
    """Drop links to removed pages; return the widgets on kept pages."""
    import pikepdf

    widgets: set[ObjGen] = set()
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        keep = []
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = annot.get("/Subtype")
            if subtype == pikepdf.Name.Link and links.gone(annot):
                continue
            if subtype == pikepdf.Name.Widget:
                widgets.add(annot.objgen)
            keep.append(annot)
        if len(keep) != len(annots):
            page.obj.Annots = pikepdf.Array(keep)
    return widgets


def _prune_fields(pdf: pikepdf.Pdf, widgets: set[ObjGen]) -> None:
    import pikepdf

    form = pdf.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary) or not isinstance(
        form.get("/Fields"), pikepdf.Array
    ):
        return
    dropped: set[ObjGen] = set()

    def keep(field: pikepdf.Object, depth: int) -> bool:
        if not isinstance(field, pikepdf.Dictionary):
            return False
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array) and depth < MAX_DEPTH:
            kept = [kid for kid in kids if keep(kid, depth + 1)]
            if len(kept) != len(kids):
                field.Kids = pikepdf.Array(kept)
            ok = bool(kept)
        elif field.get("/Subtype") == pikepdf.Name.Widget:
            ok = field.objgen in widgets
        else:
            ok = True  # a field without widgets lives on no page
        if not ok:
            dropped.add(field.objgen)
        return ok

    fields = form.Fields
    kept = [field for field in fields if keep(field, 0)]
    if len(kept) != len(fields):
        form.Fields = pikepdf.Array(kept)
    order = form.get("/CO")
    if dropped and isinstance(order, pikepdf.Array):
        form.CO = pikepdf.Array([f for f in order if f.objgen not in dropped])


def _prune_structure(pdf: pikepdf.Pdf, removed: set[ObjGen]) -> None:
    import pikepdf

    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, pikepdf.Dictionary):
        return
    gone: set[ObjGen] = set()
    seen: set[ObjGen] = set()

    def page_of(item: pikepdf.Dictionary, inherited: ObjGen | None) -> ObjGen | None:
        page = item.get("/Pg")
        return page.objgen if isinstance(page, pikepdf.Dictionary) else inherited

    def walk(elem: pikepdf.Dictionary, inherited: ObjGen | None, depth: int) -> bool:
        """Prune below ``elem``; False when nothing of it is left on kept pages."""
        if elem.is_indirect:
            if elem.objgen in seen:
                return True
            seen.add(elem.objgen)
        page = page_of(elem, inherited)
        kids = elem.get("/K")
        if kids is None or depth > MAX_DEPTH:
            return page not in removed
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        kept = []
        for item in items:
            if isinstance(item, pikepdf.Dictionary):
                kind = item.get("/Type")
                if kind in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
                    ok = page_of(item, page) not in removed
                else:
                    ok = walk(item, page, depth + 1)
                    if not ok and item.is_indirect:
                        gone.add(item.objgen)
            else:  # a marked-content id on this element's page
                ok = page not in removed
            if ok:
                kept.append(item)
        if len(kept) != len(items):
            if not kept:
                del elem["/K"]
            else:
                elem.K = pikepdf.Array(kept) if len(kept) > 1 else kept[0]
        if page in removed and "/Pg" in elem:
            del elem["/Pg"]
        return bool(kept)

    walk(tree, None, 0)
    parents = tree.get("/ParentTree")
    if isinstance(parents, pikepdf.Dictionary):
        numbers = pikepdf.NumberTree(parents)
        stale = [key for key, value in numbers.items() if _only_gone(value, gone)]
        for key in stale:
            del numbers[key]


def _only_gone(value: object, gone: set[ObjGen]) -> bool:
    import pikepdf

    items = list(value) if isinstance(value, pikepdf.Array) else [value]
    refs = [v for v in items if isinstance(v, pikepdf.Dictionary)]
    return bool(refs) and all(v.objgen in gone for v in refs)


def _threads_touch(threads: object, removed: set[ObjGen]) -> bool:
    import pikepdf

    if not isinstance(threads, pikepdf.Array):
        return False
    for thread in threads:
        bead = thread.get("/F") if isinstance(thread, pikepdf.Dictionary) else None
        for _ in range(10_000):
            if not isinstance(bead, pikepdf.Dictionary):
                break
            page = bead.get("/P")
            if isinstance(page, pikepdf.Dictionary) and page.objgen in removed:
                return True
            bead = bead.get("/N")
            if isinstance(bead, pikepdf.Dictionary) and bead.objgen == thread.F.objgen:
                break
    return False
