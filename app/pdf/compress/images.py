"""Pictures made smaller for the size they are drawn at, one at a time.

A 4000-pixel photo drawn two inches wide is 2000 dpi; at 150 dpi nobody sees
the difference on a screen or an office printer. The walk (:mod:`.walk`) gives
each image's lowest resolution on the page; above the level's resolution it is
resampled down to it. Then each picture is stored the way that suits it:

- photographs (many colours) as JPEG at the level's quality;
- line art, charts and black-and-white pictures (at most 256 colours) without
  loss, as an indexed image with Flate and PNG predictors (Pillow's PNG encoder
  writes exactly PDF's predictor format); two colours become 1 bit a pixel, the
  nearest Sheaf gets to CCITT/JBIG2 (no permissively licensed encoder for those);
- colour pictures that are grey in fact, as grey.

Only one image is decoded at a time, and one past the job's pixel limit is left
as it is (never refused: the rest of the document still gets smaller). Masks,
colour keys, unusual colour spaces and decode arrays are left alone, and a
picture is replaced only when the new one is smaller.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from app.pdf.compress.levels import Level
from app.pdf.compress.walk import Facts

if TYPE_CHECKING:
    import pikepdf
    from PIL import Image

    from app.pdf.core.job import Job

#: Resample only where it gains something: above this many times the level's dpi.
SLACK = 1.2
#: Channels that differ by at most this much everywhere are one grey.
GREY_TOLERANCE = 6
#: A JPEG already at the level's resolution is re-encoded only when this much smaller.
REENCODE_GAIN = 0.8
#: Pictures this small (stored bytes) are left alone: nothing worth a resampling.
SMALL_BYTES = 4096


@dataclass
class Changes:
    images: int = 0
    downsampled: int = 0


def resample_images(pdf: pikepdf.Pdf, facts: Facts, level: Level, job: Job) -> Changes:
    import pikepdf

    changes = Changes()
    masks: set[tuple[int, int]] = set()
    for key in facts.image_ppi:
        image = pdf.get_object(key)
        mask = image.get("/SMask")
        if isinstance(mask, pikepdf.Stream):
            masks.add(mask.objgen)
    for key, ppi in facts.image_ppi.items():
        job.check()
        if key in facts.images_untracked:
            continue
        image = pdf.get_object(key)
        if not isinstance(image, pikepdf.Stream) or not _plain(image):
            continue
        try:
            pixels = int(image.Width) * int(image.Height)
        except (TypeError, ValueError, AttributeError):
            continue
        if pixels > job.max_image_pixels:
            continue  # too big to decode within the budget: kept as it is
        done = _one(image, ppi, level, key in masks)
        if done:
            changes.images += 1
            changes.downsampled += done == "resampled"
    return changes


def _plain(image: pikepdf.Stream) -> bool:
    """An image Sheaf can decode and store again without changing what it means."""
    import pikepdf

    if image.get("/ImageMask", False) or isinstance(image.get("/Mask"), pikepdf.Array):
        return False
    if "/Decode" in image or "/Matte" in image or int(image.get("/BitsPerComponent", 8)) != 8:
        return False
    return _components(image.get("/ColorSpace", pikepdf.Name.DeviceGray)) in (1, 3)


def _components(space: object) -> int:
    import pikepdf

    if isinstance(space, pikepdf.Name):
        return {"/DeviceRGB": 3, "/DeviceGray": 1, "/CalRGB": 3, "/CalGray": 1}.get(str(space), 0)
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
        return int(space[1].get("/N", 0)) if isinstance(space[1], pikepdf.Stream) else 0
    if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] in ("/CalRGB", "/CalGray"):
        return 3 if space[0] == "/CalRGB" else 1
    return 0


def _one(image: pikepdf.Stream, ppi: float, level: Level, is_mask: bool) -> str:
    """Store one image again; what was done ("resampled", "stored", "")."""
    import pikepdf
    from PIL import Image

    original = len(image.read_raw_bytes())
    if original < SMALL_BYTES:
        return ""
    try:
        pil = pikepdf.PdfImage(image).as_pil_image()
    except Exception:
        return ""
    if pil.mode not in ("L", "RGB"):
        return ""
    was_jpeg = image.get("/Filter") in ("/DCTDecode", pikepdf.Array([pikepdf.Name.DCTDecode]))
    dpi = level.dpi
    resample = dpi is not None and ppi > dpi * SLACK
    if resample and dpi is not None:
        factor = dpi / ppi
        size = (max(1, round(pil.width * factor)), max(1, round(pil.height * factor)))
        pil = pil.resize(size, Image.Resampling.LANCZOS if not is_mask else Image.Resampling.BOX)
    if pil.mode == "RGB" and _grey(pil):
        pil = pil.convert("L")
    encoded = _encode(pil, level, is_mask, was_jpeg and not resample)
    if encoded is None:
        return ""
    data, filter_, parms, space = encoded
    if len(data) >= original * (REENCODE_GAIN if was_jpeg and not resample else 1.0):
        return ""
    keep_space = pil.mode == "RGB" or (
        pil.mode == "L" and _components(image.get("/ColorSpace")) == 1
    )
    old_space = image.get("/ColorSpace")
    image.write(data, filter=filter_, decode_parms=parms)
    image.Width, image.Height = pil.size
    image.BitsPerComponent = int(parms.BitsPerComponent) if parms is not None else 8
    if space is not None:
        image.ColorSpace = space(image)
    elif keep_space and old_space is not None:
        image.ColorSpace = old_space
    else:
        image.ColorSpace = pikepdf.Name.DeviceGray if pil.mode == "L" else pikepdf.Name.DeviceRGB
    return "resampled" if resample else "stored"


def _grey(pil: Image.Image) -> bool:
    from PIL import ImageChops

    red, green, blue = pil.split()
    return (
        _highest(ImageChops.difference(red, green)) <= GREY_TOLERANCE
        and _highest(ImageChops.difference(green, blue)) <= GREY_TOLERANCE
    )


def _highest(band: Image.Image) -> float:
    # One band's extrema are (lowest, highest); Pillow types them for any number of bands.
    return cast("tuple[float, float]", band.getextrema())[1]


def _encode(pil: Image.Image, level: Level, is_mask: bool, jpeg_already: bool):  # noqa: ANN202
    """(data, filter, decode parms, colour space maker or None) for ``pil``."""
    import pikepdf

    # Line art: at most 256 colours, or 16 greys (every grey picture has at most 256).
    few = None if is_mask else pil.getcolors(256 if pil.mode == "RGB" else 16)
    if is_mask or (few is not None and not jpeg_already) or level.dpi is None:
        if level.dpi is None and not is_mask:
            return None  # lossless: pixels untouched (qpdf recompresses Flate itself)
        return _lossless(pil, few)
    buffer = io.BytesIO()
    pil.save(buffer, "JPEG", quality=level.quality, optimize=True)
    return buffer.getvalue(), pikepdf.Name.DCTDecode, None, None


def _lossless(pil: Image.Image, few: list | None):  # noqa: ANN202
    """Flate with PNG predictors; an indexed image where there are at most 256 colours."""
    import pikepdf
    from PIL import Image

    space = None
    target = pil
    if few is not None and pil.mode == "RGB":
        # Every colour is in the palette, so "nearest colour" is the colour itself.
        table = b"".join(bytes(colour) for _count, colour in few)
        palette = Image.new("P", (1, 1))
        palette.putpalette(table + table[:3] * (256 - len(few)))
        target = pil.quantize(palette=palette, dither=Image.Dither.NONE)
        target.putpalette(table)
        count = len(few)

        def space(image: pikepdf.Stream) -> pikepdf.Array:
            return pikepdf.Array(
                [pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, count - 1, pikepdf.String(table)]
            )

    data, bits = _png_data(target)
    colors = 1 if target.mode in ("L", "P") else 3
    parms = pikepdf.Dictionary(
        Predictor=15, Colors=colors, BitsPerComponent=bits, Columns=target.width
    )
    return data, pikepdf.Name.FlateDecode, parms, space


def _png_data(pil: Image.Image) -> tuple[bytes, int]:
    """The zlib stream and bit depth of Pillow's PNG of ``pil``: PDF's Flate with PNG
    predictors, byte for byte."""
    buffer = io.BytesIO()
    pil.save(buffer, "PNG", compress_level=9)
    png = buffer.getvalue()
    position, idat, bits = 8, [], 8
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            bits = body[8]
        elif kind == b"IDAT":
            idat.append(body)
        position += 12 + length
    return b"".join(idat), bits
