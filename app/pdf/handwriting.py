"""The handwriting a typed signature can be written in: names and font files only.

Kept apart from :mod:`app.pdf.sign` so that declaring the sign operation (its
``font`` field's choices) loads no PDF library when Sheaf starts. The Sign page
shows the same files (app/static/css/signature-fonts.css).
"""

from __future__ import annotations

from pathlib import Path

from app import resources


def _files(folder: str, name: str) -> tuple[Path, ...]:
    """A handwriting font: its Latin, then its Latin-extended part."""
    where = resources.STATIC / "vendor" / "fonts" / folder
    return (where / f"{name}-latin.ttf", where / f"{name}-latin-ext.ttf")


#: The handwriting fonts, first the default.
HANDWRITING: dict[str, tuple[Path, ...]] = {
    "caveat": _files("caveat", "Caveat"),
    "dancing-script": _files("dancing-script", "DancingScript"),
    "great-vibes": _files("great-vibes", "GreatVibes"),
}
