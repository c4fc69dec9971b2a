"""Operations on a whole document: compress, protect, unlock, and its details."""

from __future__ import annotations

import json

from app.api.declare import (
    JSON,
    ONE_PDF,
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
from app.pdf.compress import ALIASES, DEFAULT, LEVELS


def _level_help() -> str:
    lines = [f"{lv.name}: {lv.description}" for lv in LEVELS.values()]
    old = ", ".join(f"{old} = {new}" for old, new in ALIASES.items())
    return " ".join(lines) + f" Older names still accepted: {old}."


@operation(
    "compress",
    "Make a PDF smaller: fonts trimmed to the letters used, duplicates merged, pictures"
    " resampled for the size they are drawn at. Never bigger: if nothing could be made"
    " smaller, the file comes back unchanged (X-Sheaf-Report says so). X-Sheaf-Report:"
    " percent-encoded JSON {size_before, size_after, percent_smaller, unchanged, level,"
    " dpi, images_changed, fonts_subset, duplicates_merged}; X-Sheaf-Summary: the same in"
    " words, in the person's language.",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "level",
            "string",
            _level_help(),
            default=DEFAULT,
            enum=tuple(LEVELS),
            also=tuple(ALIASES),
        ),
        Field(
            "target_mb",
            "number",
            "Make it at most this many megabytes (1 MB = 1,000,000 bytes): Sheaf picks the"
            " least lossy level that gets there, or answers 422 target_unreachable with the"
            " smallest size it can reach. Overrides level.",
            minimum=0.01,
            maximum=100_000,
        ),
    ],
    (PDF,),
    suffix="compressed",
)
def compress(inputs: Inputs, ctx: Context) -> FileOut:
    from urllib.parse import quote

    from app.api.compress_words import summary
    from app.pdf.compress import compress as run

    source = source_of(inputs)
    target = inputs["target_mb"]
    result = run(
        source,
        output(ctx),
        ctx.job,
        level=inputs["level"],
        target_bytes=round(target * 1_000_000) if target is not None else None,
    )
    out = pdf_out(result, ctx, source)
    out.headers["X-Sheaf-Size-Before"] = str(result.info["size_before"])
    out.headers["X-Sheaf-Size-After"] = str(result.info["size_after"])
    out.headers["X-Sheaf-Report"] = quote(json.dumps(result.info), safe="")
    out.headers["X-Sheaf-Summary"] = quote(summary(result.info), safe="")
    return out


@operation(
    "protect",
    "Protect a PDF with a password (AES-256)",
    [
        ONE_PDF,
        Field(
            "new_password",
            "password",
            "Password needed to open the PDF.",
            required=True,
            max_length=256,
        ),
        Field(
            "owner_password",
            "password",
            "Password for changing permissions (default: the same).",
            max_length=256,
        ),
        Field(
            "current_password", "password", "The file's current password, if any.", max_length=256
        ),
        Field("allow_print", "boolean", "Allow printing.", default=True),
        Field("allow_copy", "boolean", "Allow copying text and images.", default=True),
        Field("allow_modify", "boolean", "Allow changes.", default=True),
    ],
    (PDF,),
    suffix="protected",
)
def protect(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.encryption import protect as run

    source = source_of(inputs, "current_password")
    result = run(
        source,
        output(ctx),
        ctx.job,
        user_password=inputs["new_password"],
        owner_password=inputs["owner_password"],
        allow_print=inputs["allow_print"],
        allow_copy=inputs["allow_copy"],
        allow_modify=inputs["allow_modify"],
    )
    return pdf_out(result, ctx, source)


@operation(
    "unlock",
    "Remove the password from a PDF",
    [ONE_PDF, Field("password", "password", "The PDF's password.", required=True, max_length=256)],
    (PDF,),
    suffix="unlocked",
)
def unlock(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.encryption import unlock as run

    return on_one(inputs, ctx, run)


@operation("metadata", "Read title, author, subject and keywords", [ONE_PDF, PASSWORD], (JSON,))
def metadata_read(inputs: Inputs, ctx: Context) -> dict:
    from app.pdf.metadata import read

    return read(source_of(inputs), ctx.job)


@operation(
    "metadata/edit",
    "Set title, author, subject and keywords. A field not sent stays as it is; a field"
    " sent empty is cleared. Creator, Producer and CreationDate never change; ModDate"
    " becomes now.",
    [
        ONE_PDF,
        PASSWORD,
        Field("title", "string", "Title (sent empty: cleared; not sent: kept).", empty=True),
        Field("author", "string", "Author.", empty=True),
        Field("subject", "string", "Subject.", empty=True),
        Field("keywords", "string", "Keywords.", empty=True),
    ],
    (PDF,),
    suffix="edited",
)
def metadata_write(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.metadata import FIELDS, write

    source = source_of(inputs)
    values = {k: inputs[k] for k in FIELDS if inputs[k] is not None}
    result = write(source, output(ctx), ctx.job, values=values)
    return pdf_out(result, ctx, source)


@operation("metadata/strip", "Remove all metadata", [ONE_PDF, PASSWORD], (PDF,), suffix="cleaned")
def metadata_strip(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.metadata import strip

    return on_one(inputs, ctx, strip)
