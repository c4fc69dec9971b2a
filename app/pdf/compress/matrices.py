"""Where things land on the page: PDF's 2-D matrices, and an appearance stream's place.

Kept apart from the walk so the arithmetic can be read (and checked) on its own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF's row-vector convention: m x n)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def as_matrix(value: Any) -> Matrix:  # Any: whatever the file holds, vetted here
    try:
        numbers = tuple(float(x) for x in value)
    except (TypeError, ValueError):
        return IDENTITY
    return numbers if len(numbers) == 6 else IDENTITY


def scale(ctm: Matrix) -> float:
    a, b, c, d, _e, _f = ctm
    return math.sqrt(abs(a * d - b * c))


def appearance_matrix(stream: pikepdf.Stream, rect: list[float]) -> Matrix:
    """Where an appearance stream lands: its BBox (through its Matrix) fitted to /Rect."""
    try:
        x0, y0, x1, y1 = (float(v) for v in stream.get("/BBox", [0, 0, 1, 1]))
    except (TypeError, ValueError):
        return IDENTITY
    form = as_matrix(stream.get("/Matrix", IDENTITY))
    width, height = abs(x1 - x0) * scale(form) or 1.0, abs(y1 - y0) * scale(form) or 1.0
    rw, rh = (
        abs(rect[2] - rect[0]) if len(rect) == 4 else width,
        abs(rect[3] - rect[1]) if len(rect) == 4 else height,
    )
    fit = (rw / width, 0.0, 0.0, rh / height, 0.0, 0.0)
    return multiply(form, fit)
