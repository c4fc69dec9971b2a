"""Images into a PDF, and PDF pages into images.

JPEGs go in as they are (their DCT data becomes the image stream: no
recompression, no quality loss); other formats are decoded with Pillow and
stored losslessly. EXIF orientation is honoured. Every image is checked
against a pixel limit before it is decoded, so a "decompression bomb" is a
clear error instead of a machine out of memory.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from app.pdf import ranges
from app.pdf.document import Result, Source, open_pdf, save
from app.pdf.errors import N_, PdfError

PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN = 36.0  # half an inch around images on A4/Letter pages
DEFAULT_MAX_PIXELS = 200_000_000
FORMATS = {"JPEG", "PNG", "TIFF", "WEBP", "MPO"}


def _open_image(path: Path, name: str, max_pixels: int):  # noqa: ANN202 - PIL type, lazily imported
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # we check ourselves, per call, with our own limit
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PdfError("unsupported_image", name=name) from None
    if image.format not in FORMATS:
        raise PdfError("unsupported_image", name=name)
    width, height = image.size
    if width * height > max_pixels:
        raise PdfError("image_too_large", name=name, pixels=width * height, limit=max_pixels)
    return image


def _frames(image: object):  # noqa: ANN202
    from PIL import ImageSequence

    yield from ImageSequence.Iterator(image)


def images_to_pdf(
    sources: list[Source],
    output: Path,
    *,
    page_size: str = "fit",
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_pages: int | None = None,
) -> Result:
    import pikepdf
    from PIL import ImageOps

    if page_size not in ("fit", *PAGE_SIZES):
        raise PdfError("bad_option", option="page_size", reason=N_("use fit, a4 or letter"))
    with pikepdf.new() as pdf:
        for source in sources:
            if source.path.stat().st_size == 0:
                raise PdfError("empty_file", name=source.name)
            image = _open_image(source.path, source.name, max_pixels)
            with image:
                frames = list(_frames(image)) if image.format == "TIFF" else [image]
                for frame in frames:
                    if max_pages is not None and len(pdf.pages) >= max_pages:
                        raise PdfError("too_many_pages", count=len(pdf.pages) + 1, limit=max_pages)
                    try:
                        if image.format == "JPEG" and frame.mode in ("RGB", "L", "CMYK"):
                            xobject, size, turn = _jpeg_as_is(pdf, source.path, frame)
                        else:
                            upright = ImageOps.exif_transpose(frame)
                            xobject, size = _lossless(pdf, upright)
                            turn = 0
                    except (OSError, ValueError, SyntaxError) as exc:
                        raise PdfError("unsupported_image", name=source.name) from exc
                    _add_page(pdf, xobject, size, turn, page_size, frame.info.get("dpi"))
        save(pdf, output)
        return Result([output], [], {"pages": len(pdf.pages)})


def _jpeg_as_is(pdf: object, path: Path, frame: object) -> tuple[object, tuple[int, int], int]:
    """Embed the JPEG file's bytes; turn the page to honour EXIF orientation."""
    import pikepdf

    data = path.read_bytes()
    mode = frame.mode  # type: ignore[attr-defined]
    width, height = frame.size  # type: ignore[attr-defined]
    colorspace = {"RGB": "/DeviceRGB", "L": "/DeviceGray", "CMYK": "/DeviceCMYK"}[mode]
    stream = pikepdf.Stream(pdf, data)  # type: ignore[arg-type]
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = width, height
    stream.ColorSpace = pikepdf.Name(colorspace)
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.DCTDecode
    if mode == "CMYK" and "adobe" in frame.info:  # type: ignore[attr-defined]
        stream.Decode = pikepdf.Array([1, 0, 1, 0, 1, 0, 1, 0])  # Adobe stores CMYK inverted
    orientation = frame.getexif().get(0x0112, 1)  # type: ignore[attr-defined]
    turn = {3: 180, 6: 90, 8: 270}.get(orientation, 0)
    return stream, (width, height), turn


def _lossless(pdf: object, image: object) -> tuple[object, tuple[int, int]]:
    import pikepdf

    img = image
    smask = None
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):  # type: ignore[attr-defined]
        img = img.convert("RGBA")  # type: ignore[attr-defined]
        alpha = img.getchannel("A")
        smask = pikepdf.Stream(pdf, zlib.compress(alpha.tobytes()))  # type: ignore[arg-type]
        smask.Type, smask.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        smask.Width, smask.Height = img.size
        smask.ColorSpace, smask.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        smask.Filter = pikepdf.Name.FlateDecode
        img = img.convert("RGB")
    elif img.mode in ("1", "L", "I;16", "I", "F"):  # type: ignore[attr-defined]
        img = img.convert("L")  # type: ignore[attr-defined]
    elif img.mode == "CMYK":  # type: ignore[attr-defined]
        pass
    else:
        img = img.convert("RGB")  # type: ignore[attr-defined]
    colorspace = {"RGB": "/DeviceRGB", "L": "/DeviceGray", "CMYK": "/DeviceCMYK"}[img.mode]
    stream = pikepdf.Stream(pdf, zlib.compress(img.tobytes(), 6))  # type: ignore[arg-type]
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = img.size
    stream.ColorSpace = pikepdf.Name(colorspace)
    stream.BitsPerComponent = 8
    stream.Filter = pikepdf.Name.FlateDecode
    if smask is not None:
        stream.SMask = smask
    return stream, img.size


def _add_page(
    pdf: object,
    xobject: object,
    size: tuple[int, int],
    turn: int,
    page_size: str,
    dpi: object,
) -> None:
    import pikepdf

    width, height = size
    try:
        x_dpi, y_dpi = (float(d) for d in dpi) if dpi else (72.0, 72.0)  # type: ignore[union-attr]
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
        Contents=pikepdf.Stream(pdf, content),  # type: ignore[arg-type]
    )
    pdf.pages.append(pikepdf.Page(page))  # type: ignore[attr-defined]


def pdf_to_images(
    source: Source,
    out_dir: Path,
    *,
    fmt: str = "png",
    dpi: int = 150,
    pages_spec: str = "",
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_pages: int | None = None,
) -> Result:
    """Render pages with pdfium. Each page's pixel count is capped: a huge page at a
    high DPI is rendered at the largest DPI that fits, not at any memory cost."""
    import pypdfium2 as pdfium

    if fmt not in ("png", "jpeg"):
        raise PdfError("bad_option", option="format", reason=N_("use png or jpeg"))
    if not 36 <= dpi <= 600:
        raise PdfError("bad_option", option="dpi", reason=N_("use a number from 36 to 600"))
    opened = open_pdf(source, max_pages=max_pages)  # our checks and messages first
    count = len(opened.pdf.pages)
    opened.pdf.close()
    chosen = ranges.parse(pages_spec, count) if pages_spec.strip() else list(range(count))
    document = pdfium.PdfDocument(str(source.path), password=source.password)
    stem = Path(source.name).stem or "page"
    width = len(str(count))
    outputs = []
    try:
        for index in chosen:
            page = document[index]
            w_pt, h_pt = page.get_size()
            scale = dpi / 72.0
            pixels = (w_pt * scale) * (h_pt * scale)
            if pixels > max_pixels:
                scale *= (max_pixels / pixels) ** 0.5
            bitmap = page.render(scale=scale, rev_byteorder=True)
            image = bitmap.to_pil()
            target = (
                out_dir / f"{stem}-page-{index + 1:0{width}d}.{'jpg' if fmt == 'jpeg' else 'png'}"
            )
            if fmt == "jpeg":
                image.convert("RGB").save(target, "JPEG", quality=90, dpi=(dpi, dpi))
            else:
                image.save(target, "PNG", dpi=(dpi, dpi))
            outputs.append(target)
            page.close()
    finally:
        document.close()
    return Result(outputs, [], {"files": len(outputs)})


def thumbnail(source: Source, index: int, *, width: int = 200) -> bytes:
    """One page as a small PNG for the visual organizer (one page rendered, not all)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source.path), password=source.password)
    try:
        page = document[index]
        w_pt, _h = page.get_size()
        bitmap = page.render(scale=width / max(w_pt, 1.0), rev_byteorder=True)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, "PNG", optimize=False)
        page.close()
        return buffer.getvalue()
    finally:
        document.close()
