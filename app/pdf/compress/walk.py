"""Every place a document draws from, walked once: what each font shows and how large
each picture is drawn.

Font subsetting may only drop glyphs nobody shows, and resampling may only go as
far as the largest size a picture appears at, so both need the same facts from
the content streams: pages, form XObjects (with their matrices), annotation
appearances, tiling patterns, soft masks and Type 3 glyph procedures. Anything
the walk cannot follow (a font chosen by an ExtGState, an image drawn inside a
Type 3 glyph or a pattern whose size on the page is not known) is recorded as
"not accounted for", and the callers leave it whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.pdf.compress.matrices import (
    IDENTITY,
    Matrix,
    appearance_matrix,
    as_matrix,
    multiply,
    scale,
)

if TYPE_CHECKING:
    import pikepdf

    from app.pdf.core.job import Job

#: Nesting of forms inside forms beyond which a document is not followed further.
MAX_DEPTH = 24


@dataclass
class Facts:
    #: Image objgen -> the lowest pixels per inch it is drawn at anywhere.
    image_ppi: dict[tuple[int, int], float] = field(default_factory=dict)
    #: Images drawn where their size is not known (never resampled).
    images_untracked: set[tuple[int, int]] = field(default_factory=set)
    #: Font dict objgen -> (the font dict, the byte strings shown with it).
    font_codes: dict[tuple[int, int], tuple[pikepdf.Dictionary, set[bytes]]] = field(
        default_factory=dict
    )
    #: Fonts used in a way the walk cannot account for (left whole).
    fonts_untracked: set[tuple[int, int]] = field(default_factory=set)
    #: Objects whose /Resources were walked (pages, forms, patterns, appearances...).
    holders: set[tuple[int, int]] = field(default_factory=set)


class Walker:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.facts = Facts()
        self._done: set[tuple] = set()
        self._active: set[tuple[int, int]] = set()

    # -- entry points -------------------------------------------------------------
    def page(self, page: pikepdf.Page) -> None:
        import pikepdf

        resources = _inherited(page.obj, "/Resources", self.facts.holders)
        self.facts.holders.add(page.obj.objgen)
        try:
            ops = pikepdf.parse_content_stream(page)
        except (pikepdf.PdfError, TypeError, ValueError):  # damaged: nothing known
            ops = []
            self._untrack_all(resources)
        self._run(ops, resources, IDENTITY, 0, True)
        for annot in page.obj.get("/Annots", []) or []:
            if isinstance(annot, pikepdf.Dictionary):
                self._annotation(annot)

    def _annotation(self, annot: pikepdf.Dictionary) -> None:
        import pikepdf

        ap = annot.get("/AP")
        if not isinstance(ap, pikepdf.Dictionary):
            return
        try:
            rect = [float(x) for x in annot.get("/Rect", [0, 0, 0, 0])]
        except (TypeError, ValueError):
            rect = []  # a damaged rectangle: the appearance is walked at its own size
        for key in ("/N", "/R", "/D"):
            entry = ap.get(key)
            streams = (
                [entry]
                if isinstance(entry, pikepdf.Stream)
                else [v for v in entry.values() if isinstance(v, pikepdf.Stream)]
                if isinstance(entry, pikepdf.Dictionary)
                else []
            )
            for stream in streams:
                self._form(stream, appearance_matrix(stream, rect), None, 0, True)

    # -- the interpreter ----------------------------------------------------------
    def _run(
        self,
        ops: list,
        resources: object,
        ctm: Matrix,
        depth: int,
        sized: bool,
        font: pikepdf.Dictionary | None = None,
    ) -> None:
        """Follow one content stream. ``font``: the one the caller's text state chose
        (a form XObject inherits it); ``sized``: whether ``ctm`` is where it lands."""
        import pikepdf

        stack: list[Matrix] = []
        for count, (operands, operator) in enumerate(ops):
            if count % 4096 == 0:
                self.job.check()
            op = str(operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm" and len(operands) == 6:
                ctm = multiply(as_matrix(operands), ctm)
            elif op == "Tf" and operands:
                found = _lookup(resources, "/Font", operands[0])
                # Not a font dictionary (a damaged file): nothing is known of its text.
                font = found if isinstance(found, pikepdf.Dictionary) else None
                if font is not None:
                    self._font(font, depth)
            elif op in ("Tj", "'", '"', "TJ") and operands:
                if font is not None:
                    self._show(font, operands[-1])
            elif op == "Do" and operands:
                xobject = _lookup(resources, "/XObject", operands[0])
                if isinstance(xobject, pikepdf.Stream):
                    self._do(xobject, resources, ctm, depth, sized, font)
            elif op == "gs" and operands:
                self._ext_gstate(
                    _lookup(resources, "/ExtGState", operands[0]), resources, ctm, depth
                )
            elif op in ("scn", "SCN") and operands:
                pattern = _lookup(resources, "/Pattern", operands[-1])
                if isinstance(pattern, pikepdf.Stream) and pattern.get("/PatternType") == 1:
                    matrix = as_matrix(pattern.get("/Matrix", IDENTITY))
                    self._form(pattern, matrix, resources, depth + 1, False, font)

    def _do(
        self,
        xobject: pikepdf.Stream,
        resources: object,
        ctm: Matrix,
        depth: int,
        sized: bool,
        font: pikepdf.Dictionary | None,
    ) -> None:
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            self._image(xobject, ctm, sized)
            for key in ("/SMask", "/Mask"):
                mask = xobject.get(key)
                if mask is not None and hasattr(mask, "read_raw_bytes"):
                    self._image(mask, ctm, sized)
        elif subtype == "/Form":
            matrix = multiply(as_matrix(xobject.get("/Matrix", IDENTITY)), ctm)
            self._form(xobject, matrix, resources, depth + 1, sized, font)

    def _form(
        self,
        form: pikepdf.Stream,
        ctm: Matrix,
        parent: object,
        depth: int,
        sized: bool,
        font: pikepdf.Dictionary | None = None,
    ) -> None:
        import pikepdf

        key = form.objgen
        done = (key, round(scale(ctm), 3), sized, font.objgen if font is not None else None)
        if key in self._active or done in self._done or depth > MAX_DEPTH:
            if depth > MAX_DEPTH:
                self._untrack_all(form.get("/Resources"))
            return
        self._done.add(done)
        resources = form.get("/Resources", parent)
        self.facts.holders.add(key)
        self._active.add(key)
        try:
            try:
                ops = pikepdf.parse_content_stream(form)
            except (pikepdf.PdfError, TypeError, ValueError):  # damaged: nothing known
                ops = []
                self._untrack_all(resources)
            self._run(ops, resources, ctm, depth, sized, font)
        finally:
            self._active.discard(key)

    def _image(self, image: pikepdf.Object, ctm: Matrix, sized: bool) -> None:
        key = image.objgen
        if not sized:
            self.facts.images_untracked.add(key)
            return
        try:
            width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        except (TypeError, ValueError):
            self.facts.images_untracked.add(key)
            return
        a, b, c, d, _e, _f = ctm
        drawn_w, drawn_h = math.hypot(a, b) / 72.0, math.hypot(c, d) / 72.0  # inches
        if drawn_w <= 0 or drawn_h <= 0 or width <= 0 or height <= 0:
            return  # not visible at all
        ppi = min(width / drawn_w, height / drawn_h)
        self.facts.image_ppi[key] = min(ppi, self.facts.image_ppi.get(key, math.inf))

    def _ext_gstate(self, state: object, resources: object, ctm: Matrix, depth: int) -> None:
        import pikepdf

        if not isinstance(state, pikepdf.Dictionary):
            return
        chosen = state.get("/Font")
        if (
            isinstance(chosen, pikepdf.Array)
            and len(chosen)
            and isinstance(chosen[0], pikepdf.Dictionary)
        ):
            self.facts.fonts_untracked.add(chosen[0].objgen)
        mask = state.get("/SMask")
        group = mask.get("/G") if isinstance(mask, pikepdf.Dictionary) else None
        if isinstance(group, pikepdf.Stream):
            self._form(
                group,
                multiply(as_matrix(group.get("/Matrix", IDENTITY)), ctm),
                resources,
                depth + 1,
                True,
            )

    # -- fonts --------------------------------------------------------------------
    def _font(self, font: pikepdf.Dictionary, depth: int) -> None:
        import pikepdf

        key = font.objgen
        if key == (0, 0):
            self._untrack_font(font)
            return
        if key not in self.facts.font_codes:
            self.facts.font_codes[key] = (font, set())
            if font.get("/Subtype") == "/Type3":
                procs = font.get("/CharProcs")
                resources = font.get("/Resources")
                self.facts.holders.add(key)
                if isinstance(procs, pikepdf.Dictionary):
                    for proc in procs.values():
                        if isinstance(proc, pikepdf.Stream):
                            self._form(proc, IDENTITY, resources, depth + 1, False)

    def _show(self, font: pikepdf.Dictionary, operand: object) -> None:
        import pikepdf

        entry = self.facts.font_codes.get(font.objgen)
        if entry is None:
            return
        codes = entry[1]
        if isinstance(operand, pikepdf.Array):
            for item in operand:
                if isinstance(item, pikepdf.String):
                    codes.add(bytes(item))
        elif isinstance(operand, pikepdf.String):
            codes.add(bytes(operand))

    def _untrack_font(self, font: pikepdf.Dictionary) -> None:
        for file in font_files(font):
            self.facts.fonts_untracked.add(file.objgen)

    def _untrack_all(self, resources: object) -> None:
        """A stream that cannot be read: everything its resources name stays whole."""
        import pikepdf

        if not isinstance(resources, pikepdf.Dictionary):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            for font in fonts.values():
                if isinstance(font, pikepdf.Dictionary):
                    self.facts.fonts_untracked.add(font.objgen)
                    self._untrack_font(font)
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, pikepdf.Dictionary):
            for xobject in xobjects.values():
                if isinstance(xobject, pikepdf.Stream):
                    self.facts.images_untracked.add(xobject.objgen)


def font_files(font: pikepdf.Dictionary) -> Iterator[pikepdf.Stream]:
    """The embedded font programs a font dict draws with (its descendant's for Type 0)."""
    import pikepdf

    fonts = [font]
    descendants = font.get("/DescendantFonts")
    if isinstance(descendants, pikepdf.Array):
        fonts += [d for d in descendants if isinstance(d, pikepdf.Dictionary)]
    for f in fonts:
        descriptor = f.get("/FontDescriptor")
        if isinstance(descriptor, pikepdf.Dictionary):
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                stream = descriptor.get(key)
                if isinstance(stream, pikepdf.Stream):
                    yield stream


def _lookup(resources: object, group: str, name: object) -> pikepdf.Object | None:
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return None
    table = resources.get(group)
    if not isinstance(table, pikepdf.Dictionary):
        return None
    try:
        return table.get(str(name))
    except (TypeError, ValueError):
        return None


def _inherited(obj: pikepdf.Dictionary, key: str, holders: set) -> object:
    """A page's value for ``key``, looked up the page tree as PDF inherits it."""
    seen = 0
    node: pikepdf.Object | None = obj
    while node is not None and seen < 64:
        if key in node:
            holders.add(node.objgen)
            return node.get(key)
        node = node.get("/Parent")
        seen += 1
    return None
