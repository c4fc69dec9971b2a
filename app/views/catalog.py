"""Which tools Sheaf offers, in the order of the home page, with their words.

Each :class:`~app.views.tools.Tool` names its API operation and the fields it
shows; what those fields accept comes from the operation's declaration.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.pdf.compress.levels import LEVELS as COMPRESS_LEVELS
from app.views.tool_model import Option, Tool

PAGES_HELP = _l("For example 1-3,5,8- or last. Empty means all pages.")
WHICH_PAGES_HELP = _l("Which pages, for example 2 or 4-5, or last.")

TOOLS: tuple[Tool, ...] = (
    Tool(
        "merge",
        "merge",
        _l("Merge PDFs"),
        _l("Combine several PDFs into one, in your order."),
        "merge",
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
                (
                    ("single", _l("Every page on its own")),
                    ("every", _l("Every few pages")),
                    ("ranges", _l("By page ranges")),
                ),
            ),
            Option("every", _l("Pages per file"), shown_when=("mode", "every")),
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
        _l("See every page and drag them: reorder, turn and delete one by one."),
        "organize",
    ),
    Tool(
        "rotate",
        "rotate",
        _l("Rotate pages"),
        _l("Turn many pages at once by their numbers, without looking at each."),
        "rotate",
        batch=True,
        options=(
            Option(
                "angle",
                _l("Turn"),
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
)
FINISHING: tuple[Tool, ...] = (
    Tool(
        "crop",
        "crop",
        _l("Crop pages"),
        _l("Cut away margins, or trim white space automatically."),
        "crop",
        canvas="box",
        options=(
            Option(
                "mode",
                _l("How to crop"),
                (("margins", _l("Cut away margins")), ("auto", _l("Trim white margins"))),
            ),
            *(
                Option(edge, label, help=_l("A fraction of the page, e.g. 0.05"))
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
FRACTION_HELP = _l("A fraction of the page, from 0 to 1: 0.5 is the middle.")
ADDING: tuple[Tool, ...] = (
    Tool(
        "sign",
        "sign",
        _l("Sign"),
        _l("Put your signature on a page: draw it, type your name or use a picture of it."),
        "sign",
        canvas="place",
        # The pad comes first (templates/tools/_sign.html); the numbers that say where
        # the signature goes follow the box on the page, under "More options".
        options=(
            Option("text", _l("Type your name"), group="pad"),
            Option(
                "font",
                _l("Handwriting"),
                kind="radio",
                choices=(
                    ("caveat", "Caveat"),
                    ("dancing-script", "Dancing Script"),
                    ("great-vibes", "Great Vibes"),
                ),
                group="pad",
            ),
            Option(
                "image",
                _l("Choose a picture of your signature"),
                help=_l("A PNG with a transparent background looks best."),
                group="pad",
            ),
            Option("page", _l("Page"), help=_l("Empty means the last page."), group="more"),
            Option("x", _l("Distance from the left"), help=FRACTION_HELP, group="more"),
            Option("y", _l("Distance from the top"), help=FRACTION_HELP, group="more"),
            Option("width", _l("Width"), help=FRACTION_HELP, group="more"),
        ),
    ),
    Tool(
        "forms",
        "forms/fill",
        _l("Fill in a form"),
        _l("Type into a PDF form’s fields and save it."),
        "forms",
        result="form",
        action=_l("Save the filled form"),
        options=(
            Option(
                "flatten",
                _l("Make the answers part of the page (they can no longer be changed)"),
            ),
        ),
    ),
    Tool(
        "page-numbers",
        "page-numbers",
        _l("Page numbers"),
        _l("Number the pages, in any language."),
        "numbers",
        batch=True,
        canvas="stamp",
        options=(
            Option(
                "position",
                _l("Where"),
                (
                    ("bottom-center", _l("Bottom, in the middle")),
                    ("bottom-left", _l("Bottom left")),
                    ("bottom-right", _l("Bottom right")),
                    ("top-center", _l("Top, in the middle")),
                    ("top-left", _l("Top left")),
                    ("top-right", _l("Top right")),
                ),
            ),
            Option(
                "format",
                _l("Text"),
                help=_l("{n} is replaced by the page number and {total} by the last number."),
            ),
            Option("start", _l("First number")),
            Option("size", _l("Text size (points)")),
            Option("pages", _l("Pages"), help=PAGES_HELP, placeholder="2-"),
        ),
    ),
    Tool(
        "watermark",
        "watermark",
        _l("Watermark"),
        _l("Stamp text or a picture across the pages."),
        "watermark",
        batch=True,
        canvas="stamp",
        options=(
            Option("text", _l("Text"), placeholder="CONFIDENTIAL"),
            Option("image", _l("Or choose a picture")),
            Option("opacity", _l("Opacity"), help=_l("From 0 (invisible) to 1 (solid).")),
            Option("angle", _l("Angle (degrees)")),
            Option(
                "layer",
                _l("Layer"),
                (("over", _l("Over the page")), ("under", _l("Behind text and pictures"))),
            ),
            Option("pages", _l("Pages"), help=PAGES_HELP),
        ),
    ),
    Tool(
        "redact",
        "redact",
        _l("Redact"),
        _l("Remove words for good. Pages with a redaction become pictures."),
        "redact",
        canvas="boxes",
        action=_l("Remove for good"),
        options=(
            Option(
                "text",
                _l("Words to remove"),
                help=_l(
                    "Every place they appear, in any case, also spaced out, in comments and"
                    " form fields too. Those pages become pictures: their text can no longer be"
                    " selected or searched. The words also go from the document’s details,"
                    " bookmarks, attachments and everything else the file holds."
                ),
            ),
            Option(
                "remove_hidden",
                _l(
                    "Also remove hidden information: attachments, scripts, form data, private"
                    " data, thumbnails, hidden layers and metadata"
                ),
                checked_with="text",
            ),
            Option("dpi", _l("Picture resolution (DPI)")),
        ),
    ),
)
TOOLS = TOOLS + ADDING + FINISHING

#: The home page's sections, by what a person comes to do; each tool in one of them.
GROUPS: tuple[tuple[object, tuple[str, ...]], ...] = (
    (_l("Combine and split"), ("merge", "split", "extract", "remove")),
    (_l("Arrange pages"), ("organize", "rotate", "crop", "page-numbers")),
    (_l("Sign and fill in"), ("sign", "forms", "flatten")),
    (_l("Mark and black out"), ("watermark", "redact")),
    (_l("Convert"), ("images-to-pdf", "pdf-to-images")),
    (
        _l("Size, privacy and repair"),
        ("compress", "protect", "unlock", "metadata", "strip-metadata", "repair"),
    ),
)

#: Operations with no tool page of their own, on purpose: the pages call them as they
#: work, scripts call them directly (tests/core/test_tool_pages.py checks the list).
API_ONLY: dict[str, str] = {
    "metadata": "reading the details: the metadata page's Show current details",
    "forms": "listing a form's fields: the form page, before filling them in",
    "redact/matches": "where the words are: the redact page, before removing them",
    "thumbnails": "every page small: the organizer",
    "preview": "one page as a picture: page boxes and the workspace strip",
}
