"""Embedded fonts trimmed to the glyphs the document shows, every glyph keeping its id.

A fully embedded font carries thousands of glyphs (a CJK one, tens of
thousands) for a document that shows a few hundred. Subsetting with
``retain_gids`` keeps each kept glyph at its id, so no content stream, width
table or ToUnicode map changes: the text renders and extracts as before.

Which glyphs a code shows is decided as viewers decide it, and where viewers
could differ every candidate is kept: for a simple TrueType font the glyph
from each of its cmaps and from the glyph name the encoding gives; for a CFF
font the names of the /Differences, the standard encodings and its built-in
encoding; for a CID font the CID through /CIDToGIDMap (or the CFF's charset).
A font the walk could not fully account for (:mod:`.walk`), one a form may
type new text in (the AcroForm's default resources), one with a CMap other
than Identity, or one fontTools cannot read stays whole.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from app.pdf.compress.walk import Facts, font_files

if TYPE_CHECKING:
    import pikepdf
    from fontTools.ttLib import TTFont  # untyped: mypy sees Any, readers see the kind

    from app.pdf.core.job import Job

log = logging.getLogger(__name__)
SIMPLE = ("/TrueType", "/Type1", "/MMType1")


def subset_fonts(pdf: pikepdf.Pdf, facts: Facts, job: Job) -> int:
    """Subset every embedded TrueType or CFF font whose every use is known; the
    number of fonts made smaller."""
    import pikepdf

    whole = set(facts.fonts_untracked)
    users: dict[tuple[int, int], list[tuple[pikepdf.Dictionary, set[bytes]]]] = {}
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font":
            continue
        if obj.get("/Subtype") in ("/CIDFontType0", "/CIDFontType2"):
            continue  # reached through its Type 0 parent
        known = facts.font_codes.get(obj.objgen)
        for file in font_files(obj):
            if known is None or obj.objgen in facts.fonts_untracked:
                whole.add(file.objgen)
            else:
                users.setdefault(file.objgen, []).append(known)
    whole |= _unwalked_fonts(pdf, facts)
    changed = 0
    for key, uses in users.items():
        job.check()
        if key in whole or any(_left_whole(font_dict) for font_dict, _codes in uses):
            continue
        stream = pdf.get_object(key)  # a font file: font_files() yields streams only
        if isinstance(stream, pikepdf.Stream) and _subset_file(stream, uses):
            changed += 1
    return changed


def worth_subsetting(pdf: pikepdf.Pdf) -> bool:
    """Does any font hold a program Sheaf would subset? If not, the walk (the slow part
    of a lossless compress) is not needed for fonts."""
    import pikepdf

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            if obj.get("/Subtype") in ("/CIDFontType0", "/CIDFontType2"):
                continue
            if _left_whole(obj):
                continue
            if any(k in d for d in _descriptors(obj) for k in ("/FontFile2", "/FontFile3")):
                return True
    return False


def _descriptors(font: pikepdf.Dictionary) -> list:
    import pikepdf

    fonts = [font, *(font.get("/DescendantFonts") or [])]
    return [
        f.FontDescriptor for f in fonts if isinstance(f.get("/FontDescriptor"), pikepdf.Dictionary)
    ]


def _left_whole(font_dict: pikepdf.Dictionary) -> bool:
    """Bare CFF fonts subset already (an ``ABCDEF+`` tag: little to gain) or drawing
    through their built-in encoding, which the subsetter does not keep: text
    extraction would lose the glyph names it goes by."""
    import pikepdf

    if font_dict.get("/Subtype") not in SIMPLE:
        return False
    if not any(f.get("/Subtype") == "/Type1C" for f in font_files(font_dict)):
        return False
    name = str(font_dict.get("/BaseFont", ""))[1:]
    if len(name) > 7 and name[6] == "+" and name[:6].isupper() and name[:6].isalpha():
        return True
    return not isinstance(font_dict.get("/Encoding"), pikepdf.Name)


def _unwalked_fonts(pdf: pikepdf.Pdf, facts: Facts) -> set[tuple[int, int]]:
    """Font programs named by resources nobody walked, and by the form's defaults."""
    import pikepdf

    found: set[tuple[int, int]] = set()

    def add(resources: object) -> None:
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(fonts, pikepdf.Dictionary):
            for font in fonts.values():
                if isinstance(font, pikepdf.Dictionary):
                    found.update(f.objgen for f in font_files(font))

    form = pdf.Root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        add(form.get("/DR"))
    for obj in pdf.objects:
        holder = isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and "/Resources" in obj
        if holder and obj.objgen not in facts.holders:
            add(obj.get("/Resources"))
    return found


def _subset_file(file: pikepdf.Stream, uses: list) -> bool:
    from fontTools.ttLib import TTFont

    subtype = str(file.get("/Subtype", ""))
    descriptor_kind = "/FontFile3" if subtype else "/FontFile2"
    if subtype not in ("", "/Type1C", "/CIDFontType0C", "/OpenType"):
        return False
    try:
        data = file.read_bytes()
        if subtype in ("/Type1C", "/CIDFontType0C"):
            font = _bare_cff(data)
        else:
            font = TTFont(io.BytesIO(data), lazy=False)
        gids: set[int] = {0}
        for font_dict, codes in uses:
            found = _glyphs(font_dict, codes, font)
            if found is None:
                return False
            gids |= found
        out = _subset(font, gids, bare_cff=subtype in ("/Type1C", "/CIDFontType0C"))
    except Exception as exc:
        log.info("font left whole: %s", exc)
        return False
    import zlib

    import pikepdf

    packed = zlib.compress(out, 9)
    if len(packed) >= len(file.read_raw_bytes()):
        return False
    file.write(packed, filter=pikepdf.Name.FlateDecode)
    if descriptor_kind == "/FontFile2":
        file.Length1 = len(out)
    for key in ("/Length2", "/Length3"):
        if key in file:
            del file[key]
    return True


def _bare_cff(data: bytes) -> TTFont:
    """A bare CFF program as a font fontTools can subset (a TTFont with one table)."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont, newTable

    font = TTFont()
    table = newTable("CFF ")
    table.cff = CFFFontSet()
    table.cff.decompile(io.BytesIO(data), font)
    font["CFF "] = table
    font.setGlyphOrder(table.cff[table.cff.fontNames[0]].getGlyphOrder())
    return font


def _subset(font: TTFont, gids: set[int], *, bare_cff: bool) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.retain_gids = True  # content streams name glyphs by id (or by code -> id)
    options.notdef_outline = True
    options.glyph_names = True  # text extraction may go by glyph names
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.legacy_kern = True
    options.legacy_cmap = True  # viewers map simple fonts' codes through (1,0) and (3,0)
    options.symbol_cmap = True
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "JSTF", "DSIG", "FFTM"]
    options.recalc_bounds = False
    options.prune_unicode_ranges = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(gids))
    subsetter.subset(font)
    out = io.BytesIO()
    if bare_cff:
        font["CFF "].cff.compile(out, font)
    else:
        font.save(out)
    return out.getvalue()


def _glyphs(font_dict: pikepdf.Dictionary, codes: set[bytes], font: TTFont) -> set[int] | None:
    """Glyph ids the codes shown with ``font_dict`` may draw; None: not knowable."""
    subtype = font_dict.get("/Subtype")
    if subtype == "/Type0":
        return _cid_glyphs(font_dict, codes, font)
    if subtype in SIMPLE:
        return _simple_glyphs(font_dict, {b for s in codes for b in s}, font)
    return None


def _cid_glyphs(font_dict: pikepdf.Dictionary, codes: set[bytes], font: TTFont) -> set[int] | None:
    import pikepdf

    if font_dict.get("/Encoding") not in ("/Identity-H", "/Identity-V"):
        return None
    descendant = font_dict.get("/DescendantFonts", [None])[0]
    if not isinstance(descendant, pikepdf.Dictionary):
        return None
    cids = {int.from_bytes(s[i : i + 2], "big") for s in codes for i in range(0, len(s) - 1, 2)}
    order = font.getGlyphOrder()
    if descendant.get("/Subtype") == "/CIDFontType2":
        mapping = descendant.get("/CIDToGIDMap", pikepdf.Name.Identity)
        if isinstance(mapping, pikepdf.Stream):
            table = mapping.read_bytes()
            return {
                int.from_bytes(table[2 * c : 2 * c + 2], "big")
                for c in cids
                if 2 * c + 2 <= len(table)
            }
        return {c for c in cids if c < len(order)}
    if "CFF " in font:
        cff = font["CFF "].cff
        top = cff[cff.fontNames[0]]
        if hasattr(top, "ROS"):  # CID-keyed: CIDs reach glyphs through the charset
            index = {name: gid for gid, name in enumerate(order)}
            return {index[n] for c in cids if (n := f"cid{c:05d}") in index}
    return {c for c in cids if c < len(order)}


def _simple_glyphs(font_dict: pikepdf.Dictionary, codes: set[int], font: TTFont) -> set[int]:
    names = _encoding_names(font_dict, codes)
    gids: set[int] = set()
    order = font.getGlyphOrder()
    index = {name: gid for gid, name in enumerate(order)}
    gids |= {index[n] for names_of in names.values() for n in names_of if n in index}
    if "cmap" in font:
        from fontTools import agl

        for table in font["cmap"].tables:
            for code in codes:
                candidates = [code, 0xF000 + code]  # every reading a viewer may make
                candidates += [ord(u[0]) for n in names[code] if (u := agl.toUnicode(n))]
                for c in candidates:
                    if c in table.cmap:
                        gids.add(index.get(table.cmap[c], 0))
    if "CFF " in font:
        cff = font["CFF "].cff
        encoding = getattr(cff[cff.fontNames[0]], "Encoding", None)
        if isinstance(encoding, list):
            gids |= {
                index[encoding[c]] for c in codes if c < len(encoding) and encoding[c] in index
            }
    if "cmap" not in font and "CFF " not in font:
        gids |= {c for c in codes if c < len(order)}
    return gids


def _encoding_names(font_dict: pikepdf.Dictionary, codes: set[int]) -> dict[int, set[str]]:
    """Every glyph name a viewer could take each code to mean."""
    import pikepdf
    from fontTools import agl
    from fontTools.encodings.MacRoman import MacRoman
    from fontTools.encodings.StandardEncoding import StandardEncoding

    names: dict[int, set[str]] = {c: set() for c in codes}
    for c in codes:
        names[c].update({StandardEncoding[c], MacRoman[c]})
        win = bytes([c]).decode("cp1252", errors="ignore")
        if win and ord(win) in agl.UV2AGL:
            names[c].add(agl.UV2AGL[ord(win)])
    encoding = font_dict.get("/Encoding")
    differences = encoding.get("/Differences") if isinstance(encoding, pikepdf.Dictionary) else None
    if isinstance(differences, pikepdf.Array):
        code = 0
        for item in differences:
            if isinstance(item, int):
                code = int(item)
            elif isinstance(item, pikepdf.Name):
                if code in names:
                    names[code].add(str(item)[1:])
                code += 1
    for c in codes:
        names[c].discard(".notdef")
    return names
