"""Finishing a document: crop, flatten, repair."""

from __future__ import annotations

import json
from urllib.parse import quote

from app.api.declare import (
    JSON,
    ONE_PDF,
    PAGES,
    PASSWORD,
    PDF,
    Context,
    FileOut,
    on_one,
    operation,
    output,
    pdf_out,
    source_of,
)
from app.api.inputs import Field, Inputs
from app.pdf.crop import EDGES, MAX_MARGIN


def _margin(edge: str) -> Field:
    return Field(
        edge,
        "number",
        f"Fraction of the page to cut away at the {edge}, as the page is shown"
        " (0 to 0.98; opposite margins leave at least 0.02 of the page).",
        default=0.0,
        minimum=0.0,
        maximum=MAX_MARGIN,
    )


@operation(
    "crop",
    "Crop pages: set their crop box (nothing under it is removed)",
    [
        ONE_PDF,
        PASSWORD,
        PAGES,
        Field(
            "mode",
            "string",
            "margins: cut away the fractions given; auto: trim white margins.",
            default="margins",
            enum=("margins", "auto"),
        ),
        *(_margin(edge) for edge in ("left", "right", "top", "bottom")),
    ],
    (PDF,),
    suffix="cropped",
)
def crop(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.crop import crop as run

    source = source_of(inputs)
    result = run(
        source,
        output(ctx),
        ctx.job,
        margins={edge: inputs[edge] for edge in EDGES},
        auto=inputs["mode"] == "auto",
        pages_spec=inputs["pages"] or "",
    )
    return pdf_out(result, ctx, source)


@operation(
    "flatten",
    "Burn form fields and annotations into the pages (links stay links)",
    [ONE_PDF, PASSWORD],
    (PDF,),
    suffix="flattened",
)
def flatten(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.flatten import flatten as run

    return on_one(inputs, ctx, run)


@operation(
    "repair",
    "Rebuild a damaged PDF's cross-reference table and page tree. X-Sheaf-Report: what"
    " was fixed, as percent-encoded JSON {repaired, problems, details, pages}.",
    [ONE_PDF, PASSWORD],
    (PDF,),
    suffix="repaired",
)
def repair(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.repair import repair as run

    source = source_of(inputs)
    result = run(source, output(ctx), ctx.job)
    out = pdf_out(result, ctx, source)
    out.headers["X-Sheaf-Report"] = quote(json.dumps(result.info, ensure_ascii=False), safe="")
    return out


REDACT_TEXT = Field(
    "text",
    "string",
    "Text to remove wherever it occurs: any case, spacing between letters ignored, in the"
    " pages, their comments and form fields, and everything else the file holds.",
    max_length=500,
)


@operation(
    "redact",
    "Remove text and areas for good: each page with a redaction becomes an image with the"
    " redacted parts black (other pages keep their text); the text is also removed from"
    " every string and stream of the file. X-Sheaf-Report: percent-encoded JSON {pages,"
    " found, where, removed, hidden}: the pages now images, occurrences drawn on pages, the"
    " parts of the document the text was found in, each thing removed whole ({kind, name}),"
    " and whether hidden information was removed.",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "areas",
            "string",
            'Areas to remove: a JSON list like [{"page": 1, "x": 0.1, "y": 0.2, "width": 0.3,'
            ' "height": 0.05}], fractions of the page as shown, from its top-left corner.',
            max_length=100_000,
        ),
        REDACT_TEXT,
        Field(
            "dpi",
            "integer",
            "Resolution of the pages that become images.",
            default=150,
            minimum=72,
            maximum=300,
        ),
        Field(
            "remove_hidden",
            "boolean",
            "Also remove hidden information: attachments, JavaScript, XFA form data, private"
            " application data, thumbnails, hidden layers and metadata (document details and"
            " XMP). When not given: on for text redaction, off for areas alone.",
        ),
    ],
    (PDF,),
    suffix="redacted",
)
def redact(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.redact import areas_from_json
    from app.pdf.redact import redact as run

    source = source_of(inputs)
    result = run(
        source,
        output(ctx),
        ctx.job,
        areas=areas_from_json(inputs["areas"]) if inputs["areas"] else [],
        text=inputs["text"] or "",
        dpi=inputs["dpi"],
        hidden=inputs["remove_hidden"],
    )
    out = pdf_out(result, ctx, source)
    out.headers["X-Sheaf-Report"] = quote(json.dumps(result.info), safe="")
    return out


@operation(
    "redact/matches",
    "Find where a text shows, as redact would find it, without changing anything: JSON"
    " {found, pages: [{page, found, boxes: [{x, y, width, height, match}]}]}, boxes as"
    " fractions of the page as shown from its top-left corner (the form the areas field of"
    " redact takes); match numbers the occurrences on the page from 0 (one that wraps onto"
    " another line has a box on each). To keep some occurrences, send redact the boxes of"
    " the others as areas, without text: only those places are removed.",
    [
        ONE_PDF,
        PASSWORD,
        Field("text", "string", "Text to find.", required=True, max_length=500),
    ],
    (JSON,),
)
def redact_matches(inputs: Inputs, ctx: Context) -> dict:
    from app.pdf.redact import find_matches

    return find_matches(
        source_of(inputs), ctx.workspace.outputs, ctx.job, text=inputs["text"] or ""
    )
