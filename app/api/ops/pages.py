"""Operations on pages: merge, split, organize, select, remove, rotate."""

from __future__ import annotations

from flask_babel import gettext as _

from app.api.declare import (
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
from app.api.inputs import Field, InputError, Inputs
from app.pdf import pages
from app.pdf.core.document import Source


@operation(
    "merge",
    "Merge PDFs in the given order (the first file's details and protection are kept)",
    [
        Field("files", "files", "PDFs to merge, in order.", required=True),
        Field(
            "passwords",
            "password",
            "Passwords for protected files, one per line, in the same order as the files.",
            max_length=10000,
        ),
    ],
    (PDF,),
    suffix="merged",
)
def merge(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.merge import merge as run

    sources: list[Source] = inputs["files"]
    passwords = (inputs.values.get("passwords") or "").split("\n")
    for source, password in zip(sources, passwords, strict=False):
        source.password = password or None
    result = run(sources, output(ctx), ctx.job)
    return pdf_out(result, ctx, sources[0])


@operation(
    "split",
    "Split a PDF into several files (a zip)",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "mode", "string", "How to split.", default="single", enum=("single", "every", "ranges")
        ),
        Field(
            "every",
            "integer",
            "Pages per file when mode is every.",
            default=2,
            minimum=1,
            maximum=100000,
        ),
        Field("ranges", "string", "Comma-separated ranges, one file each, when mode is ranges."),
    ],
    (ZIP, PDF),
)
def split(inputs: Inputs, ctx: Context) -> FileOut:
    source = source_of(inputs)
    mode = inputs["mode"]
    if mode == "ranges" and not (inputs["ranges"] or "").strip():
        raise InputError(
            "missing_field", _("Please fill in “%(field)s”.", field="ranges"), "ranges"
        )
    result = pages.split(
        source,
        ctx.workspace.outputs,
        ctx.job,
        ranges_spec=inputs["ranges"] if mode == "ranges" else None,
        every=inputs["every"] if mode == "every" else 1,
    )
    return many_out(result, ctx, f"{stem(source)}-split.zip", PDF)


def _numbers(text: str, name: str, limit: int) -> list[int]:
    parts = [part for part in text.replace(" ", "").split(",") if part != ""]
    if len(parts) > limit:
        from app.pdf.core.errors import PdfError

        raise PdfError("too_many_pages", count=len(parts), limit=limit)
    try:
        return [int(part) for part in parts]
    except ValueError:
        raise InputError(
            "bad_field", _("“%(field)s” must be a list of whole numbers.", field=name), name
        ) from None


@operation(
    "organize",
    "Reorder, remove and rotate pages",
    [
        ONE_PDF,
        PASSWORD,
        Field(
            "order",
            "string",
            "Pages to keep, 1-based, in their new order: 3,1,2.",
            required=True,
            max_length=100000,
        ),
        Field(
            "rotations",
            "string",
            "Extra clockwise turn per kept page (0, 90, 180, 270).",
            max_length=100000,
        ),
    ],
    (PDF,),
    suffix="organized",
)
def organize(inputs: Inputs, ctx: Context) -> FileOut:
    source = source_of(inputs)
    order = _numbers(inputs["order"], "order", ctx.job.max_pages)
    turns = (
        _numbers(inputs["rotations"], "rotations", ctx.job.max_pages) if inputs["rotations"] else []
    )
    if turns and len(turns) != len(order):
        raise InputError(
            "bad_field", _("“%(field)s” needs one number per page.", field="rotations"), "rotations"
        )
    result = pages.organize(
        source,
        output(ctx),
        ctx.job,
        order=[n - 1 for n in order],
        rotations={i: t for i, t in enumerate(turns) if t},
    )
    return pdf_out(result, ctx, source)


@operation(
    "select",
    "Keep only some pages",
    [
        ONE_PDF,
        PASSWORD,
        Field("pages", "string", "Pages to keep: 1-3,5,8- or last.", required=True),
    ],
    (PDF,),
    suffix="pages",
)
def select(inputs: Inputs, ctx: Context) -> FileOut:
    source = source_of(inputs)
    result = pages.select(source, output(ctx), inputs["pages"], ctx.job)
    return pdf_out(result, ctx, source)


@operation(
    "remove",
    "Remove pages",
    [
        ONE_PDF,
        PASSWORD,
        Field("pages", "string", "Pages to remove: 1-3,5,8- or last.", required=True),
    ],
    (PDF,),
    suffix="without-pages",
)
def remove(inputs: Inputs, ctx: Context) -> FileOut:
    source = source_of(inputs)
    result = pages.remove(source, output(ctx), inputs["pages"], ctx.job)
    return pdf_out(result, ctx, source)


@operation(
    "rotate",
    "Rotate pages",
    [
        ONE_PDF,
        PASSWORD,
        PAGES,
        Field(
            "angle",
            "string",
            "Clockwise turn in degrees.",
            default="90",
            enum=("90", "180", "270"),
        ),
    ],
    (PDF,),
    suffix="rotated",
)
def rotate(inputs: Inputs, ctx: Context) -> FileOut:
    source = source_of(inputs)
    result = pages.rotate(
        source,
        output(ctx),
        int(inputs["angle"]),
        inputs["pages"] or "",
        ctx.job,
    )
    return pdf_out(result, ctx, source)
