"""Pages as pictures, with pdfium: PDF to images, and the organizer's thumbnails.

pdfium is not thread-safe, not even across different documents, and waitress
serves requests from several threads. Every call into it goes through
:data:`PDFIUM` (one process-wide lock), held for one page at a time so that
two requests take turns instead of one waiting for the other's whole file.
Encoding the PNG or JPEG happens outside the lock.

Every render is checked before pdfium allocates its bitmap: at most the job's
pixel budget and :data:`~app.pdf.core.job.MAX_RENDER_SIDE` a side; a page that
would be larger is a clear error that names the limit. Streams and images
are checked for decompression bombs when the document is opened.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from app.pdf.core import ranges
from app.pdf.core.document import Result, Source, mend_page_count, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import MAX_RENDER_SIDE, Job

PDFIUM = threading.RLock()
DPI_RANGE = (36, 600)
THUMBNAIL_TALLEST = 4  # a thumbnail is at most this many times as tall as it is wide


@contextmanager
def open_rendering(
    source: Source, pages: int | None = None, *, repair: bool = False
) -> Iterator[Any]:
    """A pdfium document, opened and closed under the lock.

    qpdf repairs damage pdfium gives up on (a truncated file, a broken
    cross-reference table, a page tree whose ``/Count`` is wrong, which pdfium
    believes). Such a file was accepted when it was opened with qpdf, so it is
    rendered from qpdf's repaired copy, made in the request's private folder and
    removed afterwards, rather than failing halfway: when pdfium cannot open it,
    when it finds another number of pages than qpdf's ``pages``, or on ``repair``.
    """
    import pypdfium2 as pdfium

    repaired: Path | None = None
    document = None
    if not repair:
        try:
            with PDFIUM:
                document = pdfium.PdfDocument(str(source.path), password=source.password)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) == PDFIUM_PASSWORD_ERROR:
                raise PdfError(
                    "wrong_password" if source.password else "password_required",
                    name=source.name,
                ) from None
        if document is not None and pages is not None and len(document) != pages:
            with PDFIUM:
                document.close()
            document = None
    if document is None:
        repaired = _repaired_copy(source)
        try:
            with PDFIUM:
                document = pdfium.PdfDocument(str(repaired))
        except pdfium.PdfiumError:
            repaired.unlink(missing_ok=True)
            raise PdfError("damaged_pdf", name=source.name) from None
    try:
        yield document
    finally:
        with PDFIUM:
            document.close()
        if repaired is not None:
            repaired.unlink(missing_ok=True)


@contextmanager
def page_renderer(source: Source, pages: int) -> Iterator[Callable[..., Any]]:
    """:func:`render_page` for one document, taking qpdf's repaired reading instead
    once pdfium cannot load a page of the file itself (a kid that says it is a page
    tree, say). A page that fails in the repair too is ``page_unreadable``."""
    with ExitStack() as stack:
        document = stack.enter_context(open_rendering(source, pages))
        repaired = False

        def render(index: int, scale: float, job: Job, **fit: int) -> Any:
            nonlocal document, repaired
            try:
                return render_page(document, index, scale, job, **fit)
            except PdfError as exc:
                if exc.code != "page_unreadable" or repaired:
                    raise
            repaired = True
            document = stack.enter_context(open_rendering(source, pages, repair=True))
            return render_page(document, index, scale, job, **fit)

        yield render


PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD


def _repaired_copy(source: Source) -> Path:
    """qpdf's reading of the file, saved unencrypted beside it (a private folder)."""
    import pikepdf

    copy = source.path.with_name(source.path.name + "-for-rendering.pdf")
    try:
        with pikepdf.open(source.path, password=source.password or "") as pdf:
            mend_page_count(pdf, len(pdf.pages))
            pdf.save(copy)
    except (pikepdf.PdfError, OSError) as exc:
        copy.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            raise
        raise PdfError("damaged_pdf", name=source.name) from None
    return copy


def refuse_too_large(width: int, height: int, index: int, job: Job) -> None:
    """Refuse a picture of page ``index`` past the job's pixel budget or side limit."""
    if width * height > job.max_render_pixels or max(width, height) > MAX_RENDER_SIDE:
        raise PdfError(
            "render_too_large",
            page=index + 1,
            width=width,
            height=height,
            limit=job.max_render_pixels // 1_000_000,
            side=MAX_RENDER_SIDE,
        )


def render_page(
    document: Any,
    index: int,
    scale_x: float,
    job: Job,
    fit_height: int = 0,
    *,
    fit_width: int = 0,
) -> Any:
    """Render page ``index`` at ``scale_x`` (pixels per point); return a PIL image.

    ``fit_width``: instead, scale so the page as shown is this wide (previews).
    ``fit_height``: shrink further so the image is at most this tall (thumbnails).
    A page pdfium cannot load is ``page_unreadable``.
    """
    import pypdfium2 as pdfium

    with PDFIUM:
        try:
            page = document[index]
        except pdfium.PdfiumError:
            raise PdfError("page_unreadable", page=index + 1) from None
        try:
            w_pt, h_pt = page.get_size()
            scale = fit_width / max(w_pt, 1.0) if fit_width else scale_x
            if fit_height and h_pt * scale > fit_height:
                scale = fit_height / max(h_pt, 1.0)
            width, height = round(w_pt * scale), round(h_pt * scale)
            refuse_too_large(width, height, index, job)
            bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
            image = bitmap.to_pil()
            bitmap.close()
            return image
        finally:
            page.close()


def pdf_to_images(
    source: Source,
    out_dir: Path,
    job: Job,
    *,
    fmt: str = "png",
    dpi: int = 150,
    pages_spec: str = "",
) -> Result:
    """Render the chosen pages at ``dpi``; one image file per page."""
    if fmt not in ("png", "jpeg"):
        raise PdfError("bad_option", option="format", reason=N_("use png or jpeg"))
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise PdfError("bad_option", option="dpi", reason=N_("use a number from 36 to 600"))
    opened = open_pdf(source, job, decodes=True)  # our checks and messages first
    count = len(opened.pdf.pages)
    opened.pdf.close()
    chosen = ranges.parse(pages_spec, count) if pages_spec.strip() else list(range(count))
    job.files_out(len(chosen))
    stem = Path(source.name).stem or "page"
    width = len(str(count))
    suffix = "jpg" if fmt == "jpeg" else "png"
    outputs: list[Path] = []
    names: list[str] = []
    with page_renderer(source, count) as render:
        for done, index in enumerate(chosen):
            job.step(done, len(chosen))
            image = render(index, dpi / 72.0, job)
            target = out_dir / f"image-{len(outputs) + 1:05d}.{suffix}"
            if fmt == "jpeg":
                image.convert("RGB").save(target, "JPEG", quality=90, dpi=(dpi, dpi))
            else:
                image.save(target, "PNG", dpi=(dpi, dpi))
            image.close()
            outputs.append(target)
            name = f"{stem}-page-{index + 1:0{width}d}.{suffix}"
            names.append(name if name not in names else f"{Path(name).stem}-{len(names)}.{suffix}")
    return Result(outputs, [], {"files": len(outputs)}, names=names)


def thumbnails(source: Source, job: Job, *, width: int = 160) -> dict[str, Any]:
    """Every page as a small PNG with its size and rotation, for the page organizer.

    The document is opened once per request (by qpdf for the facts, by pdfium
    for the pictures), and work stops between pages when nobody waits.
    """
    doc = open_pdf(source, job, decodes=True)
    with doc.pdf:
        pages: list[dict[str, Any]] = []  # JSON for the organizer
        for index, page in enumerate(doc.pdf.pages):
            box = page.mediabox
            pages.append(
                {
                    "index": index,
                    "width": float(box[2]) - float(box[0]),
                    "height": float(box[3]) - float(box[1]),
                    "rotation": int(page.obj.get("/Rotate", 0)) % 360,
                }
            )
    unreadable: list[int] = []
    with page_renderer(source, len(pages)) as render:
        for entry in pages:
            job.step(entry["index"], len(pages))
            w_pt = max(entry["width"], 1.0)
            try:
                image = render(
                    entry["index"], width / w_pt, job, fit_height=width * THUMBNAIL_TALLEST
                )
            except PdfError as exc:
                if exc.code != "page_unreadable":
                    raise
                # The organizer can still move or delete this page: show an empty sheet.
                image = _blank(width, entry["height"] * width / w_pt)
                entry["unreadable"] = True
                unreadable.append(entry["index"] + 1)
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=False)
            image.close()
            entry["image"] = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"pages": pages, "count": len(pages), "unreadable": unreadable}


def _blank(width: int, height: float) -> Any:
    from PIL import Image

    tall = min(max(round(height), 1), width * THUMBNAIL_TALLEST)
    return Image.new("RGB", (width, tall), (235, 235, 235))


def preview(
    source: Source, job: Job, *, width: int = 96, page: int = 1, count: int = 1
) -> dict[str, Any]:
    """Page count and ``count`` pages from ``page`` (as shown: crop box, rotation) as
    PNGs ``width`` wide: one request gives a result's first pages and its page count."""
    doc = open_pdf(source, job, decodes=True)
    with doc.pdf:
        total = len(doc.pdf.pages)
        encrypted = bool(doc.pdf.is_encrypted)
        if not 1 <= page <= total:
            raise PdfError("page_out_of_range", page=page, count=total)
    images = []
    with page_renderer(source, total) as render:  # as shown: rotation applied
        for index in range(page - 1, min(total, page - 1 + count)):
            job.check()
            image = render(index, 1.0, job, fit_width=width, fit_height=width * THUMBNAIL_TALLEST)
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            image.close()
            images.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    return {
        "pages": total,
        "page": page,
        "image": images[0],
        "images": images,
        "encrypted": encrypted,  # a password or restrictions: what unlock removes
    }
