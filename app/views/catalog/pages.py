"""Tools that take pages apart, put them together or in order.

Each :class:`~app.views.tool_model.Tool` names its API operation and the fields it
shows with their words; what the fields are and accept comes from the declaration.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.catalog.words import PAGES_HELP, WHICH_PAGES_HELP
from app.views.tool_model import Option, Tool

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
        "extract",
        "select",
        _l("Extract pages"),
        _l("Keep only the pages you need."),
        "extract",
        options=(Option("pages", _l("Pages to keep"), help=WHICH_PAGES_HELP, placeholder="1-3"),),
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
)
