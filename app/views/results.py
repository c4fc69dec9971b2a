"""What the workspace says about each tool's result: the step's name in a file's history
("merged -> page numbers -> compressed") and the one line on what changed.

The line's placeholders are filled in the browser (static/js/result.js) from what it
knows for certain: ``{pages}`` the result's pages, ``{inpages}`` the input's,
``{removed}`` their difference, ``{files}`` how many files went in and ``{range}`` the
pages the person named (or "every page"). A tool whose server says it in its own
words (compress, redact) has no line here.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STEP_WORDS = {
    "merge": _l("merged"),
    "split": _l("split"),
    "organize": _l("pages organised"),
    "rotate": _l("turned"),
    "remove": _l("pages removed"),
    "extract": _l("pages extracted"),
    "compress": _l("compressed"),
    "protect": _l("protected"),
    "unlock": _l("unlocked"),
    "metadata": _l("details edited"),
    "strip-metadata": _l("details removed"),
    "images-to-pdf": _l("made from pictures"),
    "pdf-to-images": _l("pictures"),
    "crop": _l("cropped"),
    "flatten": _l("flattened"),
    "repair": _l("repaired"),
    "sign": _l("signed"),
    "forms": _l("filled in"),
    "page-numbers": _l("page numbers"),
    "watermark": _l("watermark"),
    "redact": _l("redacted"),
}

SUMMARIES = {
    "merge": _l("Files merged: {files}. Pages: {pages}."),
    "organize": _l("The pages are in their new order. Pages: {pages}."),
    "rotate": _l("Pages turned: {range}."),
    "remove": _l("Pages removed: {removed}. Pages left: {pages}."),
    "extract": _l("Pages kept: {pages} of {inpages}."),
    "protect": _l("The file now asks for its password to open."),
    "unlock": _l("The password is removed."),
    "metadata": _l("The details are saved."),
    "strip-metadata": _l("The hidden details are removed."),
    "images-to-pdf": _l("Pictures made into one PDF: {files}. Pages: {pages}."),
    "crop": _l("Pages cropped: {range}."),
    "flatten": _l("Form fields and comments are now part of the pages."),
    "repair": _l("The file was read and written again."),
    "sign": _l("Your signature is on page {range}."),
    "forms": _l("The form is filled in."),
    "page-numbers": _l("Page numbers added: {range}."),
    "watermark": _l("Watermark added: {range}."),
}

#: Offered first under "Continue with another tool" (the rest are one click further).
CONTINUE = (
    "compress",
    "page-numbers",
    "rotate",
    "organize",
    "protect",
    "watermark",
    "sign",
    "merge",
    "split",
    "pdf-to-images",
)


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"STEP_WORDS": STEP_WORDS, "SUMMARIES": SUMMARIES})
