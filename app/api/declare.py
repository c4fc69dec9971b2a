"""How an API operation is declared: ``@operation(...)`` above its handler.

The declaration (path, fields with their defaults and limits, what it returns)
sits with the code that does the work, one operation at a time, in the
modules of :mod:`app.api.ops`. The same declarations drive request validation
(:mod:`.inputs`), the OpenAPI document (:mod:`.openapi`) and the tool pages'
fields (:mod:`app.views.tools`).

Handlers are thin: they turn validated inputs into a call to :mod:`app.pdf`
and name the result. Heavy libraries load inside :mod:`app.pdf` on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.api.inputs import Field, Inputs
from app.pdf.core.document import Result, Source
from app.pdf.core.job import Job

PDF = "application/pdf"
ZIP = "application/zip"
JSON = "application/json"
IMAGES = ("image/jpeg", "image/png", "image/tiff", "image/webp", "image/gif")


@dataclass
class FileOut:
    """A file to send back: where it is on disk, and what the person will call it."""

    path: Path
    mimetype: str
    download_name: str
    headers: dict[str, str] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)
    protected: bool = False
    #: What the operation reports besides the file (sizes, counts), for its headers.
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    workspace: Any
    job: Job
    #: The operation being run: its result suffix names the output.
    operation: Operation


Handler = Callable[[Inputs, Context], "FileOut | dict"]


@dataclass(frozen=True)
class Operation:
    name: str
    summary: str
    fields: list[Field]
    produces: tuple[str, ...]
    handler: Handler
    #: What a PDF result's name says happened: ``report.pdf`` -> ``report-rotated.pdf``.
    suffix: str | None = None

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


OPERATIONS: list[Operation] = []


def operation(
    name: str,
    summary: str,
    fields: Sequence[Field],
    produces: Sequence[str],
    *,
    suffix: str | None = None,
) -> Callable[[Handler], Handler]:
    """Declare the handler below as ``POST /api/v1/<name>``; ``suffix`` names its PDF
    result (``rotated``: ``report.pdf`` -> ``report-rotated.pdf``)."""

    def register(handler: Handler) -> Handler:
        if any(op.name == name for op in OPERATIONS):
            raise ValueError(f"operation {name!r} declared twice")
        OPERATIONS.append(Operation(name, summary, list(fields), tuple(produces), handler, suffix))
        return handler

    return register


def operations() -> list[Operation]:
    """Every declared operation. The one place that imports :mod:`app.api.ops`, whose
    modules declare them on import."""
    import app.api.ops  # noqa: F401

    return OPERATIONS


def find(name: str) -> Operation:
    return next(op for op in operations() if op.name == name)


#: The blueprint the operations are served from (``/api/v1``).
BLUEPRINT = "api"


def view_name(name: str) -> str:
    """The Flask view name of operation ``name``: ``metadata/edit`` -> ``op_metadata_edit``."""
    return "op_" + name.replace("/", "_").replace("-", "_")


def endpoint_of(name: str) -> str:
    """What ``url_for`` takes for operation ``name``: the routes and the pages both ask here,
    so a page cannot point at a route named by another rule."""
    return f"{BLUEPRINT}.{view_name(name)}"


# -- shared fields and helpers ----------------------------------------------------------

PASSWORD = Field(
    "password", "password", "Password to open the PDF, if it is protected.", max_length=256
)
ONE_PDF = Field("file", "file", "The PDF to work on.", required=True)
PAGES = Field("pages", "string", "Page range like 1-3,5,8- or last (empty = all pages).")


def source_of(inputs: Inputs, password_field: str = PASSWORD.name) -> Source:
    """The one PDF a request sent (``file``), with the password typed for it."""
    source: Source = inputs["file"]
    source.password = inputs.values.get(password_field)
    return source


def stem(source: Source) -> str:
    return Path(source.name).stem or "document"


def output(ctx: Context) -> Path:
    """Where the operation writes its one PDF result."""
    return ctx.workspace.outputs / f"{ctx.operation.suffix or 'result'}.pdf"


def pdf_out(result: Result, ctx: Context, source: Source) -> FileOut:
    """The PDF result, named after ``source`` and what the operation did."""
    suffix = ctx.operation.suffix
    name = f"{stem(source)}-{suffix}.pdf" if suffix else f"{stem(source)}.pdf"
    return FileOut(
        result.outputs[0],
        PDF,
        name,
        repaired=result.repaired,
        protected=result.protected,
        info=result.info,
    )


def on_one(inputs: Inputs, ctx: Context, run: Callable[..., Result], **options: Any) -> FileOut:
    """The common handler: the one PDF in ``inputs`` through ``run(source, output, job,
    **options)``, its result named by the operation's suffix."""
    source = source_of(inputs)
    return pdf_out(run(source, output(ctx), ctx.job, **options), ctx, source)


def many_out(result: Result, ctx: Context, zip_name: str, single_type: str) -> FileOut:
    """One output as itself; several in a zip under the names people will see."""
    from app.api.names import clean_file_name
    from app.pdf.pages import zip_files

    names = [clean_file_name(n) for n in (result.names or [p.name for p in result.outputs])]
    if len(result.outputs) == 1:
        return FileOut(
            result.outputs[0],
            single_type,
            names[0],
            repaired=result.repaired,
            protected=result.protected,
        )
    archive = zip_files(result.outputs, names, ctx.workspace.outputs / "result.zip")
    return FileOut(archive, ZIP, zip_name, repaired=result.repaired, protected=result.protected)
