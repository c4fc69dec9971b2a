"""Tools for the file as a whole: pictures in and out, size, passwords, details, repair.

Each :class:`~app.views.tool_model.Tool` names its API operation and the fields it
shows with their words; what the fields are and accept comes from the declaration.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.pdf.compress.levels import LEVELS as COMPRESS_LEVELS
from app.views.catalog.words import PAGES_HELP
from app.views.tool_model import Option, Tool

TOOLS: tuple[Tool, ...] = (
    Tool(
        "images-to-pdf",
        "images-to-pdf",
        _l("Images to PDF"),
        _l("Turn photos and scans into one PDF."),
        "images",
        options=(
            Option(
                "page_size",
                _l("Page size"),
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
        batch=True,
        options=(
            Option("format", _l("Format"), (("png", "PNG"), ("jpeg", "JPEG"))),
            Option("dpi", _l("Resolution (DPI)")),
            Option("pages", _l("Pages"), help=PAGES_HELP),
        ),
    ),
    Tool(
        "compress",
        "compress",
        _l("Compress"),
        _l("Make a PDF smaller to send or store."),
        "compress",
        batch=True,
        options=(
            Option(
                "level",
                _l("Compression"),
                # Each level's one-line description is declared with the level.
                tuple((lv.name, _l(lv.description)) for lv in COMPRESS_LEVELS.values()),
            ),
            Option(
                "target_mb",
                _l("At most (MB), optional"),
                help=_l("For example 10 for e-mail. Sheaf finds the best level that gets there."),
            ),
        ),
    ),
    Tool(
        "protect",
        "protect",
        _l("Protect with a password"),
        _l("Lock a PDF so it needs a password to open."),
        "protect",
        batch=True,
        options=(
            Option("new_password", _l("New password")),
            Option("allow_print", _l("Allow printing")),
            Option("allow_copy", _l("Allow copying text")),
            Option("allow_modify", _l("Allow changes")),
            Option(
                "current_password",
                _l("Its present password, only if it already has one"),
            ),
        ),
    ),
    Tool(
        "unlock",
        "unlock",
        _l("Remove a password"),
        _l("Unlock a PDF you have the password for."),
        "unlock",
        batch=True,
        options=(Option("password", _l("Password")),),
    ),
    Tool(
        "metadata",
        "metadata/edit",
        _l("Title and author"),
        _l("See and change title, author, subject and keywords."),
        "metadata",
        result="metadata",
        action=_l("Download with new details"),
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
        batch=True,
    ),
    Tool(
        "repair",
        "repair",
        _l("Repair"),
        _l("Rebuild a damaged PDF so it opens again."),
        "repair",
        batch=True,
    ),
)
