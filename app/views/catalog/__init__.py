"""Which tools Sheaf offers, with their words, in the order of the home page.

The tools are declared by what they work on (:mod:`.pages`, :mod:`.marks`,
:mod:`.files`); :data:`GROUPS` says how the home page groups them, and that order is
:data:`TOOLS`' order too: one order, written once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.views.catalog import files, marks, pages
from app.views.tool_model import Tool

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

_DECLARED = {tool.slug: tool for tool in pages.TOOLS + marks.TOOLS + files.TOOLS}
#: Every tool once, in the home page's order.
TOOLS: tuple[Tool, ...] = tuple(_DECLARED[slug] for _, slugs in GROUPS for slug in slugs)
if len(TOOLS) != len(_DECLARED) or set(TOOLS) != set(_DECLARED.values()):
    raise RuntimeError("every tool belongs to exactly one home page group")
