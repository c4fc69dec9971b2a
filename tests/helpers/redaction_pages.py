"""Secrets on the page: in its text (every kind of font, split, spaced, hidden, painted
by a pattern) and in the comments and form fields over it. See :mod:`redaction_places`."""

from __future__ import annotations

import pikepdf

from helpers.redaction_docs import GREEN, RED, Doc, rgb

# -- text on the page -------------------------------------------------------------------


def standard_font(doc: Doc) -> None:
    doc.write(0, doc.secret, 40, 120)


def cid_font(doc: Doc) -> None:
    doc.write(0, doc.secret, 40, 120, cid=True)


def _type3(doc: Doc, glyph_box: tuple[int, int, int, int], drawn: str) -> pikepdf.Object:
    """A Type 3 font with one glyph per character of the secret (codes 1..n), each
    drawing ``drawn`` (glyph space), declaring ``glyph_box``, with a ToUnicode map."""
    chars = list(dict.fromkeys(doc.secret))
    procs = pikepdf.Dictionary()
    names = []
    for i, _ in enumerate(chars):
        name = f"/g{i}"
        box = " ".join(str(v) for v in glyph_box)
        procs[name] = pikepdf.Stream(doc.pdf, f"800 0 {box} d1 {drawn}".encode())
        names.append(pikepdf.Name(name))
    lines = "\n".join(f"<{i + 1:02X}> <{ord(c):04X}>" for i, c in enumerate(chars))
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T3 def"
        f" 1 begincodespacerange <01> <FF> endcodespacerange {len(chars)} beginbfchar\n{lines}\n"
        "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    return doc.pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type3,
            FontBBox=list(glyph_box),
            FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
            CharProcs=procs,
            Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, Differences=[1, *names]),
            FirstChar=1,
            LastChar=len(chars),
            Widths=[800] * len(chars),
            Resources=pikepdf.Dictionary(),
            ToUnicode=pikepdf.Stream(doc.pdf, cmap.encode()),
        )
    )


def _show_type3(doc: Doc, font: pikepdf.Object, size: float) -> None:
    chars = list(dict.fromkeys(doc.secret))
    codes = "".join(f"{chars.index(c) + 1:02X}" for c in doc.secret)
    doc.resources(0).Font.T3 = font
    doc.add(0, f"BT {rgb(RED)} rg /T3 {size} Tf 40 120 Td <{codes}> Tj ET")


def type3_font(doc: Doc) -> None:
    _show_type3(doc, _type3(doc, (0, 0, 700, 700), "100 0 500 700 re f"), 24)


def type3_glyph_larger_than_its_box(doc: Doc) -> None:
    """Glyphs declaring a box 100 units high that draw 1800 units high."""
    _show_type3(doc, _type3(doc, (0, 0, 700, 100), "100 -500 500 1800 re f"), 24)


def split_over_many_shows(doc: Doc) -> None:
    """One show per letter, each advancing the next as the font does (no gaps)."""
    doc.font(0)
    shows = " ".join(doc.shown(char) for char in doc.secret)
    doc.add(0, f"BT {rgb(RED)} rg 40 120 Td {shows} ET")
    if doc.latin:  # and once more as a TJ with small kerning inside the word
        parts = " 20 ".join(f"({doc.secret[i : i + 2]})" for i in range(0, len(doc.secret), 2))
        doc.add(0, f"BT {rgb(RED)} rg /Helv 24 Tf 40 60 Td [{parts}] TJ ET")
    doc.fonts_into(doc.resources(0))


def letter_spaced(doc: Doc) -> None:
    """Gaps of 300/1000 em between letters (TJ), or character spacing for CID text."""
    doc.font(0)
    if doc.latin:
        shown = " -300 ".join(f"({c})" for c in doc.secret)
        doc.add(0, f"BT {rgb(RED)} rg /Helv 20 Tf 40 120 Td [{shown}] TJ ET")
    else:
        doc.add(0, f"BT {rgb(RED)} rg 16 Tc 40 120 Td {doc.shown(doc.secret, 20)} ET")
        doc.fonts_into(doc.resources(0))


def hidden_layer(doc: Doc) -> None:
    layer = doc.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Notes"))
    doc.pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=[layer], D=pikepdf.Dictionary(OFF=[layer], Order=[layer])
    )
    doc.resources(0).Properties = pikepdf.Dictionary(L0=layer)
    doc.font(0)
    doc.add(0, f"/OC /L0 BDC BT {rgb(RED)} rg 40 120 Td {doc.shown(doc.secret)} ET EMC")
    doc.fonts_into(doc.resources(0))


def white_text(doc: Doc) -> None:
    doc.write(0, doc.secret, 40, 120, color=(255, 255, 255))


def clipped_text(doc: Doc) -> None:
    doc.write(0, doc.secret, 40, 120, pre="0 0 1 1 re W n")


def invisible_text(doc: Doc) -> None:
    doc.write(0, doc.secret, 40, 120, pre="3 Tr")


def stroked_text(doc: Doc) -> None:
    """Outlines stroked 8 points wide: 4 points beyond the glyphs' own boxes."""
    doc.write(0, doc.secret, 40, 120, pre=f"1 Tr 8 w {rgb(RED)} RG")


def crop_box_larger_than_media_box(doc: Doc) -> None:
    doc.page(0).obj.CropBox = [-100, -60, 500, 360]
    doc.write(0, doc.secret, 200, 100)


def rotated_and_cropped(doc: Doc) -> None:
    """Page 1 turned a quarter (/Rotate 90) with a crop box that starts away from 0, 0."""
    page = doc.page(0).obj
    page.MediaBox = [-50, -30, 450, 330]
    page.CropBox = [-20, 10, 420, 300]
    page.Rotate = 90
    doc.write(0, doc.secret, 150, 60)


def tiling_pattern(doc: Doc) -> None:
    cell = f"BT {rgb(RED)} rg 0 10 Td {doc.shown(doc.secret, 18)} ET"
    resources = pikepdf.Dictionary()
    doc.fonts_into(resources)
    pattern = doc.pdf.make_indirect(
        pikepdf.Stream(
            doc.pdf,
            cell.encode(),
            Type=pikepdf.Name.Pattern,
            PatternType=1,
            PaintType=1,
            TilingType=1,
            BBox=[0, 0, 200, 40],
            XStep=200,
            YStep=40,
            Resources=resources,
        )
    )
    doc.resources(0).Pattern = pikepdf.Dictionary(P0=pattern)
    doc.add(0, "q /Pattern cs /P0 scn 40 100 200 40 re f Q")


# -- comments and fields ------------------------------------------------------------------


def annotation(doc: Doc, page: int, rect: list[float], **keys) -> pikepdf.Dictionary:
    annot = doc.pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Rect=rect, F=4, P=doc.page(page).obj, **keys)
    )
    if "/Annots" not in doc.page(page).obj:
        doc.page(page).obj.Annots = pikepdf.Array()
    doc.page(page).obj.Annots.append(annot)
    return annot


def _drawing(doc: Doc, text: str, color=RED, size: float = 18) -> pikepdf.Stream:
    ops = f"BT {rgb(color)} rg 4 8 Td {doc.shown(text, size)} ET"
    return doc.form(ops, (0, 0, 200, 30))


def typewriter(doc: Doc, page: int = 0) -> None:
    secret = doc.secret
    annotation(
        doc,
        page,
        [40, 100, 240, 130],
        Subtype=pikepdf.Name.FreeText,
        IT=pikepdf.Name.FreeTextTypewriter,
        Contents=pikepdf.String(secret),
        RC=pikepdf.String(f"<body><p>{secret}</p></body>"),
        DA=pikepdf.String("1 0 0 rg /Helv 18 Tf"),
        AP=pikepdf.Dictionary(N=_drawing(doc, secret)),
    )


def typewriter_beside_page_text(doc: Doc) -> None:
    doc.write(0, doc.secret, 40, 40)
    typewriter(doc)


def stamp_on_unredacted_page(doc: Doc) -> None:
    annotation(
        doc,
        1,
        [40, 100, 240, 130],
        Subtype=pikepdf.Name.Stamp,
        Name=pikepdf.Name.Draft,
        AP=pikepdf.Dictionary(N=_drawing(doc, doc.secret)),
    )


def _field(doc: Doc, page: int, value: str, drawn: str, **keys) -> pikepdf.Dictionary:
    widget = annotation(
        doc,
        page,
        [40, 100, 240, 130],
        Subtype=pikepdf.Name.Widget,
        AP=pikepdf.Dictionary(N=_drawing(doc, drawn)),
        **keys,
    )
    if "/AcroForm" not in doc.pdf.Root:
        doc.pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], DA=pikepdf.String("/Helv 0 Tf 0 g"))
    if value:
        widget.V = pikepdf.String(value)
    return widget


def widget_drawing_differs_from_value(doc: Doc) -> None:
    widget = _field(doc, 1, "harmless", doc.secret, FT=pikepdf.Name.Tx, T=pikepdf.String("f"))
    doc.pdf.Root.AcroForm.Fields.append(widget)


def value_on_grandparent(doc: Doc) -> None:
    grandparent = doc.pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Tx, T=pikepdf.String("top"), V=pikepdf.String(doc.secret)
        )
    )
    parent = doc.pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("mid"), Parent=grandparent))
    widget = _field(doc, 1, "", doc.secret, Parent=parent)
    parent.Kids = [widget]
    grandparent.Kids = [parent]
    doc.pdf.Root.AcroForm.Fields.append(grandparent)


def field_value(doc: Doc) -> None:
    widget = _field(doc, 0, doc.secret, doc.secret, FT=pikepdf.Name.Tx, T=pikepdf.String("value"))
    doc.pdf.Root.AcroForm.Fields.append(widget)


def comment(doc: Doc) -> None:
    annotation(
        doc,
        0,
        [300, 200, 320, 220],
        Subtype=pikepdf.Name.Text,
        Contents=pikepdf.String(f"remember {doc.secret}"),
        T=pikepdf.String(doc.secret),
    )
    doc.write(0, doc.secret, 40, 120)


def link_uri(doc: Doc) -> None:
    address = "https://example.com/" + "".join(f"%{b:02X}" for b in doc.secret.encode())
    if doc.latin:
        address = "https://example.com/" + doc.secret
    annotation(
        doc,
        1,
        [40, 100, 240, 130],
        Subtype=pikepdf.Name.Link,
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(address)),
    )
    doc.write(0, doc.secret, 40, 120)


def checkbox_export_value(doc: Doc) -> None:
    on = pikepdf.Name("/" + doc.secret)
    off = doc.form("0 g 0 0 10 10 re S", (0, 0, 20, 20))
    tick = doc.form(f"{rgb(GREEN)} rg 0 0 20 20 re f", (0, 0, 20, 20))
    widget = annotation(
        doc,
        1,
        [40, 40, 60, 60],
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Btn,
        T=pikepdf.String("tick"),
        V=on,
        AS=on,
        AP=pikepdf.Dictionary(N=pikepdf.Dictionary({str(on): tick, "/Off": off})),
    )
    doc.pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget])
    doc.write(0, doc.secret, 40, 120)
