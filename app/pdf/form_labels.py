"""The words a person sees for a form's fields, and where the fields are on the page.

A PDF names its fields for programs ("female", "First Name_2", "gdpr"); the page
prints what people read ("Gender:", "Female", "Agree to privacy policy"). A field
is labelled by its tooltip (``/TU``) when it has one, else by the printed words
beside it, else by its name made readable. A checkbox or radio button is
labelled by the words next to it (right or left on its line), its on-state name
made readable when none are; its ``value`` stays the state the server sets.

The printed words come from :mod:`app.pdf.page_text`, in points of the page as
shown, so "left of" means left as a person sees it; each widget's box is given
in fractions of the shown page (crop box, ``/Rotate``) from its top-left corner,
so the browser can outline it on the page's picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pikepdf

from app.pdf.core.document import Source
from app.pdf.core.errors import PdfError
from app.pdf.core.job import Job
from app.pdf.page_text import Box, Run, clean, page_runs, points, same_line

LEFT_REACH = 150.0  # how far left of a field its label may end
SIDE_REACH = 60.0  # how far from a checkbox or radio button its words may start
ABOVE_REACH = 24.0  # how far above a field its label may sit (up to twice, for tall ones)
RIGHT_BONUS = 3.0  # a checkbox's words are more often on its right: prefer them a little
HIDDEN, NO_VIEW = 2, 32  # annotation flags: not shown on the page
LONGEST = 120  # characters of a label; a paragraph above a field is not its label


@dataclass
class Widget:
    """One widget of a field, on its page: what the browser outlines."""

    page: int  # from 1
    rect: Box  # points, as shown
    fraction: Box  # fractions of the shown page
    states: list[str]  # its on-states (checkboxes, radio buttons)
    words: str | None = None  # printed next to it (checkboxes, radio buttons)
    run: int | None = None  # which run of its page those words are


def readable(name: str) -> str:
    """An internal name as words: ``First Name_2`` -> ``First Name 2``,
    ``form1[0].page1[0].dateOfBirth[0]`` -> ``Date Of Birth``."""
    last = re.sub(r"\[\d+\]", "", name).rsplit(".", 1)[-1] or name
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", last)
    words = re.sub(r"([A-Za-z])(\d)", r"\1 \2", words) if "_" not in words else words
    words = " ".join(re.sub(r"[_\-]+", " ", words).split())
    return (words[:1].upper() + words[1:]) if words else name


def _beside(run: Run, rect: Box, side: str) -> float | None:
    """How far ``run`` is from ``rect`` on ``side``, or None if it is not there."""
    r = run.box
    if side in ("left", "right") and not same_line(r, rect):
        return None
    if side == "left" and r[2] <= rect[0] + 2:
        return rect[0] - r[2]
    if side == "right" and r[0] >= rect[2] - 2:
        return r[0] - rect[2]
    if side == "above" and r[3] <= rect[1] + 2 and r[0] < rect[2] and r[2] > rect[0]:
        return rect[1] - r[3]
    inside = r[0] >= rect[0] - 1 and r[2] <= rect[2] + 1 and r[1] >= rect[1] - 1
    if side == "inside" and inside and r[3] <= rect[3] + 1:
        return r[1] - rect[1]  # a caption printed in the box the field covers
    return None


def nearest(runs: list[Run], rect: Box, sides: tuple[str, ...], skip: set[int]) -> str | None:
    """The closest run on the first of ``sides`` that has one within reach."""
    reach = {
        "left": LEFT_REACH,
        "right": SIDE_REACH,
        "above": max(ABOVE_REACH, min(1.5 * (rect[3] - rect[1]), 2 * ABOVE_REACH)),
        "inside": rect[3] - rect[1],
    }
    for side in sides:
        found = [
            (d, abs(run.box[0] - rect[0]), n)
            for n, run in enumerate(runs)
            if n not in skip
            and len(run.text) <= LONGEST
            and (d := _beside(run, rect, side)) is not None
            and d <= reach[side]
        ]
        if found:
            return runs[min(found)[2]].text
    return None


def assign_buttons(runs: list[Run], buttons: list[Widget]) -> set[int]:
    """Give each checkbox and radio button of a page the words beside it, each run to
    one button only, closest pairs first (so "( ) Female ( ) Male" gives Female to the
    first and Male to the second, whichever side the words are printed on).
    Returns the runs used."""
    pairs = []
    for b, widget in enumerate(buttons):
        for n, run in enumerate(runs):
            if len(run.text) > LONGEST:
                continue
            for side, bonus in (("right", RIGHT_BONUS), ("left", 0.0)):
                d = _beside(run, widget.rect, side)
                if d is not None and d <= SIDE_REACH:
                    pairs.append((d - bonus, b, n))
    used_runs: set[int] = set()
    done: set[int] = set()
    for _d, b, n in sorted(pairs):
        if b in done or n in used_runs:
            continue
        buttons[b].words, buttons[b].run = runs[n].text, n
        done.add(b)
        used_runs.add(n)
    return used_runs


@dataclass
class Group:
    """A field as :mod:`app.pdf.forms` lists it: its name, kind, fields and widgets."""

    name: str
    kind: str
    fields: list[Any]
    widgets: list[Any]


def describe(
    source: Source, pdf: pikepdf.Pdf, groups: list[Group], job: Job
) -> list[dict[str, Any]]:
    """For each group: its ``label``, its ``choices`` (checkboxes and radio groups:
    ``{value, label}``) and its ``widgets`` (``{page, box, value}``, the box in
    fractions of the shown page from its top-left corner)."""
    where = pages_of(pdf)
    wanted = {where[w.obj.objgen] for g in groups for w in g.widgets if w.obj.objgen in where}
    pages = _read_pages(source, pdf, wanted, job)
    located = []
    for group in groups:
        mine = []
        for widget in group.widgets:
            number = where.get(widget.obj.objgen)
            if number in pages and (shown := _widget(widget, number, pages[number][1])):
                mine.append(shown)
        located.append(mine)
    used: dict[int, set[int]] = {}
    for number, (runs, _view) in pages.items():
        buttons = [
            w
            for ws, group in zip(located, groups, strict=True)
            if group.kind in ("checkbox", "radio")
            for w in ws
            if w.page == number
        ]
        used[number] = assign_buttons(runs, buttons)
    for group, widgets in zip(groups, located, strict=True):
        if group.kind == "radio" and any(w.words is None for w in widgets):
            # Words beside only some buttons are not their choices ("Sex: ( ) ( )"):
            # all choices go by their state names, the words may label the group.
            for w in widgets:
                if w.run is not None:
                    used[w.page].discard(w.run)
                w.words = w.run = None
    return [
        _described(group, widgets, pages, used)
        for group, widgets in zip(groups, located, strict=True)
    ]


def _widget(widget: Any, number: int, view: Any) -> Widget | None:
    """Where a widget shows; None for one that does not (hidden, no size)."""
    try:
        rect = [float(v) for v in widget.obj.Rect][:4]
        hidden = int(widget.obj.get("/F", 0)) & (HIDDEN | NO_VIEW)
    except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
        return None
    if hidden or len(rect) < 4 or rect[0] == rect[2] or rect[1] == rect[3]:
        return None
    x0, x1 = sorted((rect[0], rect[2]))
    y0, y1 = sorted((rect[1], rect[3]))
    fraction = view.box((x0, y0, x1, y1))
    return Widget(number, points(view, fraction), fraction, on_states(widget))


def _described(
    group: Group,
    widgets: list[Widget],
    pages: dict[int, tuple[list[Run], Any]],
    used: dict[int, set[int]],
) -> dict[str, Any]:
    label = tooltip(group.fields[0])
    first = min(widgets, key=lambda w: (w.page, w.rect[1], w.rect[0]), default=None)
    if not label and first is not None:
        runs = pages[first.page][0]
        if group.kind == "checkbox":
            label = first.words or nearest(runs, first.rect, ("left", "above"), used[first.page])
        elif group.kind == "radio":
            label = nearest(runs, first.rect, ("left", "above"), used[first.page])
        else:
            # Words beside a checkbox are its own, except on the line before a field
            # ("[ ] Other: ____" labels both).
            label = nearest(runs, first.rect, ("left",), set()) or nearest(
                runs, first.rect, ("above", "inside"), used[first.page]
            )
    choices: list[dict[str, str]] = []
    if group.kind in ("checkbox", "radio"):
        words: dict[str, str] = {}
        for widget in widgets:
            for state in widget.states:
                if widget.words:
                    words.setdefault(state, widget.words)
        for state in _states(group.widgets):
            choices.append({"value": state, "label": words.get(state) or readable(state)})
    return {
        "label": label or readable(group.name),
        "choices": choices,
        "widgets": [
            {
                "page": w.page,
                "box": [round(v, 4) for v in w.fraction],
                "value": w.states[0] if w.states else None,
            }
            for w in widgets
        ],
    }


def tooltip(field: Any) -> str | None:
    """The field's ``/TU``, or the nearest parent's (a radio group keeps it there)."""
    obj, hops = field.obj, 0
    while isinstance(obj, pikepdf.Dictionary) and hops < 32:
        tu = obj.get("/TU")
        if isinstance(tu, pikepdf.String) and (text := clean(str(tu))):
            return text[:200]
        obj, hops = obj.get("/Parent"), hops + 1
    return None


def _read_pages(
    source: Source, pdf: pikepdf.Pdf, wanted: set[int], job: Job
) -> dict[int, tuple[list[Run], Any]]:
    """The runs and mapping of every page with a widget, by page number; a page
    pdfium cannot read, or a file too large to decode, is left out (its fields go
    by tooltips and names, without boxes)."""
    import pypdfium2 as pdfium

    from app.pdf.core.budget import check_streams
    from app.pdf.render import PDFIUM, open_rendering

    read: dict[int, tuple[list[Run], Any]] = {}
    if not wanted:
        return read
    try:
        # pdfium decodes what it reads: a decompression bomb is listed without it.
        check_streams(pdf, source.name, job)
        with open_rendering(source, len(pdf.pages)) as document:
            for number in sorted(wanted):
                job.check()
                with PDFIUM:
                    try:
                        read[number] = page_runs(document, number - 1)
                    except pdfium.PdfiumError:
                        continue
    except PdfError:
        return {}
    return read


def pages_of(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    """Which page (from 1) shows each widget, from the pages' ``/Annots``."""
    where: dict[tuple[int, int], int] = {}
    for number, page in enumerate(pdf.pages, 1):
        for annot in page.obj.get("/Annots", []):
            if isinstance(annot, pikepdf.Dictionary) and annot.is_indirect:
                where.setdefault(annot.objgen, number)
    return where


def on_states(widget: Any) -> list[str]:
    """A widget's appearance states other than ``/Off``: the values it can be set to."""
    ap = widget.obj.get("/AP")
    normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
    if not isinstance(normal, pikepdf.Dictionary):
        return []
    return [str(k)[1:] for k in normal if k != "/Off"]


def _states(widgets: list[Any]) -> list[str]:
    found: list[str] = []
    for widget in widgets:
        found += [s for s in on_states(widget) if s not in found]
    return found
