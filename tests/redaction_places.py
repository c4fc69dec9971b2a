"""Every place a PDF can hold a secret word, one builder each (see :mod:`redaction_docs`).

:data:`PLACES` lists them: the ones redaction already held (fonts, split and
hidden text, document parts) and the ones issue 17 found leaking, numbered as
in the issue. Each builder adds the secret to a fresh two-page :class:`Doc`.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from redaction_docs import BLUE, GREEN, PASSWORD, RED, Doc, rgb

Build = Callable[[Doc], None]


@dataclass(frozen=True)
class Place:
    name: str
    build: Build
    #: The leak of issue 17 this place is (None: a place that already held).
    issue: int | None = None
    latin_only: bool = False
    password: str = ""
    #: Red pixels of the secret show on page 1 of the input (area redaction can take them).
    drawn: bool = True
    #: The secret is in no page's text or drawing: nothing becomes a picture.
    pictures: bool = True


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
    doc.font(0)
    ops = []
    for i, char in enumerate(doc.secret):
        ops.append(f"BT {rgb(RED)} rg {40 + 26 * i} 120 Td {doc.shown(char)} ET")
    doc.add(0, " ".join(ops))
    doc.fonts_into(doc.resources(0))


def letter_spaced(doc: Doc) -> None:
    """Gaps of 300/1000 em between letters (TJ), or character spacing for CID text."""
    doc.font(0)
    if doc.latin:
        shown = " -300 ".join(f"({c})" for c in doc.secret)
        doc.add(0, f"BT {rgb(RED)} rg /Helv 20 Tf 40 120 Td [{shown}] TJ ET")
    else:
        doc.add(0, f"BT {rgb(RED)} rg 8 Tc 40 120 Td {doc.shown(doc.secret, 20)} ET")
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


def crop_box_larger_than_media_box(doc: Doc) -> None:
    doc.page(0).obj.CropBox = [-100, -60, 500, 360]
    doc.write(0, doc.secret, 200, 100)


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


def _annotation(doc: Doc, page: int, rect: list[float], **keys) -> pikepdf.Dictionary:
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
    _annotation(
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
    _annotation(
        doc,
        1,
        [40, 100, 240, 130],
        Subtype=pikepdf.Name.Stamp,
        Name=pikepdf.Name.Draft,
        AP=pikepdf.Dictionary(N=_drawing(doc, doc.secret)),
    )


def _field(doc: Doc, page: int, value: str, drawn: str, **keys) -> pikepdf.Dictionary:
    widget = _annotation(
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
    _annotation(
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
    _annotation(
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
    widget = _annotation(
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


# -- the document's other parts -----------------------------------------------------------


def on_page_too(build: Build) -> Build:
    """A place that holds the secret besides page 1's text (so page 1 is redacted)."""

    def both(doc: Doc) -> None:
        doc.write(0, doc.secret, 40, 120)
        build(doc)

    both.__name__ = build.__name__
    return both


def info(doc: Doc) -> None:
    doc.pdf.docinfo["/Title"] = pikepdf.String(f"About {doc.secret}")
    doc.pdf.docinfo["/Subject"] = pikepdf.String(doc.secret)


def bookmarks(doc: Doc) -> None:
    with doc.pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(f"Chapter {doc.secret}", 0))


def title_and_bookmarks_only(doc: Doc) -> None:
    info(doc)
    bookmarks(doc)


def page_labels(doc: Doc) -> None:
    doc.pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(f"{doc.secret}-"))]
    )


def layer_name(doc: Doc) -> None:
    layer = doc.pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String(doc.secret))
    )
    doc.pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[layer], D=pikepdf.Dictionary(ON=[layer]))


def _attach(doc: Doc, name: str, body: bytes) -> None:
    doc.pdf.attachments[name] = pikepdf.AttachedFileSpec(doc.pdf, body, filename=name)


def attachment_name(doc: Doc) -> None:
    _attach(doc, f"{doc.secret}.txt", b"nothing here")


def attachment_contents(doc: Doc) -> None:
    _attach(doc, "notes.txt", f"the word is {doc.secret}\n".encode())


def structure_tree(doc: Doc) -> None:
    page = doc.page(0).obj
    element = doc.pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem,
            S=pikepdf.Name.Figure,
            Alt=pikepdf.String(doc.secret),
            ActualText=pikepdf.String(doc.secret),
            T=pikepdf.String(doc.secret),
            Pg=page,
        )
    )
    root = doc.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=element))
    element.P = root
    doc.pdf.Root.StructTreeRoot = root


def _xmp(doc: Doc, body: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        f' xmlns:xmpGImg="http://ns.adobe.com/xap/1.0/g/img/">{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _metadata(doc: Doc, body: str) -> pikepdf.Stream:
    return doc.pdf.make_indirect(
        pikepdf.Stream(
            doc.pdf, _xmp(doc, body), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
        )
    )


def _title(text: str) -> str:
    return f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li></rdf:Alt></dc:title>'


def xmp(doc: Doc) -> None:
    doc.pdf.Root.Metadata = _metadata(doc, _title(doc.secret))


def xmp_character_references(doc: Doc) -> None:
    doc.pdf.Root.Metadata = _metadata(doc, _title("".join(f"&#x{ord(c):X};" for c in doc.secret)))


def xmp_thumbnail(doc: Doc) -> None:
    from PIL import Image

    picture = Image.new("RGB", (64, 32), RED)
    data = io.BytesIO()
    picture.save(data, "JPEG", comment=doc.secret.encode("utf-8"))
    blob = base64.b64encode(data.getvalue()).decode()
    thumbnail = (
        '<xmp:Thumbnails><rdf:Alt><rdf:li rdf:parseType="Resource">'
        f"<xmpGImg:format>JPEG</xmpGImg:format><xmpGImg:image>{blob}</xmpGImg:image>"
        "</rdf:li></rdf:Alt></xmp:Thumbnails>"
    )
    doc.pdf.Root.Metadata = _metadata(doc, _title("Plain") + thumbnail)


def page_xmp(doc: Doc) -> None:
    doc.page(1).obj.Metadata = _metadata(doc, _title(doc.secret))


def javascript_stream(doc: Doc) -> None:
    code = f"app.alert('{doc.secret}');"
    data = code.encode("latin-1") if doc.latin else b"\xfe\xff" + code.encode("utf-16-be")
    action = doc.pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.Stream(doc.pdf, data))
    )
    doc.pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("hello"), action])
    )


def xfa(doc: Doc) -> None:
    data = f'<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><d>{doc.secret}</d></xfa:datasets>'
    doc.pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=[], XFA=[pikepdf.String("datasets"), pikepdf.Stream(doc.pdf, data.encode())]
    )


def private_data(doc: Doc) -> None:
    doc.page(1).obj.PieceInfo = pikepdf.Dictionary(
        SheafTest=pikepdf.Dictionary(
            LastModified=pikepdf.String("D:20240101000000Z"),
            Private=pikepdf.Stream(doc.pdf, f"private {doc.secret}".encode()),
        )
    )


def undrawn_form(doc: Doc) -> None:
    form = doc.form(f"BT {rgb(RED)} rg 0 10 Td {doc.shown(doc.secret)} ET")
    doc.resources(1).XObject = pikepdf.Dictionary(Unused=form)


def inherited_form(doc: Doc) -> None:
    form = doc.form(f"BT {rgb(RED)} rg 0 10 Td {doc.shown(doc.secret)} ET")
    doc.pdf.Root.Pages.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Shared=form))


def destination_name(doc: Doc) -> None:
    name = pikepdf.Name("/" + doc.secret)
    doc.pdf.Root.Dests = pikepdf.Dictionary({str(name): [doc.page(0).obj, pikepdf.Name.Fit]})
    _annotation(doc, 1, [40, 100, 240, 130], Subtype=pikepdf.Name.Link, Dest=name)


def info_key(doc: Doc) -> None:
    doc.pdf.docinfo[pikepdf.Name("/" + doc.secret)] = pikepdf.String("a custom detail")


def blue(doc: Doc) -> None:  # a marker used by tests on form drawing
    doc.write(0, "x", 0, 0, color=BLUE)


HELD = [
    Place("standard_font", standard_font, latin_only=True),
    Place("cid_font", cid_font),
    Place("type3_font", type3_font),
    Place("split_over_many_shows", split_over_many_shows),
    Place("hidden_layer", hidden_layer, drawn=False),
    Place("white_text", white_text, drawn=False),
    Place("clipped_text", clipped_text, drawn=False),
    Place("invisible_text", invisible_text, drawn=False),
    Place("info", on_page_too(info)),
    Place("bookmarks", on_page_too(bookmarks)),
    Place("page_labels", on_page_too(page_labels)),
    Place("layer_name", on_page_too(layer_name)),
    Place("attachment_name", on_page_too(attachment_name)),
    Place("link_uri", link_uri),
    Place("comment", comment),
    Place("field_value", field_value),
    Place("structure_tree", on_page_too(structure_tree)),
    Place("xmp", on_page_too(xmp)),
    Place("encrypted", standard_font, password=PASSWORD),
]
LEAKED = [
    Place("typewriter_only", typewriter, issue=1),
    Place("typewriter_beside_page_text", typewriter_beside_page_text, issue=1),
    Place("stamp_on_unredacted_page", stamp_on_unredacted_page, issue=1, drawn=False),
    Place("widget_drawing", widget_drawing_differs_from_value, issue=1, drawn=False),
    Place("value_on_grandparent", value_on_grandparent, issue=1, drawn=False),
    Place("letter_spaced", letter_spaced, issue=2),
    Place("crop_box_larger", crop_box_larger_than_media_box, issue=3),
    Place("attachment_contents", on_page_too(attachment_contents), issue=4),
    Place("javascript_stream", on_page_too(javascript_stream), issue=4),
    Place("xfa", on_page_too(xfa), issue=4),
    Place("private_data", on_page_too(private_data), issue=4),
    Place("page_xmp", on_page_too(page_xmp), issue=4),
    Place("undrawn_form", on_page_too(undrawn_form), issue=4),
    Place("inherited_form", on_page_too(inherited_form), issue=4),
    Place("xmp_thumbnail", on_page_too(xmp_thumbnail), issue=4),
    Place("xmp_character_references", on_page_too(xmp_character_references), issue=4),
    Place("destination_name", on_page_too(destination_name), issue=4),
    Place("info_key", on_page_too(info_key), issue=4),
    Place("checkbox_export_value", checkbox_export_value, issue=4),
    Place("attachment_only", attachment_contents, issue=5, drawn=False, pictures=False),
    Place(
        "title_and_bookmarks_only", title_and_bookmarks_only, issue=5, drawn=False, pictures=False
    ),
    Place("type3_glyph_larger", type3_glyph_larger_than_its_box, issue=6),
    Place("tiling_pattern", tiling_pattern, issue=6),
]
PLACES = HELD + LEAKED


def build(place: Place, secret: str) -> bytes:
    doc = Doc.new(secret)
    place.build(doc)
    if place.password:
        return doc.save(encryption=pikepdf.Encryption(user=place.password, owner=place.password))
    return doc.save()
