"""Appearance streams for markup annotations that came without one.

Viewers draw a highlight, an ink stroke or a note from the annotation's own data
when it has no appearance stream; qpdf can only flatten what has one. So before
flattening, Sheaf draws the common kinds the way viewers do: highlights as
translucent colour over their quads, underline, strike-out and squiggly as lines,
ink as its strokes, squares, circles and lines as their shapes, and a note as a
small note icon. Kinds it cannot draw faithfully (free text needs fonts) keep
no appearance and stay annotations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

KAPPA = 0.5523  # Bezier control distance for a quarter circle


def _num(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _color(annot: Any, fallback: tuple[float, ...] = (1.0, 1.0, 0.0)) -> tuple[float, ...]:
    found = annot.get("/C")
    values = tuple(_num(v) for v in found) if found is not None else ()
    return values if len(values) in (1, 3, 4) else fallback


def _set_color(color: tuple[float, ...], stroke: bool) -> str:
    op = {1: "G", 3: "RG", 4: "K"}[len(color)]
    return " ".join(f"{v:.3f}" for v in color) + " " + (op if stroke else op.lower())


def _width(annot: Any) -> float:
    bs = annot.get("/BS")
    if bs is not None and "/W" in bs:
        return _num(bs.W, 1.0)
    border = annot.get("/Border")
    return _num(border[2], 1.0) if border is not None and len(border) >= 3 else 1.0


def _quads(annot: Any) -> list[list[float]]:
    points = [_num(v) for v in annot.get("/QuadPoints", [])]
    return [points[i : i + 8] for i in range(0, len(points) - 7, 8)]


def _highlight(annot: Any) -> tuple[str, float]:
    ops = [_set_color(_color(annot), stroke=False)]
    for q in _quads(annot):
        ops.append(f"{q[0]} {q[1]} m {q[2]} {q[3]} l {q[6]} {q[7]} l {q[4]} {q[5]} l h f")
    return "\n".join(ops), 0.4


def _line_markup(position: float) -> Callable[[Any], tuple[str, float]]:
    """Underline (0.1 up the quad), strike-out (0.5)."""

    def draw(annot: Any) -> tuple[str, float]:
        ops = [_set_color(_color(annot, (1.0, 0.0, 0.0)), stroke=True), "1 w"]
        for q in _quads(annot):
            lo_y, hi_y = min(q[5], q[7]), max(q[1], q[3])
            y = lo_y + (hi_y - lo_y) * position
            ops.append(f"{q[4]} {y} m {q[6]} {y} l S")
        return "\n".join(ops), 1.0

    return draw


def _ink(annot: Any) -> tuple[str, float]:
    ops = [_set_color(_color(annot, (0.0, 0.0, 0.0)), stroke=True), f"{_width(annot)} w 1 J 1 j"]
    for stroke in annot.get("/InkList", []):
        points = [_num(v) for v in stroke]
        if len(points) < 2:
            continue
        path = [f"{points[0]} {points[1]} m"]
        path += [f"{points[i]} {points[i + 1]} l" for i in range(2, len(points) - 1, 2)]
        ops.append(" ".join(path) + " S")
    return "\n".join(ops), 1.0


def _rect(annot: Any) -> tuple[float, float, float, float]:
    r = [_num(v) for v in annot.Rect]
    return min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])


def _square(annot: Any) -> tuple[str, float]:
    x0, y0, x1, y1 = _rect(annot)
    w = _width(annot)
    return (
        f"{_set_color(_color(annot, (1.0, 0.0, 0.0)), True)} {w} w "
        f"{x0 + w / 2} {y0 + w / 2} {x1 - x0 - w} {y1 - y0 - w} re S",
        1.0,
    )


def _circle(annot: Any) -> tuple[str, float]:
    x0, y0, x1, y1 = _rect(annot)
    w = _width(annot)
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0 - w) / 2, (y1 - y0 - w) / 2
    kx, ky = rx * KAPPA, ry * KAPPA
    path = (
        f"{cx + rx} {cy} m {cx + rx} {cy + ky} {cx + kx} {cy + ry} {cx} {cy + ry} c "
        f"{cx - kx} {cy + ry} {cx - rx} {cy + ky} {cx - rx} {cy} c "
        f"{cx - rx} {cy - ky} {cx - kx} {cy - ry} {cx} {cy - ry} c "
        f"{cx + kx} {cy - ry} {cx + rx} {cy - ky} {cx + rx} {cy} c S"
    )
    return f"{_set_color(_color(annot, (1.0, 0.0, 0.0)), True)} {w} w {path}", 1.0


def _line(annot: Any) -> tuple[str, float]:
    points = [_num(v) for v in annot.get("/L", [])]
    if len(points) != 4:
        return "", 1.0
    color = _set_color(_color(annot, (0.0, 0.0, 0.0)), True)
    return f"{color} {_width(annot)} w {points[0]} {points[1]} m {points[2]} {points[3]} l S", 1.0


def _note(annot: Any) -> tuple[str, float]:
    """A sticky note's icon: a folded yellow sheet with lines, in the top-left of /Rect."""
    x0, _y0, _x1, y1 = _rect(annot)
    s = 18.0
    fill = _set_color(_color(annot), stroke=False)
    return (
        f"{fill} 0 G 0.8 w {x0 + 0.5} {y1 - s + 0.5} {s - 1} {s - 1} re B "
        f"{x0 + 4} {y1 - 6} m {x0 + s - 4} {y1 - 6} l "
        f"{x0 + 4} {y1 - 10} m {x0 + s - 4} {y1 - 10} l "
        f"{x0 + 4} {y1 - 14} m {x0 + s - 8} {y1 - 14} l S",
        1.0,
    )


DRAWERS: dict[str, Callable[[Any], tuple[str, float]]] = {
    "/Highlight": _highlight,
    "/Underline": _line_markup(0.1),
    "/StrikeOut": _line_markup(0.5),
    "/Squiggly": _line_markup(0.1),
    "/Ink": _ink,
    "/Square": _square,
    "/Circle": _circle,
    "/Line": _line,
    "/Text": _note,
}


def add_missing(pdf: Any) -> int:
    """Give annotations of the kinds above an appearance where they have none."""
    import pikepdf

    added = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary) or "/AP" in annot:
                continue
            draw = DRAWERS.get(str(annot.get("/Subtype")))
            if draw is None or "/Rect" not in annot:
                continue
            content, opacity = draw(annot)
            if not content:
                continue
            x0, y0, x1, y1 = _rect(annot)
            resources = pikepdf.Dictionary()
            if opacity < 1.0:
                state = pikepdf.Dictionary(
                    Type=pikepdf.Name.ExtGState, ca=opacity, CA=opacity, BM=pikepdf.Name.Multiply
                )
                resources.ExtGState = pikepdf.Dictionary(GS0=state)
                content = "/GS0 gs\n" + content
            stream = pikepdf.Stream(pdf, f"q\n{content}\nQ".encode())
            stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
            # BBox = Rect: viewers map the BBox onto the Rect, so page coordinates hold.
            stream.BBox = [x0, y0, x1, y1]
            stream.Resources = resources
            annot.AP = pikepdf.Dictionary(N=pdf.make_indirect(stream))
            added += 1
    return added
