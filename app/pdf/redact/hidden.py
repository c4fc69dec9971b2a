"""Also removing hidden information, as a careful redaction does.

What a document carries besides its pages can repeat what was redacted, or
tell more than the person means to share: attached files, JavaScript (its
code and every action that runs it), XFA form data, applications' private
data (``/PieceInfo``), page thumbnails, layers that are hidden (their content
too, on pages that are not pictures) and metadata (the document details and
every XMP packet). Each kind found is removed and named in the report.
"""

from __future__ import annotations

import zlib

import pikepdf

from app.pdf.redact import walk
from app.pdf.redact.report import Report

ObjGen = tuple[int, int]
#: Keys that hold each kind of hidden information wherever they appear.
KEYS = {
    "/AF": "attachment",
    "/AA": "javascript",
    "/PieceInfo": "private_data",
    "/Thumb": "thumbnail",
    "/Metadata": "metadata",
}
ROOT_KEYS = {"/Collection": "attachment", "/NeedsRendering": "xfa"}
NAME_TREES = {"/EmbeddedFiles": "attachment", "/JavaScript": "javascript"}


def remove(pdf: pikepdf.Pdf, report: Report, pictures: set[int]) -> None:
    """Remove hidden information from ``pdf``; ``pictures``: pages (0-based) that are
    pictures now, whose hidden layers went with their content."""
    kinds: list[str] = []
    root = pdf.Root
    names = root.get("/Names")
    for key, kind in NAME_TREES.items():
        if isinstance(names, pikepdf.Dictionary) and key in names:
            if key == "/EmbeddedFiles":
                for name in list(pdf.attachments.keys()):
                    report.remove("attachment", name)
            else:
                kinds.append(kind)
            del names[key]
    for key, kind in ROOT_KEYS.items():
        if key in root:
            del root[key]
            kinds.append(kind)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        kinds.append("xfa")
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
        kinds.append("metadata")
    kinds += _hidden_layers(pdf, pictures)
    found: list[tuple[pikepdf.Object, str | int, str]] = []
    for slot in walk.values(pdf):
        what = KEYS.get(slot.key) if isinstance(slot.key, str) else None
        if what is None and _runs_javascript(slot.value):
            what = "javascript"
        if what is None and _attachment_annotation(slot.value):
            what = "attachment"
        if what is not None:
            found.append((slot.container, slot.key, what))
    for container, place, what in reversed(found):
        if isinstance(container, pikepdf.Array):
            if isinstance(place, int) and place < len(container):
                del container[place]
        elif isinstance(place, str) and place in container:  # a dictionary's keys are names
            del container[place]
        kinds.append(what)
    for kind in dict.fromkeys(kinds):
        report.remove(kind)
    report.hidden = True


def _runs_javascript(value: object) -> bool:
    return isinstance(value, pikepdf.Dictionary) and value.get("/S") == pikepdf.Name.JavaScript


def _attachment_annotation(value: object) -> bool:
    return (
        isinstance(value, pikepdf.Dictionary)
        and value.get("/Subtype") == pikepdf.Name.FileAttachment
    )


def _hidden_layers(pdf: pikepdf.Pdf, pictures: set[int]) -> list[str]:
    """Remove what the layers a viewer hides at first draw, on pages that are not
    pictures (the layers' names stay: a layer left out of the list would show)."""
    properties = pdf.Root.get("/OCProperties")
    if not isinstance(properties, pikepdf.Dictionary):
        return []
    config = properties.get("/D")
    groups = properties.get("/OCGs")
    if not isinstance(config, pikepdf.Dictionary) or not isinstance(groups, pikepdf.Array):
        return []
    on = {g.objgen for g in config.get("/ON", []) if isinstance(g, pikepdf.Dictionary)}
    off = {g.objgen for g in config.get("/OFF", []) if isinstance(g, pikepdf.Dictionary)}
    all_off = config.get("/BaseState") == pikepdf.Name.OFF
    hidden = {
        g.objgen
        for g in groups
        if isinstance(g, pikepdf.Dictionary)
        and (g.objgen in off or (all_off and g.objgen not in on))
    }
    if not hidden:
        return []
    for index, page in enumerate(pdf.pages):
        if index not in pictures:
            _without_layers(pdf, page, hidden)
    gone: list[tuple[pikepdf.Array, int]] = []
    for slot in walk.values(pdf):  # comments and fields in a hidden layer
        oc = slot.value.get("/OC") if isinstance(slot.value, pikepdf.Dictionary) else None
        in_annots = slot.parent_key == "/Annots"
        if in_annots and isinstance(slot.container, pikepdf.Array) and _is_hidden(oc, hidden):
            gone.append((slot.container, int(slot.key)))
    for container, key in reversed(gone):
        del container[key]
    return ["hidden_layers"]


def _is_hidden(oc: object, hidden: set[ObjGen]) -> bool:
    """A layer (or a membership of layers, all of them hidden) a viewer hides at first."""
    if not isinstance(oc, pikepdf.Dictionary):
        return False
    if oc.is_indirect and oc.objgen in hidden:
        return True
    members = oc.get("/OCGs")
    items = list(members) if isinstance(members, pikepdf.Array) else [members]
    refs = [m for m in items if isinstance(m, pikepdf.Dictionary)]
    return bool(refs) and all(m.objgen in hidden for m in refs)


def _without_layers(pdf: pikepdf.Pdf, page: pikepdf.Page, hidden: set[ObjGen]) -> None:
    resources = page.obj.get("/Resources")
    if not isinstance(resources, pikepdf.Dictionary):
        return
    props = resources.get("/Properties")
    tags = {
        str(k)
        for k, v in (props.items() if isinstance(props, pikepdf.Dictionary) else ())
        if _is_hidden(v, hidden)
    }
    xobjects = resources.get("/XObject")
    drawn = {
        str(k)
        for k, v in (xobjects.items() if isinstance(xobjects, pikepdf.Dictionary) else ())
        if isinstance(v, pikepdf.Stream) and _is_hidden(v.get("/OC"), hidden)
    }
    if not tags and not drawn:
        return
    kept: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    depth = 0  # inside a hidden section: how deep in marked content
    for item in pikepdf.parse_content_stream(page):
        op = str(getattr(item, "operator", ""))
        operands = list(getattr(item, "operands", []))
        if depth:
            depth += 1 if op in ("BDC", "BMC") else -1 if op == "EMC" else 0
            continue
        marked = op == "BDC" and len(operands) == 2 and str(operands[0]) == "/OC"
        if marked and str(operands[1]) in tags:
            depth = 1
            continue
        if op == "Do" and operands and str(operands[0]) in drawn:
            continue
        kept.append(item)
    data = pikepdf.unparse_content_stream(kept)
    page.obj.Contents = pikepdf.Stream(pdf, zlib.compress(data))
    page.obj.Contents.Filter = pikepdf.Name.FlateDecode
