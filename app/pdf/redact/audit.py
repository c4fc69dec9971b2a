"""Before any page is drawn: what else on each page holds the text.

pdfium's text of a page is what its fonts map to letters. Two more things
make a page hold the text, and each is found here with pikepdf:

* **What its comments and fields say** rather than draw: a note's contents, a
  typewriter comment's rich text, a field's value at any level of the field
  tree, a tooltip, a button caption. Their rectangle is blacked.
* **What its drawing streams hold** (its content, the forms, patterns, Type 3
  glyph procedures and soft masks it uses, the appearances of its visible
  comments), read as strings, names and comments (:mod:`.tokens`). A page
  whose content holds the text where pdfium does not read it becomes a
  picture all the same; patterns, glyph procedures and soft masks are
  *drawers*: they paint text pdfium's text does not see, so the pixels they
  paint are found by drawing the page without them (:mod:`.paint`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import pikepdf

from app.pdf.core.budget import _Over, decoded_size
from app.pdf.core.job import Job
from app.pdf.redact import tokens
from app.pdf.redact.names import renamable
from app.pdf.redact.needle import Needle

ObjGen = tuple[int, int]
Rect = tuple[float, float, float, float]
HIDDEN, NO_VIEW = 2, 32
#: How a stream is used (content, form, drawer or a Type 3 glyph), the stream, its resources.
Use = tuple[str, pikepdf.Stream, Any]
#: Of one stream: does it hold the needle, does it show text, what it uses.
Examined = tuple[bool, bool, list[Use]]
MAX_PARENTS = 32
#: Keys whose text a viewer shows for a comment or a field (besides what it draws).
SHOWN_KEYS = ("/Contents", "/RC", "/Subj", "/OverlayText", "/TU", "/RV")
FIELD_KEYS = ("/V", "/RV", "/Opt", "/TU")
CAPTIONS = ("/CA", "/RC", "/AC")


@dataclass
class Audit:
    #: Page index -> rectangles (user space) of comments and fields whose words hold it.
    said: dict[int, list[Rect]] = field(default_factory=lambda: defaultdict(list))
    #: Pages whose drawing streams hold the text where pdfium may not read it.
    held: set[int] = field(default_factory=set)
    #: Page index -> drawers (patterns, glyph procedures, soft masks) that hold it.
    drawers: dict[int, set[ObjGen]] = field(default_factory=lambda: defaultdict(set))
    #: Drawers that show text in a way only a renderer can read: page indices by stream.
    unread: dict[ObjGen, set[int]] = field(default_factory=lambda: defaultdict(set))
    #: The resources each unread drawer is drawn with.
    resources: dict[ObjGen, pikepdf.Object] = field(default_factory=dict)
    #: Every drawing stream some page uses, and those of them read and found clean.
    used: set[ObjGen] = field(default_factory=set)
    clean: set[ObjGen] = field(default_factory=set)
    #: Pages that draw text in Type 3 fonts (glyphs are drawings: their boxes may lie).
    glyphs: set[int] = field(default_factory=set)


def shown(annot: object) -> TypeGuard[pikepdf.Dictionary]:
    """Does a viewer show this annotation (a dictionary, not hidden, not a link)?"""
    if not isinstance(annot, pikepdf.Dictionary):
        return False
    try:
        flags = int(annot.get("/F", 0))
    except (TypeError, ValueError):
        flags = 0
    return not flags & (HIDDEN | NO_VIEW) and annot.get("/Subtype") not in (
        pikepdf.Name.Link,
        pikepdf.Name.Popup,
    )


def rect(annot: pikepdf.Dictionary) -> Rect:
    try:
        r = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])][:4]
    except (TypeError, ValueError):
        r = [0.0, 0.0, 0.0, 0.0]
    return min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])


def audit(pdf: pikepdf.Pdf, needle: Needle, job: Job) -> Audit:
    found = Audit()
    memo: dict[tuple[ObjGen, ObjGen], Examined] = {}
    for index, page in enumerate(pdf.pages):
        job.check()
        roots: list[Use] = []
        resources = _resources(page.obj)
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(stream, pikepdf.Stream):
                roots.append(("content", stream, resources))
        for annot in page.obj.get("/Annots", []):
            if not shown(annot):
                continue
            if _says(annot, needle):
                found.said[index].append(rect(annot))
            appearance = _normal_appearance(annot)
            if appearance is not None:
                roots.append(("form", appearance, appearance.get("/Resources", resources)))
        _follow(roots, needle, job, index, found, memo)
    return found


def _follow(
    roots: list[Use], needle: Needle, job: Job, index: int, found: Audit, memo: dict
) -> None:
    stack = list(roots)
    seen: set[ObjGen] = set()
    while stack:
        kind, stream, resources = stack.pop()
        key = (stream.objgen, resources.objgen if isinstance(resources, pikepdf.Object) else (0, 0))
        if stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        found.used.add(stream.objgen)
        if key not in memo:
            memo[key] = _examine(stream, resources, needle, job)
        holds, shows_text, children = memo[key]
        if kind == "glyph":
            found.glyphs.add(index)
            kind = "drawer"
        if not holds:
            found.clean.add(stream.objgen)
        if holds:
            (found.drawers[index].add(stream.objgen) if kind == "drawer" else found.held.add(index))
        elif kind == "drawer" and shows_text:
            found.unread[stream.objgen].add(index)
            if isinstance(resources, pikepdf.Dictionary):
                found.resources[stream.objgen] = resources
        stack.extend(children)


def _examine(stream: pikepdf.Stream, resources: object, needle: Needle, job: Job) -> Examined:
    """(holds the needle, shows text, the drawing streams it uses) of one stream."""
    try:
        decoded_size(stream, job.max_stream_bytes)
        data = stream.read_bytes()
    except (_Over, pikepdf.PdfError):
        return True, False, []  # what cannot be read is not kept on a page that is not a picture
    said = tokens.read(data)
    holds = said_holds(said, needle)
    own = stream.get("/Resources")
    res = own if isinstance(own, pikepdf.Dictionary) else resources
    return holds, said.shows_text, list(_used(said.names, res))


def said_holds(said: tokens.Said, needle: Needle) -> bool:
    """Do a drawing stream's strings (read together, as a word may be split over many),
    its names (those the scrub would rename: resource names used here) or its comments
    hold the needle?"""
    return (
        needle.holds_bytes(b"".join(said.strings), "codes")
        or any(renamable(n, needle) for n in said.names)
        or needle.holds_bytes(b"\n".join(said.comments), "codes")
    )


def _used(names: set[str], resources: object) -> Iterator[Use]:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    kinds = {k: resources.get(k) for k in ("/XObject", "/Pattern", "/Font", "/ExtGState")}
    for name in names:
        xobject = _entry(kinds["/XObject"], name)
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name.Form:
            yield "form", xobject, xobject.get("/Resources", resources)
        pattern = _entry(kinds["/Pattern"], name)
        if isinstance(pattern, pikepdf.Stream):
            yield "drawer", pattern, pattern.get("/Resources", resources)
        font = _entry(kinds["/Font"], name)
        if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == pikepdf.Name.Type3:
            procs = font.get("/CharProcs")
            for proc in procs.values() if isinstance(procs, pikepdf.Dictionary) else ():
                if isinstance(proc, pikepdf.Stream):
                    yield "glyph", proc, font.get("/Resources", resources)
        state = _entry(kinds["/ExtGState"], name)
        mask = state.get("/SMask") if isinstance(state, pikepdf.Dictionary) else None
        group = mask.get("/G") if isinstance(mask, pikepdf.Dictionary) else None
        if isinstance(group, pikepdf.Stream):
            yield "drawer", group, group.get("/Resources", resources)


def _entry(kind: object, name: str) -> object:
    return kind.get(name) if isinstance(kind, pikepdf.Dictionary) else None


def _resources(page: pikepdf.Dictionary) -> object:
    node: object = page
    for _ in range(MAX_PARENTS):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        found = node.get("/Resources")
        if isinstance(found, pikepdf.Dictionary):
            return found
        node = node.get("/Parent")
    return None


def _normal_appearance(annot: pikepdf.Dictionary) -> pikepdf.Stream | None:
    ap = annot.get("/AP")
    normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
    if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
        state = annot.get("/AS")
        normal = normal.get(str(state)) if isinstance(state, pikepdf.Name) else None
    return normal if isinstance(normal, pikepdf.Stream) else None


def _says(annot: pikepdf.Dictionary, needle: Needle) -> bool:
    """Do the words a viewer shows for this comment or field hold the needle?"""
    values = [annot.get(k) for k in SHOWN_KEYS]
    if annot.get("/Subtype") != pikepdf.Name.Widget:
        values.append(annot.get("/T"))  # a comment's author
    caption = annot.get("/MK")
    if isinstance(caption, pikepdf.Dictionary):
        values += [caption.get(k) for k in CAPTIONS]
    node: object = annot
    for _ in range(MAX_PARENTS):  # a field's value may sit on any ancestor
        if not isinstance(node, pikepdf.Dictionary):
            break
        values += [node.get(k) for k in FIELD_KEYS]
        node = node.get("/Parent")
    return any(_value_holds(v, needle) for v in values)


def _value_holds(value: object, needle: Needle, depth: int = 0) -> bool:
    if isinstance(value, pikepdf.String):
        return needle.holds(str(value)) or needle.holds_bytes(bytes(value))
    if isinstance(value, pikepdf.Array) and depth < 2:
        return any(_value_holds(v, needle, depth + 1) for v in value)
    if isinstance(value, pikepdf.Stream):  # rich text may be a stream
        try:
            return needle.holds_bytes(value.read_bytes())
        except pikepdf.PdfError:
            return False
    return False
