"""Every API operation, declared once: path, fields, what it returns, and the work.

Handlers are thin: they turn validated inputs into a call to :mod:`app.pdf`
and name the result. Heavy libraries load inside :mod:`app.pdf` on first use.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.api.inputs import Field, InputError, Inputs
from app.pdf.document import Source

PDF = "application/pdf"
ZIP = "application/zip"
JSON = "application/json"
IMAGES = ("image/jpeg", "image/png", "image/tiff", "image/webp")


@dataclass
class FileOut:
    path: Path
    mimetype: str
    download_name: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    workspace: Any
    max_pages: int
    max_pixels: int


Handler = Callable[[Inputs, Context], "FileOut | dict"]


@dataclass(frozen=True)
class Operation:
    name: str
    summary: str
    fields: list[Field]
    produces: tuple[str, ...]
    handler: Handler


PASSWORD = Field(
    "password", "password", "Password to open the PDF, if it is protected.", max_length=256
)
ONE_PDF = Field("file", "file", "The PDF to work on.", required=True)
PAGES = Field("pages", "string", "Page range like 1-3,5,8- or last (empty = all pages).")


def _one(inputs: Inputs) -> Source:
    source: Source = inputs["file"]
    source.password = inputs.values.get("password")
    return source


def _stem(source: Source) -> str:
    return Path(source.name).stem or "document"


def _repaired(result: Any) -> dict[str, str]:
    return {"X-Sheaf-Repaired": ", ".join(result.repaired)} if result.repaired else {}


def _pdf(result: Any, name: str) -> FileOut:
    return FileOut(result.outputs[0], PDF, name, _repaired(result))


def _many(result: Any, ctx: Context, zip_name: str, single_type: str) -> FileOut:
    from app.pdf.pages import zip_files

    outputs = result.outputs
    if len(outputs) == 1:
        return FileOut(outputs[0], single_type, outputs[0].name, _repaired(result))
    archive = zip_files(outputs, ctx.workspace.outputs / "result.zip")
    return FileOut(archive, ZIP, zip_name, _repaired(result))


# -- handlers ---------------------------------------------------------------------------


def merge(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.merge import merge as run

    sources: list[Source] = inputs["files"]
    passwords = (inputs.values.get("passwords") or "").split("\n")
    for source, password in zip(sources, passwords, strict=False):
        source.password = password or None
    result = run(sources, ctx.workspace.outputs / "merged.pdf", max_pages=ctx.max_pages)
    return _pdf(result, f"{_stem(sources[0])}-merged.pdf")


def split(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.pages import split as run

    source = _one(inputs)
    mode = inputs["mode"]
    if mode == "ranges" and not (inputs["ranges"] or "").strip():
        from flask_babel import gettext as _

        raise InputError("missing_field", _("Please fill in “%(field)s”.", field="ranges"))
    result = run(
        source,
        ctx.workspace.outputs,
        ranges_spec=inputs["ranges"] if mode == "ranges" else None,
        every=inputs["every"] if mode == "every" else 1,
        max_pages=ctx.max_pages,
    )
    return _many(result, ctx, f"{_stem(source)}-split.zip", PDF)


def organize(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.pages import organize as run

    source = _one(inputs)
    order = _numbers(inputs["order"], "order")
    turns = _numbers(inputs["rotations"], "rotations") if inputs["rotations"] else []
    if turns and len(turns) != len(order):
        from flask_babel import gettext as _

        raise InputError(
            "bad_field", _("“%(field)s” needs one number per page.", field="rotations")
        )
    result = run(
        source,
        ctx.workspace.outputs / "organized.pdf",
        order=[n - 1 for n in order],
        rotations={i: t for i, t in enumerate(turns) if t},
        max_pages=ctx.max_pages,
    )
    return _pdf(result, f"{_stem(source)}-organized.pdf")


def _numbers(text: str, name: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part != ""]
    except ValueError:
        from flask_babel import gettext as _

        raise InputError(
            "bad_field", _("“%(field)s” must be a list of whole numbers.", field=name)
        ) from None


def select(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.pages import select as run

    source = _one(inputs)
    result = run(
        source, ctx.workspace.outputs / "pages.pdf", inputs["pages"], max_pages=ctx.max_pages
    )
    return _pdf(result, f"{_stem(source)}-pages.pdf")


def remove(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.pages import remove as run

    source = _one(inputs)
    result = run(
        source, ctx.workspace.outputs / "pages.pdf", inputs["pages"], max_pages=ctx.max_pages
    )
    return _pdf(result, f"{_stem(source)}-without-pages.pdf")


def rotate(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.pages import rotate as run

    source = _one(inputs)
    result = run(
        source,
        ctx.workspace.outputs / "rotated.pdf",
        int(inputs["angle"]),
        inputs["pages"] or "",
        max_pages=ctx.max_pages,
    )
    return _pdf(result, f"{_stem(source)}-rotated.pdf")


def compress(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.compress import compress as run

    source = _one(inputs)
    result = run(
        source,
        ctx.workspace.outputs / "compressed.pdf",
        level=inputs["level"],
        max_pages=ctx.max_pages,
    )
    out = _pdf(result, f"{_stem(source)}-compressed.pdf")
    out.headers["X-Sheaf-Size-Before"] = str(result.info["size_before"])
    out.headers["X-Sheaf-Size-After"] = str(result.info["size_after"])
    return out


def protect(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.encryption import protect as run

    source: Source = inputs["file"]
    source.password = inputs.values.get("current_password")
    result = run(
        source,
        ctx.workspace.outputs / "protected.pdf",
        user_password=inputs["new_password"],
        owner_password=inputs["owner_password"],
        allow_print=inputs["allow_print"],
        allow_copy=inputs["allow_copy"],
        allow_modify=inputs["allow_modify"],
        max_pages=ctx.max_pages,
    )
    return _pdf(result, f"{_stem(source)}-protected.pdf")


def unlock(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.encryption import unlock as run

    source = _one(inputs)
    result = run(source, ctx.workspace.outputs / "unlocked.pdf", max_pages=ctx.max_pages)
    return _pdf(result, f"{_stem(source)}-unlocked.pdf")


def metadata_read(inputs: Inputs, ctx: Context) -> dict:
    from app.pdf.metadata import read

    return read(_one(inputs), max_pages=ctx.max_pages)


def metadata_write(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.metadata import FIELDS, write

    source = _one(inputs)
    values = {k: inputs[k] for k in FIELDS if inputs[k] is not None}
    result = write(
        source, ctx.workspace.outputs / "metadata.pdf", values=values, max_pages=ctx.max_pages
    )
    return _pdf(result, source.name)


def metadata_strip(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.metadata import strip

    source = _one(inputs)
    result = strip(source, ctx.workspace.outputs / "stripped.pdf", max_pages=ctx.max_pages)
    return _pdf(result, source.name)


def images_to_pdf(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.images import images_to_pdf as run

    sources: list[Source] = inputs["files"]
    result = run(
        sources,
        ctx.workspace.outputs / "images.pdf",
        page_size=inputs["page_size"],
        max_pixels=ctx.max_pixels,
        max_pages=ctx.max_pages,
    )
    return _pdf(result, f"{_stem(sources[0])}.pdf")


def pdf_to_images(inputs: Inputs, ctx: Context) -> FileOut:
    from app.pdf.images import pdf_to_images as run

    source = _one(inputs)
    fmt = inputs["format"]
    result = run(
        source,
        ctx.workspace.outputs,
        fmt=fmt,
        dpi=inputs["dpi"],
        pages_spec=inputs["pages"] or "",
        max_pixels=ctx.max_pixels,
        max_pages=ctx.max_pages,
    )
    return _many(
        result, ctx, f"{_stem(source)}-images.zip", "image/jpeg" if fmt == "jpeg" else "image/png"
    )


def thumbnails(inputs: Inputs, ctx: Context) -> dict:
    """Every page as a small PNG, with its size and rotation, for the page organizer.

    One request carries the file and returns all thumbnails, so the server
    keeps no state between requests (any replica can answer the next one).
    """
    from app.pdf.document import open_pdf
    from app.pdf.images import thumbnail

    source = _one(inputs)
    doc = open_pdf(source, max_pages=ctx.max_pages)
    with doc.pdf:
        pages = []
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
    for entry in pages:
        png = thumbnail(source, entry["index"], width=inputs["width"])
        entry["image"] = "data:image/png;base64," + base64.b64encode(png).decode()
    return {"pages": pages, "count": len(pages)}


OPERATIONS: list[Operation] = [
    Operation(
        "merge",
        "Merge PDFs in the given order",
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
        merge,
    ),
    Operation(
        "split",
        "Split a PDF into several files (a zip)",
        [
            ONE_PDF,
            PASSWORD,
            Field(
                "mode",
                "string",
                "How to split.",
                default="single",
                enum=("single", "every", "ranges"),
            ),
            Field(
                "every",
                "integer",
                "Pages per file when mode is every.",
                default=1,
                minimum=1,
                maximum=100000,
            ),
            Field(
                "ranges", "string", "Comma-separated ranges, one file each, when mode is ranges."
            ),
        ],
        (ZIP, PDF),
        split,
    ),
    Operation(
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
        organize,
    ),
    Operation(
        "select",
        "Keep only some pages",
        [
            ONE_PDF,
            PASSWORD,
            Field("pages", "string", "Pages to keep: 1-3,5,8- or last.", required=True),
        ],
        (PDF,),
        select,
    ),
    Operation(
        "remove",
        "Remove pages",
        [
            ONE_PDF,
            PASSWORD,
            Field("pages", "string", "Pages to remove: 1-3,5,8- or last.", required=True),
        ],
        (PDF,),
        remove,
    ),
    Operation(
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
        rotate,
    ),
    Operation(
        "compress",
        "Make a PDF smaller",
        [
            ONE_PDF,
            PASSWORD,
            Field(
                "level",
                "string",
                "lossless keeps every pixel; low, medium and high resample images more and more.",
                default="lossless",
                enum=("lossless", "low", "medium", "high"),
            ),
        ],
        (PDF,),
        compress,
    ),
    Operation(
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
                "current_password",
                "password",
                "The file's current password, if any.",
                max_length=256,
            ),
            Field("allow_print", "boolean", "Allow printing.", default=True),
            Field("allow_copy", "boolean", "Allow copying text and images.", default=True),
            Field("allow_modify", "boolean", "Allow changes.", default=True),
        ],
        (PDF,),
        protect,
    ),
    Operation(
        "unlock",
        "Remove the password from a PDF",
        [
            ONE_PDF,
            Field("password", "password", "The PDF's password.", required=True, max_length=256),
        ],
        (PDF,),
        unlock,
    ),
    Operation(
        "metadata",
        "Read title, author, subject and keywords",
        [ONE_PDF, PASSWORD],
        (JSON,),
        metadata_read,
    ),
    Operation(
        "metadata/edit",
        "Set title, author, subject and keywords",
        [
            ONE_PDF,
            PASSWORD,
            Field("title", "string", "Title (empty clears it)."),
            Field("author", "string", "Author."),
            Field("subject", "string", "Subject."),
            Field("keywords", "string", "Keywords."),
        ],
        (PDF,),
        metadata_write,
    ),
    Operation("metadata/strip", "Remove all metadata", [ONE_PDF, PASSWORD], (PDF,), metadata_strip),
    Operation(
        "images-to-pdf",
        "Turn images into a PDF, one page each",
        [
            Field(
                "files",
                "files",
                "JPEG, PNG, TIFF or WebP images, in order.",
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
        images_to_pdf,
    ),
    Operation(
        "pdf-to-images",
        "Turn pages into images (one image, or a zip)",
        [
            ONE_PDF,
            PASSWORD,
            PAGES,
            Field("format", "string", "Image format.", default="png", enum=("png", "jpeg")),
            Field("dpi", "integer", "Resolution.", default=150, minimum=36, maximum=600),
        ],
        (ZIP, "image/png", "image/jpeg"),
        pdf_to_images,
    ),
    Operation(
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
        thumbnails,
    ),
]
