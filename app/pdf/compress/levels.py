"""The compression levels, declared once: what each does, in one line for the page.

People come to compress to get a smaller file, so the default is ``balanced``
(pictures at 150 dpi for the size they are drawn at: sharp on a screen and on
an office printer). The names scripts used before (lossless, low, medium, high)
stay accepted: low, medium and high are the levels that do what they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.pdf.core.errors import N_


@dataclass(frozen=True)
class Level:
    name: str
    #: Pictures are resampled to this many pixels per inch of the page they are drawn
    #: on; None: pictures keep every pixel (lossless).
    dpi: int | None
    #: JPEG quality for photographs (line art is always stored losslessly).
    quality: int
    description: str


LOSSLESS = Level(
    "lossless",
    None,
    0,
    N_("Lossless: every pixel kept; fonts trimmed to the letters used, duplicates merged."),
)
PRINT = Level(
    "print", 225, 85, N_("Print: pictures at 225 dpi, hard to tell from the original on paper.")
)
BALANCED = Level(
    "balanced", 150, 70, N_("Balanced: pictures at 150 dpi, sharp on screens and office printers.")
)
SMALL = Level(
    "small", 72, 45, N_("Smallest: pictures at 72 dpi, fine on a screen, for e-mail and the web.")
)

LEVELS: dict[str, Level] = {lv.name: lv for lv in (LOSSLESS, PRINT, BALANCED, SMALL)}
#: Names from before the levels said what they do; scripts still send them.
ALIASES: dict[str, str] = {"low": "print", "medium": "balanced", "high": "small"}
DEFAULT = BALANCED.name

#: What a target size may fall back to, least lossy first: the levels, then smaller
#: pictures and lower qualities than the smallest level.
LADDER: tuple[Level, ...] = (
    LOSSLESS,
    PRINT,
    BALANCED,
    Level("target-120", 120, 60, ""),
    Level("target-96", 96, 50, ""),
    SMALL,
    Level("target-60", 60, 35, ""),
    Level("target-48", 48, 25, ""),
)


def level_named(name: str) -> Level:
    """The level called ``name`` (an old name means the level that does what it did)."""
    return LEVELS[ALIASES.get(name, name)]
