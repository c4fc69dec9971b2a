"""Operations between PDFs and pictures: images to PDF, PDF to images, thumbnails."""

from __future__ import annotations

from app.api.declare import (
    IMAGES,
    JSON,
    ONE_PDF,
    PAGES,
    PASSWORD,
    PDF,
    ZIP,
    Context,
    FileOut,
    many_out,
    operation,
    output,
    pdf_out,
    source_of,
    stem,
)
from app.api.inputs import Field, Inputs
from app.pdf.core.document import Source
from app.pdf.render import DPI_RANGE


@operation(
    "images-to-pdf",
    "Turn images into a PDF, one page each (every frame of a TIFF, GIF or WebP)",
    [
        Field(
            "files",
            "files",
            "JPEG, PNG, TIFF, GIF or WebP images, in order.",
            required=True,
            accept=IMAGES,
        ),
        Field(
            "page_size",
            "string",
            "fit: each page the size of its image.",
            default="fit",
            enum=("fit", "a4", "letter"),
        ),
    ],
    (PDF,),
    suffix="",
)
def images_to_pdf(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.images import images_to_pdf as run

    sources: list[Source] = inputs["files"]
    result = run(sources, output(ctx), ctx.job, page_size=inputs["page_size"])
    return pdf_out(result, ctx, sources[0])


@operation(
    "pdf-to-images",
    "Turn pages into images (one image, or a zip)",
    [
        ONE_PDF,
        PASSWORD,
        PAGES,
        Field("format", "string", "Image format.", default="png", enum=("png", "jpeg")),
        Field(
            "dpi", "integer", "Resolution.", default=150, minimum=DPI_RANGE[0], maximum=DPI_RANGE[1]
        ),
    ],
    (ZIP, "image/png", "image/jpeg"),
)
def pdf_to_images(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.render import pdf_to_images as run

    source = source_of(inputs)
    fmt = inputs["format"]
    result = run(
        source,
        ctx.workspace.outputs,
        ctx.job,
        fmt=fmt,
        dpi=inputs["dpi"],
        pages_spec=inputs["pages"] or "",
    )
    kind = "image/jpeg" if fmt == "jpeg" else "image/png"
    return many_out(result, ctx, f"{stem(source)}-images.zip", kind)


@operation(
    "thumbnails",
    "Small images of every page, for the page organizer",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "width",
            "integer",
            "Thumbnail width in pixels.",
            default=160,
            minimum=40,
            maximum=400,
        ),
    ],
    (JSON,),
)
def thumbnails(inputs: Inputs, ctx: Context) -> dict:
    """One request carries the file and returns all thumbnails, so the server keeps no
    state between requests (any replica can answer the next one)."""
    from app.pdf.render import thumbnails as run

    return run(source_of(inputs), ctx.job, width=inputs["width"])


@operation(
    "preview",
    "Page count and a picture of one page (the first unless asked), for a list of chosen"
    " files and for placing things on a page",
    [
        ONE_PDF,
        PASSWORD,
        Field("width", "integer", "Picture width in pixels.", default=96, minimum=40, maximum=1000),
        Field("page", "integer", "Which page, from 1.", default=1, minimum=1),
        Field(
            "count",
            "integer",
            "How many pages from that one (a result's first pages); ``images`` holds them.",
            default=1,
            minimum=1,
            maximum=12,
        ),
    ],
    (JSON,),
)
def preview(inputs: Inputs, ctx: Context) -> dict:
    from app.pdf.render import preview as run

    return run(
        source_of(inputs),
        ctx.job,
        width=inputs["width"],
        page=inputs["page"],
        count=inputs["count"],
    )
