"""The tool pages people use: one declaration per tool, one generic page and script.

Each tool names the API operation it calls (declared in :mod:`app.api.ops`)
and which of its fields it shows, with labels and help in the person's
language. Defaults, limits, choices and whether a field is required come from
the operation's declaration (:meth:`Tool.shown`), so the page and the API
cannot disagree. ``tools/tool.html`` and ``static/js/tools.js`` render and
drive them all. The visual page organizer has its own page and script.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

bp = Blueprint("tools", __name__)

PDF_ACCEPT = ".pdf,application/pdf"
IMAGE_ACCEPT = ".jpg,.jpeg,.png,.tif,.tiff,.webp,image/jpeg,image/png,image/tiff,image/webp"


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
    result: str = "file"  # file or metadata
    #: The run button's words where the title does not say the action.
    action: object = None

    def shown(self) -> list[Shown]:
        from app.api.declare import find

        operation = find(self.operation)
        shown = []
        for opt in self.options:
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
                )
            )
        return shown


PAGES_HELP = _l("For example 1-3,5,8- or last. Empty means all pages.")
WHICH_PAGES_HELP = _l("Which pages, for example 2 or 4-5, or last.")

TOOLS: tuple[Tool, ...] = (
    Tool(
        "merge",
        "merge",
        _l("Merge PDFs"),
        _l("Combine several PDFs into one, in your order."),
        "merge",
        field="files",
        multiple=True,
        password=False,
    ),
    Tool(
        "split",
        "split",
        _l("Split a PDF"),
        _l("Cut a PDF into single pages or parts."),
        "split",
        options=(
            Option(
                "mode",
                _l("How to split"),
                "select",
                (
                    ("single", _l("Every page on its own")),
                    ("every", _l("Every few pages")),
                    ("ranges", _l("By page ranges")),
                ),
            ),
            Option("every", _l("Pages per file"), "number", shown_when=("mode", "every")),
            Option(
                "ranges",
                _l("Page ranges, one file each"),
                placeholder="1-3,4-6",
                help=_l("Each comma-separated range becomes one file."),
                shown_when=("mode", "ranges"),
            ),
        ),
    ),
    Tool(
        "organize",
        "organize",
        _l("Organise pages"),
        _l("See every page; reorder, rotate and delete them."),
        "organize",
    ),
    Tool(
        "rotate",
        "rotate",
        _l("Rotate pages"),
        _l("Turn pages the right way up."),
        "rotate",
        options=(
            Option(
                "angle",
                _l("Turn"),
                "select",
                (
                    ("90", _l("90° clockwise")),
                    ("180", _l("180°")),
                    ("270", _l("90° anticlockwise")),
                ),
            ),
            Option("pages", _l("Pages"), help=PAGES_HELP, placeholder="1-3,5"),
        ),
    ),
    Tool(
        "remove",
        "remove",
        _l("Delete pages"),
        _l("Take pages out of a PDF."),
        "remove",
        options=(
            Option("pages", _l("Pages to delete"), help=WHICH_PAGES_HELP, placeholder="2,4-5"),
        ),
    ),
    Tool(
        "extract",
        "select",
        _l("Extract pages"),
        _l("Keep only the pages you need."),
        "extract",
        options=(Option("pages", _l("Pages to keep"), help=WHICH_PAGES_HELP, placeholder="1-3"),),
    ),
    Tool(
        "compress",
        "compress",
        _l("Compress"),
        _l("Make a PDF smaller to send or store."),
        "compress",
        options=(
            Option(
                "level",
                _l("Compression"),
                "select",
                (
                    ("lossless", _l("Lossless: every pixel kept")),
                    ("low", _l("Low: images barely changed")),
                    ("medium", _l("Medium: good for screens")),
                    ("high", _l("High: smallest file")),
                ),
            ),
        ),
    ),
    Tool(
        "protect",
        "protect",
        _l("Protect with a password"),
        _l("Lock a PDF so it needs a password to open."),
        "protect",
        password=False,
        options=(
            Option("new_password", _l("New password"), "password"),
            Option("allow_print", _l("Allow printing"), "checkbox"),
            Option("allow_copy", _l("Allow copying text"), "checkbox"),
            Option("allow_modify", _l("Allow changes"), "checkbox"),
            Option("current_password", _l("Current password, if it has one"), "password"),
        ),
    ),
    Tool(
        "unlock",
        "unlock",
        _l("Remove a password"),
        _l("Unlock a PDF you have the password for."),
        "unlock",
        password=False,
        options=(Option("password", _l("Password"), "password"),),
    ),
    Tool(
        "metadata",
        "metadata/edit",
        _l("Title and author"),
        _l("See and change title, author, subject and keywords."),
        "metadata",
        result="metadata",
        action=_l("Save details"),
        options=(
            Option("title", _l("Title")),
            Option("author", _l("Author")),
            Option("subject", _l("Subject")),
            Option("keywords", _l("Keywords")),
        ),
    ),
    Tool(
        "strip-metadata",
        "metadata/strip",
        _l("Remove metadata"),
        _l("Delete hidden details like author and software."),
        "strip",
    ),
    Tool(
        "images-to-pdf",
        "images-to-pdf",
        _l("Images to PDF"),
        _l("Turn photos and scans into one PDF."),
        "images",
        field="files",
        multiple=True,
        accept=IMAGE_ACCEPT,
        password=False,
        options=(
            Option(
                "page_size",
                _l("Page size"),
                "select",
                (
                    ("fit", _l("Same as each image")),
                    ("a4", "A4"),
                    ("letter", "Letter"),
                ),
            ),
        ),
    ),
    Tool(
        "pdf-to-images",
        "pdf-to-images",
        _l("PDF to images"),
        _l("Save pages as PNG or JPEG pictures."),
        "topng",
        options=(
            Option("format", _l("Format"), "select", (("png", "PNG"), ("jpeg", "JPEG"))),
            Option("dpi", _l("Resolution (DPI)"), "number"),
            Option("pages", _l("Pages"), help=PAGES_HELP),
        ),
    ),
)
FINISHING: tuple[Tool, ...] = (
    Tool(
        "crop",
        "crop",
        _l("Crop pages"),
        _l("Cut away margins, or trim white space automatically."),
        "crop",
        options=(
            Option(
                "mode",
                _l("How to crop"),
                "select",
                (("margins", _l("Cut away margins")), ("auto", _l("Trim white margins"))),
            ),
            *(
                Option(edge, label, "number", help=_l("A fraction of the page, e.g. 0.05"))
                for edge, label in (
                    ("left", _l("Left")),
                    ("right", _l("Right")),
                    ("top", _l("Top")),
                    ("bottom", _l("Bottom")),
                )
            ),
            Option("pages", _l("Pages"), help=PAGES_HELP, placeholder="1-3,5"),
        ),
    ),
    Tool(
        "flatten",
        "flatten",
        _l("Flatten"),
        _l("Burn form fields and comments into the pages, as they print."),
        "flatten",
    ),
    Tool(
        "repair",
        "repair",
        _l("Repair"),
        _l("Rebuild a damaged PDF so it opens again."),
        "repair",
    ),
)
TOOLS = TOOLS + FINISHING
BY_SLUG = {tool.slug: tool for tool in TOOLS}


@bp.app_context_processor
def tool_list() -> dict:
    return {"TOOLS": TOOLS}


@bp.get("/tools/<slug>")
def tool(slug: str) -> str:
    found = BY_SLUG.get(slug)
    if found is None:
        abort(404)
    template = "tools/organize.html" if found.slug == "organize" else "tools/tool.html"
    return render_template(template, tool=found)
