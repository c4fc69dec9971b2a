"""Secrets in the document's other parts: details, bookmarks, labels, layers, attachments,
scripts, XFA, private data, XMP, forms nothing draws, names. See :mod:`redaction_places`."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

import pikepdf

from helpers.redaction_docs import RED, Doc, rgb
from helpers.redaction_pages import annotation

Build = Callable[[Doc], None]


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
    """Page 2 takes its resources from the page tree, which holds an unused form."""
    form = doc.form(f"BT {rgb(RED)} rg 0 10 Td {doc.shown(doc.secret)} ET")
    shared = doc.resources(1)
    shared.XObject = pikepdf.Dictionary(Shared=form)
    doc.pdf.Root.Pages.Resources = shared
    del doc.page(1).obj["/Resources"]


def destination_name(doc: Doc) -> None:
    name = pikepdf.Name("/" + doc.secret)
    doc.pdf.Root.Dests = pikepdf.Dictionary({str(name): [doc.page(0).obj, pikepdf.Name.Fit]})
    annotation(doc, 1, [40, 100, 240, 130], Subtype=pikepdf.Name.Link, Dest=name)


def info_key(doc: Doc) -> None:
    doc.pdf.docinfo[pikepdf.Name("/" + doc.secret)] = pikepdf.String("a custom detail")
