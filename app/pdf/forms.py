"""Fill-in forms: list a document's fields, fill them so every viewer shows the values.

Values are written with appearance streams Sheaf draws itself, with
:mod:`app.pdf.core.fonts` (so a Chinese name shows in a form whose own font is
Helvetica), instead of asking viewers to draw them (``NeedAppearances``,
which many ignore). Checkboxes and radio buttons switch to the appearance
the form already has for the chosen state. With ``flatten`` the filled
fields become page content and the form goes; comments and links stay.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pikepdf

from app.pdf.core.canvas import Canvas
from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.fonts import check_drawable
from app.pdf.core.job import Job

READ_ONLY, REQUIRED = 1, 2
MULTILINE, PASSWORD, COMB, EDIT = 1 << 12, 1 << 13, 1 << 24, 1 << 18


def _kind(field: Any) -> str | None:
    kind = str(field.field_type)
    if kind == "/Tx":
        return "text"
    if kind == "/Ch":
        return "choice"
    if kind == "/Sig":
        return "signature"
    if kind == "/Btn" and not field.is_pushbutton:
        return "radio" if field.is_radio_button else "checkbox"
    return None  # push buttons: nothing to fill


def _on_states(widgets: list[Any]) -> list[str]:
    states: list[str] = []
    for widget in widgets:
        ap = widget.obj.get("/AP")
        normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
        if isinstance(normal, pikepdf.Dictionary):
            states += [str(k)[1:] for k in normal if k != "/Off" and str(k)[1:] not in states]
    return states


def _groups(pdf: pikepdf.Pdf) -> dict[str, list[Any]]:
    """Terminal fields by full name (a radio group may be several fields of one name)."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for field in pdf.acroform.fields:
        if _kind(field) is not None:
            groups[field.fully_qualified_name].append(field)
    return groups


def list_fields(source: Source, job: Job) -> list[dict[str, Any]]:
    """Every field to fill, with the words people read for it and where it is on the
    page (:mod:`app.pdf.form_labels`); ``options`` and ``choices`` values are what
    :func:`fill` takes."""
    from app.pdf.form_labels import Group, describe, pages_of

    doc = open_pdf(source, job)
    with doc.pdf:
        pdf = doc.pdf
        if "/AcroForm" not in pdf.Root:
            return []
        where = pages_of(pdf)
        found, groups = [], []
        for name, fields in _groups(pdf).items():
            first = fields[0]
            kind = _kind(first)
            widgets = [w for f in fields for w in pdf.acroform.get_annotations_for_field(f)]
            flags = int(first.flags)
            entry: dict[str, Any] = {
                "name": name,
                "type": kind,
                "value": None,
                "options": [],
                "page": next((where[w.obj.objgen] for w in widgets if w.obj.objgen in where), None),
                "required": bool(flags & REQUIRED),
                "read_only": bool(flags & READ_ONLY),
            }
            value = first.value
            if kind in ("text", "choice"):
                entry["value"] = first.value_as_string
                if kind == "choice":
                    entry["options"] = [str(c) for c in first.choices]
            elif kind == "checkbox":
                entry["value"] = isinstance(value, pikepdf.Name) and value != pikepdf.Name.Off
                entry["options"] = _on_states(widgets)
            elif kind == "radio":
                chosen = next((f.value for f in fields if str(f.value) not in ("", "/Off")), None)
                entry["value"] = str(chosen)[1:] if isinstance(chosen, pikepdf.Name) else None
                entry["options"] = _on_states(widgets)
            found.append(entry)
            groups.append(Group(name, str(kind), fields, widgets))
        job.check()
        for entry, described in zip(found, describe(source, pdf, groups, job), strict=True):
            entry.update(described)
        return found


def fill(
    source: Source, output: Path, job: Job, *, values: dict[str, Any], flatten: bool = False
) -> Result:
    doc = open_pdf(source, job, decodes=flatten)
    with doc.pdf:
        pdf = doc.pdf
        groups = _groups(pdf) if "/AcroForm" in pdf.Root else {}
        unknown = [name for name in values if name not in groups]
        if unknown:
            raise PdfError("bad_option", option="values", reason=N_("no field has that name"))
        canvas = Canvas(pdf)
        asked = "/AcroForm" in pdf.Root and bool(pdf.Root.AcroForm.get("/NeedAppearances"))
        for name, value in values.items():
            job.check()
            fields = groups[name]
            if int(fields[0].flags) & READ_ONLY:
                raise PdfError("bad_option", option="values", reason=N_("a field is read-only"))
            _set(pdf, canvas, fields, value)
        _appear_where_missing(pdf, canvas, groups, set(values), redraw=asked)
        canvas.finish()
        if "/AcroForm" in pdf.Root and "/NeedAppearances" in pdf.Root.AcroForm:
            del pdf.Root.AcroForm["/NeedAppearances"]  # every value now has its appearance
        if flatten:
            _flatten_fields(pdf)
        return doc.result(output, {"filled": len(values)})


def appear_as_shown(pdf: pikepdf.Pdf) -> None:
    """Give text and choice values the appearance a viewer would draw for them itself
    (all of them if the form asks viewers to, else those with none), so a copy made to
    be looked at (redaction's) shows the values as a viewer does, in Sheaf's fonts."""
    if not isinstance(pdf.Root.get("/AcroForm"), pikepdf.Dictionary):
        return
    canvas = Canvas(pdf)
    asked = bool(pdf.Root.AcroForm.get("/NeedAppearances"))
    _appear_where_missing(pdf, canvas, _groups(pdf), set(), redraw=asked)
    canvas.finish()
    if "/NeedAppearances" in pdf.Root.AcroForm:
        del pdf.Root.AcroForm["/NeedAppearances"]


def _set(pdf: pikepdf.Pdf, canvas: Canvas, fields: list[Any], value: Any) -> None:
    kind = _kind(fields[0])
    widgets = [w for f in fields for w in pdf.acroform.get_annotations_for_field(f)]
    if kind in ("text", "choice"):
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise PdfError("bad_option", option="values", reason=N_("a text field needs text"))
        text = str(value)
        first = fields[0]
        fixed = kind == "choice" and text and not int(first.flags) & EDIT
        if fixed and text not in [str(c) for c in first.choices]:
            raise PdfError("bad_option", option="values", reason=N_("not one of the choices"))
        check_drawable(text, "values")
        for f in fields:
            f.set_value(pikepdf.String(text), False)
        for widget in widgets:
            _text_appearance(canvas, fields[0], widget.obj, text)
    elif kind in ("checkbox", "radio"):
        states = _on_states(widgets)
        if isinstance(value, bool) or value is None:
            state = (states[0] if states else "Yes") if value else "Off"
        elif str(value) in states or str(value) == "Off":
            state = str(value)
        else:
            raise PdfError("bad_option", option="values", reason=N_("not one of the choices"))
        for f in fields:
            f.obj.V = pikepdf.Name("/" + state)
            if f.parent is not None and kind == "radio" and "/V" in f.parent.obj:
                f.parent.obj.V = pikepdf.Name("/" + state)
        for widget in widgets:
            shown = widget.obj.get("/AP")
            normal = shown.get("/N") if isinstance(shown, pikepdf.Dictionary) else None
            has = isinstance(normal, pikepdf.Dictionary) and f"/{state}" in normal
            widget.obj.AS = pikepdf.Name("/" + state if has else "/Off")
    else:
        raise PdfError("bad_option", option="values", reason=N_("signature fields are signed"))


def _appear_where_missing(
    pdf: pikepdf.Pdf,
    canvas: Canvas,
    groups: dict[str, list[Any]],
    done: set[str],
    *,
    redraw: bool,
) -> None:
    """Values a viewer was asked to draw get an appearance, so none is lost when
    ``NeedAppearances`` goes: all of them if the form asked (``redraw``), else
    those with none."""
    for name, fields in groups.items():
        if name in done or _kind(fields[0]) not in ("text", "choice"):
            continue
        text = fields[0].value_as_string
        for f in fields:
            for widget in pdf.acroform.get_annotations_for_field(f):
                if text and (redraw or "/AP" not in widget.obj):
                    _text_appearance(canvas, f, widget.obj, text)


def _style(da: bytes) -> tuple[float, str]:
    """Size and colour from a default-appearance string like ``/Helv 0 Tf 0 g``."""
    text = da.decode("latin-1", "replace")
    size = re.search(r"([\d.]+)\s+Tf", text)
    color = re.search(r"((?:[\d.]+\s+){1,4})(g|rg|k)\b", text)
    return (
        float(size.group(1)) if size else 0.0,
        f"{color.group(1)}{color.group(2)}" if color else "0 g",
    )


def _text_appearance(canvas: Canvas, field: Any, widget: pikepdf.Object, text: str) -> None:
    rect = [float(v) for v in widget.get("/Rect", [0, 0, 0, 0])]
    w, h = abs(rect[2] - rect[0]), abs(rect[3] - rect[1])
    if w < 1 or h < 1:
        return
    looks = widget.get("/MK")
    turn = int(looks.get("/R", 0)) % 360 if isinstance(looks, pikepdf.Dictionary) else 0
    if turn in (90, 270):
        w, h = h, w
    size, color = _style(bytes(field.default_appearance))
    flags = int(field.flags)
    if flags & PASSWORD:
        text = "*" * len(text)
    lines = _lines(canvas, text, size or 10, w - 4) if flags & MULTILINE else [text]
    if size and not flags & MULTILINE:
        size = min(size, max(4.0, h - 2))  # a box smaller than its font: shrink, never clip
    if not size:  # auto: fill the height, shrink to fit the width
        size = min(12.0, (h - 4) / 1.15) if not flags & MULTILINE else 10.0
        widest = max(canvas.text.width(line, 1) for line in lines) or 1
        size = max(4.0, min(size, (w - 4) / widest)) if not flags & MULTILINE else size
    ops = []
    for i, line in enumerate(lines):
        wide = canvas.text.width(line, size)
        x = {0: 2.0, 1: (w - wide) / 2, 2: w - 2 - wide}.get(int(field.quadding), 2.0)
        if flags & MULTILINE:
            y = h - 2 - size * (i + 1) * 1.15 + size * 0.2
        else:
            y = (h - size) / 2 + size * 0.22
        ops.append(f"BT {x:.3f} {y:.3f} Td {canvas.text.show(line, size)} ET")
    matrix = {90: [0, 1, -1, 0, h, 0], 180: [-1, 0, 0, -1, w, h], 270: [0, -1, 1, 0, 0, w]}
    stream = pikepdf.Stream(
        canvas.pdf,
        f"/Tx BMC q 1 1 {w - 2:.3f} {h - 2:.3f} re W n {color} {' '.join(ops)} Q EMC".encode(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=pikepdf.Array([0, 0, w, h]),
        Resources=pikepdf.Dictionary(Font=_fonts(canvas)),
    )
    if turn in matrix:
        stream.Matrix = pikepdf.Array(matrix[turn])
    widget.AP = pikepdf.Dictionary(N=canvas.pdf.make_indirect(stream))


def _fonts(canvas: Canvas) -> pikepdf.Dictionary:
    return pikepdf.Dictionary({f"/{k}": v for k, v in canvas.text.resources().items()})


def _lines(canvas: Canvas, text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if line and canvas.text.width(line + ch, size) > width:
                cut = line.rfind(" ")
                lines.append(line[:cut] if cut > 0 else line)
                line = (line[cut + 1 :] if cut > 0 else "") + ch
            else:
                line += ch
        lines.append(line)
    return lines


def _flatten_fields(pdf: pikepdf.Pdf) -> None:
    """Draw the form's widgets into their pages; other annotations stay as they are."""
    kept: dict[int, list[Any]] = {}
    for index, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        kept[index] = [a for a in annots if a.get("/Subtype") != pikepdf.Name.Widget]
        page.obj.Annots = pikepdf.Array([a for a in annots if a.get("/Subtype") == "/Widget"])
    pdf.flatten_annotations("all")
    for index, others in kept.items():
        page = pdf.pages[index]
        left = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") != "/Widget"]
        if others or left:
            page.obj.Annots = pikepdf.Array(others + left)
        elif "/Annots" in page.obj:
            del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
