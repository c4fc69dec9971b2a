"""Real, embedded text in any of Sheaf's languages: page numbers, watermarks, signatures, forms.

Text Sheaf adds is drawn with the fonts in ``app/fonts`` (DejaVu Sans for
Latin, Greek and Cyrillic; Droid Sans Fallback for Chinese, Japanese and
Korean), picked per character; a typed signature puts its handwriting font
(``app/static/vendor/fonts``) before them. Each font used in a document is embedded once,
as a subset of the glyphs that document needs, in the form every viewer reads
(Type0 / CIDFontType2, Identity-H, glyph ids as character ids) with a
``ToUnicode`` map, so the text can be searched, copied and read aloud.

A :class:`Typesetter` belongs to one document: :meth:`Typesetter.show` gives
content-stream operators and records the glyphs; :meth:`Typesetter.finish`
embeds the subsets before the document is saved.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from app import resources
from app.pdf.core.errors import PdfError

FONTS = resources.FONTS
#: The fonts every text falls back to, in order: Latin and more, then CJK.
FACES: tuple[Path, ...] = (FONTS / "DejaVuSans.ttf", FONTS / "DroidSansFallback.ttf")


@dataclass(frozen=True)
class Face:
    """What Sheaf needs of a font file without keeping it parsed: metrics and its cmap."""

    path: Path
    name: str
    cmap: dict[int, int]  # code point -> glyph id
    advances: tuple[int, ...]  # per glyph id, in 1000ths of the size
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]


@functools.cache
def face(path: Path) -> Face:
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    ids = {name: gid for gid, name in enumerate(order)}
    cmap = {cp: ids[name] for cp, name in font.getBestCmap().items()}
    metrics = font["hmtx"].metrics
    advances = tuple(round(metrics[name][0] * scale) for name in order)
    head, hhea = font["head"], font["hhea"]
    os2 = font.get("OS/2")
    cap = getattr(os2, "sCapHeight", 0) or round(hhea.ascent * 0.7)
    bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    stem = font["name"].getDebugName(6) or path.stem
    font.close()
    return Face(
        path=path,
        name="".join(c for c in stem if c.isalnum() or c in "-_") or path.stem,
        cmap=cmap,
        advances=advances,
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(cap * scale),
        bbox=bbox,
    )


def faces(chain: tuple[Path, ...] = FACES) -> list[Face]:
    return [face(path) for path in chain]


def missing(text: str) -> str:
    """The characters of ``text`` no font of Sheaf's can draw (controls aside)."""
    gone = []
    for ch in dict.fromkeys(text):
        if ch.isspace() or any(ord(ch) in f.cmap for f in faces()):
            continue
        gone.append(ch)
    return "".join(gone)


def check_drawable(text: str, option: str) -> None:
    gone = missing(text)
    if gone:
        raise PdfError("cannot_draw", option=option, chars=" ".join(gone))


@dataclass
class Typesetter:
    """The text one document gets: which glyphs of which faces, embedded at the end."""

    pdf: pikepdf.Pdf
    #: Resource names start with this; unique per run, so stamping a stamped page
    #: never points an earlier stamp at a subset without its glyphs.
    prefix: str = "SheafF"
    #: The fonts to draw with, first choice first; each character takes the first
    #: that has it. A chain ends with :data:`FACES`, so it draws all that they draw.
    chain: tuple[Path, ...] = FACES
    used: dict[int, dict[int, int]] = field(default_factory=dict)  # face -> gid -> code point
    fonts: dict[int, pikepdf.Object] = field(default_factory=dict)  # face -> Type0 font

    def _glyphs(self, text: str) -> list[tuple[int, int, int]]:
        """(face index, glyph id, code point) per drawable character of ``text``."""
        all_faces = faces(self.chain)
        found = []
        for ch in text:
            cp = ord(" ") if ch in "\t\n\r" else ord(ch)
            index = next((i for i, f in enumerate(all_faces) if cp in f.cmap), None)
            if index is not None:  # else refused earlier by check_drawable, never a box
                found.append((index, all_faces[index].cmap[cp], cp))
        return found

    @staticmethod
    def _runs(glyphs: list[tuple[int, int, int]]) -> list[tuple[int, list[int]]]:
        """(face index, glyph ids) runs, one per change of face."""
        found: list[tuple[int, list[int]]] = []
        for index, gid, _cp in glyphs:
            if found and found[-1][0] == index:
                found[-1][1].append(gid)
            else:
                found.append((index, [gid]))
        return found

    def width(self, text: str, size: float) -> float:
        """How wide ``text`` is at ``size`` points. Measuring embeds nothing."""
        all_faces = faces(self.chain)
        units = sum(all_faces[index].advances[gid] for index, gid, _cp in self._glyphs(text))
        return units * size / 1000

    def show(self, text: str, size: float) -> str:
        """Operators (inside BT/ET, after the position is set) that draw ``text``; its
        glyphs are recorded for the subsets :meth:`finish` embeds."""
        glyphs = self._glyphs(text)
        for index, gid, cp in glyphs:
            self.used.setdefault(index, {}).setdefault(gid, cp)
        ops = []
        for index, gids in self._runs(glyphs):
            self._font(index)
            hexes = "".join(f"{g:04X}" for g in gids)
            ops.append(f"/{self.resource_name(index)} {size:.3f} Tf <{hexes}> Tj")
        return " ".join(ops)

    def resource_name(self, index: int) -> str:
        return f"{self.prefix}{index}"

    def resources(self) -> dict[str, pikepdf.Object]:
        return {self.resource_name(i): font for i, font in self.fonts.items()}

    def _font(self, index: int) -> pikepdf.Object:
        if index not in self.fonts:  # filled in by finish(), once every glyph is known
            self.fonts[index] = self.pdf.make_indirect(pikepdf.Dictionary())
        return self.fonts[index]

    def finish(self) -> None:
        """Embed each face used as a subset of its glyphs, with widths and ToUnicode."""
        for index, glyphs in self.used.items():
            if index in self.fonts:
                self._embed(faces(self.chain)[index], glyphs, self.fonts[index])

    def _embed(self, f: Face, glyphs: dict[int, int], target: pikepdf.Object) -> None:
        pdf = self.pdf
        gids = sorted(glyphs)
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(gids).encode()).digest()[:6])
        base = pikepdf.Name(f"/{tag}+{f.name}")
        program = pikepdf.Stream(pdf, _subset(f.path, gids))
        descriptor = pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=base,
            Flags=4,  # symbolic: glyphs by id, not by a standard encoding
            FontBBox=pikepdf.Array(list(f.bbox)),
            ItalicAngle=0,
            Ascent=f.ascent,
            Descent=f.descent,
            CapHeight=f.cap_height,
            StemV=80,
            FontFile2=program,
        )
        widths: list[object] = []
        for gid in gids:
            widths.extend([gid, pikepdf.Array([f.advances[gid]])])
        cid_font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=base,
            CIDSystemInfo=pikepdf.Dictionary(
                Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
            ),
            FontDescriptor=pdf.make_indirect(descriptor),
            DW=1000,
            W=pikepdf.Array(widths),
            CIDToGIDMap=pikepdf.Name.Identity,
        )
        target.Type = pikepdf.Name.Font
        target.Subtype = pikepdf.Name.Type0
        target.BaseFont = base
        target.Encoding = pikepdf.Name("/Identity-H")
        target.DescendantFonts = pikepdf.Array([pdf.make_indirect(cid_font)])
        target.ToUnicode = pikepdf.Stream(pdf, _to_unicode(glyphs))


def _subset(path: Path, gids: list[int]) -> bytes:
    """The font with only ``gids`` (and .notdef) drawn, every glyph keeping its id."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.retain_gids = True  # the content streams already name glyphs by id
    options.notdef_outline = True
    options.hinting = False
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version: the licence asks
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "DSIG", "FFTM"]
    font = TTFont(path, lazy=True)  # reads only the glyphs kept: 0.4 s, not 1.8 s, for CJK
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=gids)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    finally:
        font.close()


def _to_unicode(glyphs: dict[int, int]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted(glyphs.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for gid, cp in chunk:
            lines.append(f"<{gid:04X}> <{_utf16(cp)}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _utf16(cp: int) -> str:
    return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()
