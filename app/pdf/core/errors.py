"""The one error type of :mod:`app.pdf`: a stable code plus the facts to explain it.

The code is for programs (the API's ``error`` field, the UI); the English
template in :data:`MESSAGES` is for people, and the web layer translates it
(the templates are marked for extraction in :mod:`app.api.messages`).
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it here (no Flask in app.pdf)."""
    return text


MESSAGES: dict[str, str] = {
    "not_a_pdf": N_("“{name}” is not a PDF file."),
    "damaged_pdf": N_("“{name}” is damaged and could not be repaired."),
    "empty_file": N_("“{name}” is empty."),
    "no_pages": N_("“{name}” has no pages."),
    "password_required": N_("“{name}” is protected by a password. Please enter it."),
    "wrong_password": N_("The password for “{name}” is not right."),
    "bad_page_range": N_("“{text}” is not a page range. Use numbers like 1-3,5,8- or “last”."),
    "page_out_of_range": N_("Page {page} does not exist: the document has {count} pages."),
    "too_many_pages": N_("The document has {count} pages; the limit is {limit}."),
    "no_pages_left": N_("That would leave no pages in the document."),
    "image_too_large": N_("“{name}” has too many pixels ({pixels}; the limit is {limit})."),
    "unsupported_image": N_("“{name}” is not an image Sheaf can read (JPEG, PNG, TIFF or WebP)."),
    "bad_option": N_("The option “{option}” is not valid: {reason}."),
    "no_signature": N_("Draw, type or choose your signature first."),
    "cannot_draw": N_("Sheaf has no letters for these characters in “{option}”: {chars}"),
    "nothing_to_redact": N_(
        "“{text}” is nowhere in the document (its pages, comments, details or anything else"
        " it holds); nothing was redacted."
    ),
    "too_many_output_files": N_("That would make {count} files; the limit is {limit}."),
    "stream_too_large": N_(
        "“{name}” holds data that unpacks to more than {limit} MB, Sheaf’s limit for one part"
        " of a document."
    ),
    "stream_too_slow": N_(
        "“{name}” holds data that takes too long to unpack (more than {seconds} seconds"
        " for one part of the document); it may be damaged or made to stall."
    ),
    "page_unreadable": N_(
        "Page {page} is damaged: Sheaf cannot draw it. Choose other pages, or remove"
        " or repair that one first."
    ),
    "render_too_large": N_(
        "Page {page} would be {width} × {height} pixels at this resolution; the limit is"
        " {limit} million pixels and {side} pixels a side. Choose a lower resolution."
    ),
    "target_unreachable": N_(
        "“{name}” cannot be made as small as {target}: the smallest Sheaf can make it"
        " without losing text or pages is {smallest}."
    ),
}

#: Codes that mean "the request asks for something impossible or malformed" (400);
#: the rest are about the document (422).
REQUEST_CODES = {
    "bad_page_range",
    "page_out_of_range",
    "bad_option",
    "no_pages_left",
    "cannot_draw",
    "no_signature",
}


class PdfError(Exception):
    """Something about the input that the person can understand and fix."""

    def __init__(self, code: str, **params: object) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown PdfError code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.english())

    def english(self) -> str:
        return MESSAGES[self.code].format(**self.params)
