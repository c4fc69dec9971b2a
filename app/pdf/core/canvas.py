"""Drawing onto existing pages, in the page's own content, as people see the page.

Stamps (page numbers, watermarks, signatures) are placed by what the person
sees: the visible (crop) box, turned by ``/Rotate``. :func:`frame` gives the
matrix from those "shown" coordinates (points, origin bottom-left, y up) to
the page's user space, so callers never think about rotation or offsets.

Drawing over the page wraps the existing content in ``q``/``Q`` first, so a
page that leaves its graphics state changed (a clip, a colour, a matrix)
cannot move or hide the stamp; drawing under puts the stamp first. The
stamp's fonts, transparency and images go into the page's resources under
names new to the document (``Sheaf`` and a random tag), added once per
document and shared by pages.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from app.pdf.core.document import Source
from app.pdf.core.errors import PdfError
from app.pdf.core.fonts import FACES, Typesetter
from app.pdf.core.job import Job

if TYPE_CHECKING:  # Pillow is imported where images are drawn
    from PIL.Image import Image


def visible_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The crop box as (left, bottom, right, top), whichever corners the file names."""
    box = [float(v) for v in page.cropbox]
    return min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])


def turns(page: pikepdf.Page) -> int:
    """Quarter turns clockwise the page is shown with (/Rotate; unreadable counts as 0)."""
    try:
        return (int(page.obj.get("/Rotate", 0)) % 360) // 90
    except (TypeError, ValueError):
        return 0


def shown_size(page: pikepdf.Page) -> tuple[float, float]:
    """Width and height of the page as a viewer shows it."""
    x0, y0, x1, y1 = visible_box(page)
    w, h = x1 - x0, y1 - y0
    return (h, w) if turns(page) % 2 else (w, h)


def frame(page: pikepdf.Page) -> tuple[float, float, float, float, float, float]:
    """The matrix from shown coordinates to the page's user space."""
    x0, y0, x1, y1 = visible_box(page)
    return {
        0: (1, 0, 0, 1, x0, y0),
        1: (0, 1, -1, 0, x1, y0),  # shown turned clockwise: stored left edge on top
        2: (-1, 0, 0, -1, x1, y1),
        3: (0, -1, 1, 0, x0, y1),
    }[turns(page)]


def matrix(values: tuple[float, ...]) -> str:
    return " ".join(_number(v) for v in values)


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass
class Canvas:
    """What one document's stamps share: fonts, transparency states, images."""

    pdf: pikepdf.Pdf
    #: The fonts its text is drawn with (a typed signature's handwriting first).
    faces: tuple[Path, ...] = FACES
    text: Typesetter = field(init=False)
    _states: dict[float, pikepdf.Object] = field(default_factory=dict)
    _images: list[pikepdf.Object] = field(default_factory=list)
    _save_state: pikepdf.Stream | None = None

    def __post_init__(self) -> None:
        # Names new to this document: a page stamped twice keeps both stamps' resources.
        self.tag = f"Sheaf{secrets.token_hex(3)}"
        self.text = Typesetter(self.pdf, prefix=f"{self.tag}F", chain=self.faces)

    def opacity(self, value: float) -> str:
        """The name of a graphics state that paints at ``value`` opacity."""
        value = round(max(0.0, min(1.0, value)), 3)
        if value not in self._states:
            self._states[value] = self.pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=value, CA=value)
            )
        return f"{self.tag}GS{list(self._states).index(value)}"

    def image(self, picture: Image) -> str:
        """Add a Pillow image (alpha kept as a soft mask); returns its resource name."""
        self._images.append(self.xobject(picture))
        return f"{self.tag}Im{len(self._images) - 1}"

    def xobject(self, picture: Image) -> pikepdf.Stream:
        """A Pillow image as an image XObject of this document (alpha as a soft mask),
        made the way images-to-PDF makes lossless pages (:func:`app.pdf.images.lossless`)."""
        from app.pdf.images import lossless

        img = picture
        transparent = img.mode in ("RGBA", "LA", "PA") or (
            img.mode == "P" and "transparency" in img.info
        )
        if transparent:
            img = img.convert("RGBA")
            if img.getchannel("A").getextrema() == (255, 255):
                img = img.convert("RGB")  # every pixel opaque: no soft mask needed
        elif img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        stream, _size = lossless(self.pdf, img)
        return self.pdf.make_indirect(stream)

    def draw(self, page: pikepdf.Page, ops: str, *, under: bool = False) -> None:
        """Add ``ops`` (in shown coordinates) over or under the page's content."""
        self._add_resources(page)
        content = f"q {matrix(frame(page))} cm\n{ops}\nQ\n".encode()
        if under:
            page.contents_add(pikepdf.Stream(self.pdf, content), prepend=True)
            return
        if self._save_state is None:
            self._save_state = self.pdf.make_indirect(pikepdf.Stream(self.pdf, b"q\n"))
        page.contents_add(self._save_state, prepend=True)
        page.contents_add(pikepdf.Stream(self.pdf, b"Q\n" + content))

    def _add_resources(self, page: pikepdf.Page) -> None:
        # A damaged page may hold something other than a dictionary here: what cannot
        # be a resource dictionary was never usable, and is replaced.
        if not isinstance(page.obj.get("/Resources"), pikepdf.Dictionary):
            page.obj.Resources = pikepdf.Dictionary()
        resources = page.obj.Resources
        wanted = {
            "/Font": self.text.resources(),
            "/ExtGState": {f"{self.tag}GS{i}": s for i, s in enumerate(self._states.values())},
            "/XObject": {f"{self.tag}Im{i}": x for i, x in enumerate(self._images)},
        }
        for kind, entries in wanted.items():
            if not entries:
                continue
            if not isinstance(resources.get(kind), pikepdf.Dictionary):
                resources[kind] = pikepdf.Dictionary()
            for name, obj in entries.items():
                resources[kind][f"/{name}"] = obj

    def finish(self) -> None:
        """Embed the fonts' subsets; call once, after the last ``draw``."""
        self.text.finish()


def text_ops(
    canvas: Canvas,
    text: str,
    size: float,
    x: float,
    y: float,
    angle: float = 0,
    slant: float = 0,
) -> str:
    """Operators drawing ``text`` with its baseline starting at (x, y), turned by
    ``angle`` degrees anticlockwise and leaning forward by ``slant``."""
    import math

    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    tm = matrix((cos, sin, slant * cos - sin, slant * sin + cos, x, y))
    return f"BT {tm} Tm {canvas.text.show(text, size)} ET"


def picture(source: Source, job: Job, longest: int = 1600) -> Image:
    """An uploaded image for a stamp: checked against the pixel limit before it is
    decoded, its first frame only, turned by EXIF, and at most ``longest`` pixels a side
    (a stamp is never bigger than the page; more pixels only make the file larger)."""
    from PIL import ImageOps

    from app.pdf.images import _open_image

    if source.path.stat().st_size == 0:
        raise PdfError("empty_file", name=source.name)
    with _open_image(source.path, source.name) as img:
        pixels = img.size[0] * img.size[1]
        if pixels > job.max_image_pixels:
            raise PdfError(
                "image_too_large", name=source.name, pixels=pixels, limit=job.max_image_pixels
            )
        try:
            img.draft("RGB", (longest, longest))  # JPEG: decode at a smaller scale
            shown = ImageOps.exif_transpose(img)
            shown.thumbnail((longest, longest))
            shown.load()
        except (OSError, ValueError, SyntaxError, EOFError):
            raise PdfError("unsupported_image", name=source.name) from None
        return shown
