"""What a tool page is made of: the tool, its options, and an option as the page shows it.

Defaults, limits, choices and "required" are not written here: :meth:`Tool.shown`
reads them from the operation's declaration, so the page and the API agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.api.declare import IMAGES

PDF_ACCEPT = ".pdf,application/pdf"
#: File-name endings of the image types the API declares (app/api/declare.py IMAGES):
#: a type added there without its endings here fails at import, not in a person's chooser.
_ENDINGS = {
    "image/jpeg": ".jpg,.jpeg",
    "image/png": ".png",
    "image/tiff": ".tif,.tiff",
    "image/webp": ".webp",
    "image/gif": ".gif",
}
IMAGE_ACCEPT = ",".join([_ENDINGS[kind] for kind in IMAGES] + list(IMAGES))


@dataclass(frozen=True)
class Option:
    """A field of the tool's operation as the page shows it (label, help, choice labels)."""

    name: str
    label: object
    kind: str = "text"  # text, number, password, select, checkbox
    choices: tuple[tuple[str, object], ...] = ()  # labels for the field's values
    help: object = ""
    placeholder: str = ""
    #: Shown only while another option has this value, e.g. ("mode", "every").
    shown_when: tuple[str, str] | None = None
    accept: str = ""  # a "file" option: what the chooser offers
    #: A checkbox whose declared default is "it depends": on while this other option
    #: has a value, until the person sets it (redaction's "also remove hidden information").
    checked_with: str = ""
    #: Options the page lays out in a part of its own, not in the plain list: the
    #: Sign page's "pad" (draw, type, picture) and its "more" options (the numbers).
    group: str = ""


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
    field: str = "file"
    multiple: bool = False
    accept: str = PDF_ACCEPT
    options: tuple[Option, ...] = ()
    password: bool = True  # offer "password, if the PDF is protected"
    result: str = "file"  # file, metadata, or form (the fields are listed to fill in)
    #: The run button's words where the title does not say the action.
    action: object = None
    #: A page picture to work on (static/js/pagebox.js): "place" a signature, draw
    #: one "box" (crop) or many "boxes" (redact), or see a "stamp" before running.
    canvas: str = ""
    #: Runs over every selected file at once, each getting its own result.
    batch: bool = False

    @property
    def takes(self) -> str:
        """What the workspace hands this tool: "images" or "pdf" files."""
        return "images" if self.accept == IMAGE_ACCEPT else "pdf"

    def shown(self, group: str | None = "") -> list[Shown]:
        """The options of ``group`` ("" the plain list; None: all of them)."""
        from app.api.declare import find

        operation = find(self.operation)
        shown = []
        for opt in self.options:
            if group is not None and opt.group != group:
                continue
            declared = operation.field(opt.name)
            labels = dict(opt.choices)
            choices = tuple((v, labels.get(v, v)) for v in declared.enum) if declared.enum else ()
            shown.append(
                Shown(
                    name=opt.name,
                    label=opt.label,
                    kind=opt.kind,
                    choices=choices,
                    default=_text(declared.default),
                    help=opt.help,
                    required=declared.required,
                    placeholder=opt.placeholder,
                    minimum=declared.minimum,
                    maximum=declared.maximum,
                    step="any" if declared.kind == "number" else "1",
                    shown_when=opt.shown_when,
                    accept=opt.accept,
                    checked_with=opt.checked_with,
                    group=opt.group,
                    max_length=declared.max_length,
                )
            )
        return shown

    def named(self, group: str) -> dict[str, Shown]:
        """A group's options by name, for a template that places each one itself."""
        return {opt.name: opt for opt in self.shown(group)}
