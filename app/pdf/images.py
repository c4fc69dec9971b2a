"""Images into a PDF (the other way round is :mod:`app.pdf.render`).

JPEGs go in as they are (their DCT data becomes the image stream: no
recompression, no quality loss); other formats are decoded with Pillow and
stored losslessly. EXIF orientation is honoured. Every frame is checked
against the job's pixel limit before it is decoded, so a "decompression bomb"
is a clear error instead of a machine out of memory.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.pdf.core.document import Result, Source, save
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job

if TYPE_CHECKING:  # imported lazily where they run: Sheaf starts without them
    import pikepdf
    from PIL.Image import Image

PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN = 36.0  # half an inch around images on A4/Letter pages
FORMATS = {"JPEG", "PNG", "TIFF", "WEBP", "MPO", "GIF"}


def _open_image(path: Path, name: str) -> Image:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # we check each frame ourselves, with the job's limit
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PdfError("unsupported_image", name=name) from None
    if image.format not in FORMATS:
        image.close()
        raise PdfError("unsupported_image", name=name)
    return image


def images_to_pdf(
    sources: list[Source], output: Path, job: Job, *, page_size: str = "fit"
) -> Result:
    """One page per image, and per frame of a multi-frame TIFF, GIF or WebP.

    Each page is first written as a one-page PDF on disk and qpdf joins them at
    the end, reading image data from those files as it writes: memory holds one
    decoded frame at a time, however many images there are.
    """
    import pikepdf

    if page_size not in ("fit", *PAGE_SIZES):
        raise PdfError("bad_option", option="page_size", reason=N_("use fit, a4 or letter"))
    parts_dir = output.parent / "parts"
    parts_dir.mkdir(exist_ok=True)
    parts: list[Path] = []
    for done, source in enumerate(sources):
        job.step(done, len(sources))
        if source.path.stat().st_size == 0:
            raise PdfError("empty_file", name=source.name)
        with _open_image(source.path, source.name) as image:
            for frame_index in range(getattr(image, "n_frames", 1)):
                job.check()
                job.pages_out(len(parts) + 1)
                try:
                    image.seek(frame_index)
                except (OSError, EOFError, ValueError) as exc:
                    raise PdfError("unsupported_image", name=source.name) from exc
                pixels = image.size[0] * image.size[1]
                if pixels > job.max_image_pixels:
                    raise PdfError(
                        "image_too_large",
                        name=source.name,
                        pixels=pixels,
                        limit=job.max_image_pixels,
                    )
                part = parts_dir / f"{len(parts):05d}.pdf"
                _one_page(image, source, part, page_size, as_jpeg=frame_index == 0)
                parts.append(part)
    job.check()
    if len(parts) == 1:
        parts[0].replace(output)
    else:
        pikepdf.Job(["qpdf", "--empty", "--pages", *map(str, parts), "--", str(output)]).run()
    return Result([output], [], {"pages": len(parts)})


def _one_page(image: Image, source: Source, part: Path, page_size: str, *, as_jpeg: bool) -> None:
    import pikepdf
    from PIL import ImageOps

    with pikepdf.new() as pdf:
        try:
            if as_jpeg and image.format == "JPEG" and image.mode in ("RGB", "L", "CMYK"):
                xobject, size, turn = _jpeg_as_is(pdf, source.path, image)
            else:
                image.load()
                turned = image.getexif().get(0x0112, 1) not in (None, 1)
                upright = ImageOps.exif_transpose(image) if turned else image
                xobject, size = lossless(pdf, upright)
                turn = 0
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise PdfError("unsupported_image", name=source.name) from exc
        _add_page(pdf, xobject, size, turn, page_size, image.info.get("dpi"))
        save(pdf, part)


def _jpeg_as_is(
    pdf: pikepdf.Pdf, path: Path, frame: Image
) -> tuple[pikepdf.Stream, tuple[int, int], int]:
    """Embed the JPEG file's bytes; turn the page to honour EXIF orientation."""
    import pikepdf

    data = path.read_bytes()
    mode = frame.mode
    width, height = frame.size
    colorspace = {"RGB": "/DeviceRGB", "L": "/DeviceGray", "CMYK": "/DeviceCMYK"}[mode]
    stream = pikepdf.Stream(pdf, data)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = width, height
    stream.ColorSpace = pikepdf.Name(colorspace)
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.DCTDecode
    if mode == "CMYK" and "adobe" in frame.info:
        stream.Decode = pikepdf.Array([1, 0, 1, 0, 1, 0, 1, 0])  # Adobe stores CMYK inverted
    orientation = frame.getexif().get(0x0112, 1)
    turn = {3: 180, 6: 90, 8: 270}.get(orientation, 0)
    return stream, (width, height), turn


def _deflate_rows(image: Image, mode: str) -> bytes:
    """``image`` converted to ``mode`` and deflated a band of rows at a time, so no
    second full-size copy of the pixels exists at once."""
    compressor = zlib.compressobj(6)
    out: list[bytes] = []
    width, height = image.size
    rows = max(1, (4 << 20) // max(width * 4, 1))
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(top + rows, height)))
        band = band.getchannel("A") if mode == "A" else band.convert(mode)
        out.append(compressor.compress(band.tobytes()))
    out.append(compressor.flush())
    return b"".join(out)


def _image_stream(
    pdf: pikepdf.Pdf, data: bytes, size: tuple[int, int], colorspace: str
) -> pikepdf.Stream:
    import pikepdf

    stream = pikepdf.Stream(pdf, data)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = size
    stream.ColorSpace = pikepdf.Name(colorspace)
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.FlateDecode
    return stream


def lossless(pdf: pikepdf.Pdf, image: Image) -> tuple[pikepdf.Stream, tuple[int, int]]:
    """A Pillow image as a Flate-compressed image XObject, alpha as a soft mask,
    compressed a band of rows at a time."""
    img = image
    mode = img.mode
    size = img.size
    smask = None
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in img.info):
        if mode not in ("RGBA", "LA"):
            img = img.convert("RGBA")
        smask = _image_stream(pdf, _deflate_rows(img, "A"), size, "/DeviceGray")
        target = "L" if img.mode == "LA" else "RGB"
    elif mode in ("1", "L", "I;16", "I;16B", "I", "F"):
        target = "L"
    elif mode == "CMYK":
        target = "CMYK"
    else:
        target = "RGB"
    colorspace = {"RGB": "/DeviceRGB", "L": "/DeviceGray", "CMYK": "/DeviceCMYK"}[target]
    stream = _image_stream(pdf, _deflate_rows(img, target), size, colorspace)
    if smask is not None:
        stream.SMask = smask
    return stream, size


def _add_page(
    pdf: pikepdf.Pdf,
    xobject: pikepdf.Stream,
    size: tuple[int, int],
    turn: int,
    page_size: str,
    dpi: Any,  # whatever the file's header says: the try below vets it
) -> None:
    import pikepdf

    width, height = size
    try:
        x_dpi, y_dpi = (float(d) for d in dpi) if dpi else (72.0, 72.0)
    except (TypeError, ValueError):
        x_dpi = y_dpi = 72.0
    x_dpi, y_dpi = (x_dpi if x_dpi > 1 else 72.0), (y_dpi if y_dpi > 1 else 72.0)
    img_w, img_h = width * 72.0 / x_dpi, height * 72.0 / y_dpi  # natural size in points
    shown_w, shown_h = (img_h, img_w) if turn in (90, 270) else (img_w, img_h)
    if page_size == "fit":
        page_w, page_h, margin = shown_w, shown_h, 0.0
    else:
        page_w, page_h = PAGE_SIZES[page_size]
        if shown_w > shown_h:
            page_w, page_h = page_h, page_w  # landscape images on landscape pages
        margin = MARGIN
    scale = min((page_w - 2 * margin) / shown_w, (page_h - 2 * margin) / shown_h, 1.0)
    if page_size == "fit":
        scale = 1.0
    draw_w, draw_h = shown_w * scale, shown_h * scale
    x, y = (page_w - draw_w) / 2, (page_h - draw_h) / 2
    # Place the image in its shown box, turned clockwise by `turn` degrees.
    a, b = (img_w * scale, img_h * scale)
    matrix = {
        0: (a, 0, 0, b, x, y),
        90: (0, -a, b, 0, x, y + draw_h),
        180: (-a, 0, 0, -b, x + draw_w, y + draw_h),
        270: (0, a, -b, 0, x + draw_w, y),
    }[turn]
    content = ("q {} {} {} {} {} {} cm /Im0 Do Q".format(*(f"{v:.4f}" for v in matrix))).encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(page_w, 4), round(page_h, 4)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))
