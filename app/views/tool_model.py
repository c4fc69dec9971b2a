"""What a tool page is made of: the tool, its options, and an option as the page shows it.

Nothing the operation's declaration (:mod:`app.api.ops`) already says is written here
or in the catalog: an option's input kind, a chooser's file types, whether it takes
several files, the upload field's name, whether the "password, if the PDF is
protected" box is offered, the endpoint, defaults, limits, choices and "required" are
all read from it (:class:`Tool` properties and :meth:`Tool.shown`), so the page and
the API agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from app.api.declare import IMAGES, PDF, Operation, endpoint_of, find
from app.api.inputs import Field

#: File-name endings of the media types the API declares (app/api/declare.py IMAGES and
#: PDF): a type added there without its endings here fails at import, not in a person's
#: chooser.
_ENDINGS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg,.jpeg",
    "image/png": ".png",
    "image/tiff": ".tif,.tiff",
    "image/webp": ".webp",
    "image/gif": ".gif",
}
if missing := {PDF, *IMAGES} - set(_ENDINGS):
    raise LookupError(f"no file-name endings for {sorted(missing)}")


def accept_of(media_types: Sequence[str]) -> str:
    """A file chooser's ``accept`` for the declared media types: their endings, then
    the types (``.png,.jpg,.jpeg,image/png,image/jpeg``)."""
    return ",".join([_ENDINGS[kind] for kind in media_types] + list(media_types))


def kind_of(declared: Field) -> str:
    """The input a declared field is shown as."""
    if declared.kind == "files":
        # No tool shows one yet; the template's option inputs take one file each.
        raise ValueError(f"{declared.name!r}: a tool page option takes one file")
    if declared.kind == "boolean":
        return "checkbox"
    if declared.enum:
        return "select"
    if declared.kind in ("integer", "number"):
        return "number"
    if declared.kind in ("password", "file"):
        return declared.kind
    return "text"


@dataclass(frozen=True)
class Option:
    """A field of the tool's operation as the page shows it (label, help, choice labels)."""

    name: str
    label: object
    choices: tuple[tuple[str, object], ...] = ()  # labels for the field's values
    help: object = ""
    placeholder: str = ""
    #: Shown only while another option has this value, e.g. ("mode", "every").
    shown_when: tuple[str, str] | None = None
    #: A checkbox whose declared default is "it depends": on while this other option
    #: has a value, until the person sets it (redaction's "also remove hidden information").
    checked_with: str = ""
    #: Options the page lays out in a part of its own, not in the plain list: the
    #: Sign page's "pad" (draw, type, picture) and its "more" options (the numbers).
    group: str = ""
    #: Only to show the field otherwise than its declared kind would (:func:`kind_of`).
    kind: str = dataclasses.field(default="", kw_only=True)

    def __post_init__(self) -> None:
        if isinstance(self.choices, str):  # Option(name, label, "number"): the old form
            raise TypeError(
                f"Option {self.name!r}: the kind comes from the declaration; pass kind= only"
                " to override it"
            )


@dataclass(frozen=True)
class Shown:
    """An option with what the operation declares: what the template renders."""

    name: str
    label: object
    kind: str
    choices: tuple[tuple[str, object], ...]
    default: str
    help: object
    required: bool
    placeholder: str
    minimum: float | None
    maximum: float | None
    step: str = "1"
    shown_when: tuple[str, str] | None = None
    accept: str = ""
    checked_with: str = ""
    group: str = ""
    max_length: int | None = None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Tool:
    slug: str
    operation: str
    title: object
    summary: object
    icon: str
    options: tuple[Option, ...] = ()
    result: str = "file"  # file, metadata, or form (the fields are listed to fill in)
    #: The run button's words where the title does not say the action.
    action: object = None
    #: A page picture to work on (static/js/pagebox.js): "place" a signature, draw
    #: one "box" (crop) or many "boxes" (redact), or see a "stamp" before running.
    canvas: str = ""
    #: Runs over every selected file at once, each getting its own result.
    batch: bool = False

    @property
    def declared(self) -> Operation:
        return find(self.operation)

    @property
    def upload(self) -> Field:
        """The declared field the drop zone fills: the first file field no option shows."""
        shown = {opt.name for opt in self.options}
        return next(
            f for f in self.declared.fields if f.kind in ("file", "files") and f.name not in shown
        )

    @property
    def field(self) -> str:
        return self.upload.name

    @property
    def multiple(self) -> bool:
        """The operation takes several files in one request (merge, images to PDF)."""
        return self.upload.kind == "files"

    @property
    def accept(self) -> str:
        return accept_of(self.upload.accept)

    @property
    def takes(self) -> str:
        """What the workspace hands this tool: "images" or "pdf" files."""
        return "pdf" if PDF in self.upload.accept else "images"

    @property
    def password(self) -> bool:
        """Offer "password, if the PDF is protected": the operation reads a ``password``
        the page does not already show as an option (unlock asks for it itself)."""
        names = {f.name for f in self.declared.fields} - {opt.name for opt in self.options}
        return "password" in names

    @property
    def endpoint(self) -> str:
        """The API route the page posts to, for ``url_for``."""
        return endpoint_of(self.operation)

    def shown(self, group: str | None = "") -> list[Shown]:
        """The options of ``group`` ("" the plain list; None: all of them)."""
        operation = self.declared
        shown = []
        for opt in self.options:
            if group is not None and opt.group != group:
                continue
            declared = operation.field(opt.name)
            labels = dict(opt.choices)
            choices = tuple((v, labels.get(v, v)) for v in declared.enum) if declared.enum else ()
            kind = opt.kind or kind_of(declared)
            shown.append(
                Shown(
                    name=opt.name,
                    label=opt.label,
                    kind=kind,
                    choices=choices,
                    default=_text(declared.default),
                    help=opt.help,
                    required=declared.required,
                    placeholder=opt.placeholder,
                    minimum=declared.minimum,
                    maximum=declared.maximum,
                    step="any" if declared.kind == "number" else "1",
                    shown_when=opt.shown_when,
                    accept=accept_of(declared.accept) if kind == "file" else "",
                    checked_with=opt.checked_with,
                    group=opt.group,
                    max_length=declared.max_length,
                )
            )
        return shown

    def named(self, group: str) -> dict[str, Shown]:
        """A group's options by name, for a template that places each one itself."""
        return {opt.name: opt for opt in self.shown(group)}
