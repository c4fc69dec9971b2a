"""Operations on a whole document: compress, protect, unlock, and its details."""

from __future__ import annotations

from app.api.declare import (
    JSON,
    ONE_PDF,
    PASSWORD,
    PDF,
    Context,
    FileOut,
    one,
    operation,
    pdf_out,
    stem,
)
from app.api.inputs import Field, Inputs
from app.pdf.compress import LEVELS


@operation(
    "compress",
    "Make a PDF smaller",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "level",
            "string",
            "lossless keeps every pixel; low, medium and high resample images more and more.",
            default="medium",  # people come to make a file smaller: the balanced level
            enum=tuple(LEVELS),
        ),
    ],
    (PDF,),
)
def compress(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.compress import compress as run

    source = one(inputs)
    result = run(source, ctx.workspace.outputs / "compressed.pdf", ctx.job, level=inputs["level"])
    out = pdf_out(result, f"{stem(source)}-compressed.pdf")
    out.headers["X-Sheaf-Size-Before"] = str(result.info["size_before"])
    out.headers["X-Sheaf-Size-After"] = str(result.info["size_after"])
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
)
def protect(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.encryption import protect as run

    source = one(inputs, "current_password")
    result = run(
        source,
        ctx.workspace.outputs / "protected.pdf",
        ctx.job,
        user_password=inputs["new_password"],
        owner_password=inputs["owner_password"],
        allow_print=inputs["allow_print"],
        allow_copy=inputs["allow_copy"],
        allow_modify=inputs["allow_modify"],
    )
    return pdf_out(result, f"{stem(source)}-protected.pdf")


@operation(
    "unlock",
    "Remove the password from a PDF",
    [ONE_PDF, Field("password", "password", "The PDF's password.", required=True, max_length=256)],
    (PDF,),
)
def unlock(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.encryption import unlock as run

    source = one(inputs)
    result = run(source, ctx.workspace.outputs / "unlocked.pdf", ctx.job)
    return pdf_out(result, f"{stem(source)}-unlocked.pdf")


@operation("metadata", "Read title, author, subject and keywords", [ONE_PDF, PASSWORD], (JSON,))
def metadata_read(inputs: Inputs, ctx: Context) -> dict:
    from app.pdf.metadata import read

    return read(one(inputs), ctx.job)


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
)
def metadata_write(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.metadata import FIELDS, write

    source = one(inputs)
    values = {k: inputs[k] for k in FIELDS if inputs[k] is not None}
    result = write(source, ctx.workspace.outputs / "metadata.pdf", ctx.job, values=values)
    return pdf_out(result, f"{stem(source)}-edited.pdf")


@operation("metadata/strip", "Remove all metadata", [ONE_PDF, PASSWORD], (PDF,))
def metadata_strip(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.metadata import strip

    source = one(inputs)
    result = strip(source, ctx.workspace.outputs / "stripped.pdf", ctx.job)
    return pdf_out(result, f"{stem(source)}-cleaned.pdf")
