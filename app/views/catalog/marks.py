"""Tools that add to pages or take from them: signatures, forms, marks, black boxes.

Each :class:`~app.views.tool_model.Tool` names its API operation and the fields it
shows with their words; what the fields are and accept comes from the declaration.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.catalog.words import FRACTION_HELP, PAGES_HELP
from app.views.tool_model import Option, Tool

TOOLS: tuple[Tool, ...] = (
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
        "flatten",
        "flatten",
        _l("Flatten"),
        _l("Burn form fields and comments into the pages, as they print."),
        "flatten",
        batch=True,
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
