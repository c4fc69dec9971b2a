"""Adding to pages: page numbers, watermarks, signatures."""

from __future__ import annotations

from app.api.declare import (
    ONE_PDF,
    PAGES,
    PASSWORD,
    PDF,
    Context,
    FileOut,
    operation,
    output,
    pdf_out,
    source_of,
)
from app.api.inputs import Field, Inputs
from app.pdf.handwriting import HANDWRITING as SIGNATURE_FONTS
from app.pdf.stamps import LAYERS, POSITIONS

STAMP_IMAGE = ("image/png", "image/jpeg")


@operation(
    "page-numbers",
    "Number pages with real text (any language), at a corner or the middle of an edge",
    [
        ONE_PDF,
        PASSWORD,
        PAGES,
        Field(
            "position",
            "string",
            "Where the number goes on each page, as the page is shown.",
            default="bottom-center",
            enum=POSITIONS,
        ),
        Field(
            "format",
            "string",
            "The text of each number: {n} is the number, {total} the last number,"
            " e.g. 'Page {n} of {total}' or '第 {n} 页，共 {total} 页'.",
            default="{n}",
            max_length=200,
        ),
        Field(
            "start",
            "integer",
            "The first page's number.",
            default=1,
            minimum=0,
            maximum=1_000_000,
        ),
        Field("size", "number", "Text size in points.", default=10.0, minimum=4.0, maximum=144.0),
        Field(
            "margin",
            "number",
            "Distance from the page's edges in points.",
            default=28.0,
            minimum=0.0,
            maximum=300.0,
        ),
    ],
    (PDF,),
    suffix="numbered",
)
def page_numbers(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.stamps import page_numbers as run

    source = source_of(inputs)
    result = run(
        source,
        output(ctx),
        ctx.job,
        pages_spec=inputs["pages"] or "",
        position=inputs["position"],
        fmt=inputs["format"],
        start=inputs["start"],
        size=inputs["size"],
        margin=inputs["margin"],
    )
    return pdf_out(result, ctx, source)


@operation(
    "watermark",
    "Stamp text or a picture across the middle of pages, over or under their content",
    [
        ONE_PDF,
        PASSWORD,
        Field("text", "string", "The watermark's text (or send an image).", max_length=500),
        Field(
            "image",
            "file",
            "A PNG (transparency kept) or JPEG to use instead of text.",
            accept=STAMP_IMAGE,
        ),
        Field("opacity", "number", "0 invisible to 1 solid.", default=0.3, minimum=0, maximum=1),
        Field(
            "angle",
            "number",
            "Degrees anticlockwise from horizontal.",
            default=45.0,
            minimum=-360.0,
            maximum=360.0,
        ),
        Field(
            "size",
            "number",
            "Text size, or the image's width, in points; 0 fits it to each page.",
            default=0.0,
            minimum=0.0,
            maximum=2000.0,
        ),
        PAGES,
        Field(
            "layer",
            "string",
            "over: on top of the page; under: behind text and pictures.",
            default="over",
            enum=LAYERS,
        ),
    ],
    (PDF,),
    suffix="watermarked",
)
def watermark(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.stamps import watermark as run

    source = source_of(inputs)
    result = run(
        source,
        output(ctx),
        ctx.job,
        text=inputs["text"] or "",
        image=inputs["image"],
        opacity=inputs["opacity"],
        angle=inputs["angle"],
        size=inputs["size"],
        pages_spec=inputs["pages"] or "",
        layer=inputs["layer"],
    )
    return pdf_out(result, ctx, source)


def _fraction(name: str, description: str, default: float) -> Field:
    return Field(name, "number", description, default=default, minimum=0.0, maximum=1.0)


@operation(
    "sign",
    "Draw a signature (a picture, or a typed name in a handwriting font) into the page content"
    " where it is placed",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "image",
            "file",
            "The signature as a PNG with transparency, or a JPEG.",
            accept=STAMP_IMAGE,
        ),
        Field("text", "string", "A typed signature, used when no image is sent.", max_length=200),
        Field(
            "font",
            "string",
            "The handwriting a typed signature is written in (letters it lacks, such as"
            " Chinese, come from Sheaf's other fonts).",
            default=next(iter(SIGNATURE_FONTS)),
            enum=tuple(SIGNATURE_FONTS),
        ),
        Field("page", "integer", "The page to sign, from 1 (default: the last page).", minimum=1),
        _fraction("x", "Left edge, as a fraction of the page width from the left.", 0.55),
        Field(
            "y",
            "number",
            "Top edge, as a fraction of the page height from the top (default: 0.8, or"
            " higher if the signature would not fit below it).",
            minimum=0.0,
            maximum=1.0,
        ),
        _fraction("width", "Width, as a fraction of the page width.", 0.3),
        Field(
            "placements",
            "string",
            'Several places at once, instead of page/x/y/width: a JSON list like [{"page": 1,'
            ' "x": 0.6, "y": 0.8, "width": 0.3}] (page may be "last").',
            max_length=20_000,
        ),
    ],
    (PDF,),
    suffix="signed",
)
def sign(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.sign import Placement, placements_from_json
    from app.pdf.sign import sign as run

    source = source_of(inputs)
    if inputs["placements"]:
        places = placements_from_json(inputs["placements"])
    else:
        places = [Placement(inputs["page"], inputs["x"], inputs["y"], inputs["width"])]
    result = run(
        source,
        output(ctx),
        ctx.job,
        placements=places,
        image=inputs["image"],
        text=inputs["text"] or "",
        font=inputs["font"],
    )
    return pdf_out(result, ctx, source)
