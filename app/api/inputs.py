"""Declared request fields, and reading a request against them.

The same :class:`Field` list drives validation here and the OpenAPI
document in :mod:`.openapi`, so what is documented is what is enforced.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app.pdf.core.document import Source
from app.settings import MiB

Kind = Literal["file", "files", "string", "integer", "number", "boolean", "password"]


def too_large_message(exc: BaseException) -> str:
    """Which limit a 413 met, in words: the request's total size, its number of parts,
    or the size of one field that is not a file.

    Werkzeug raises the same ``RequestEntityTooLarge`` for all three; the multipart
    decoder it was raised in tells them apart (its parts so far, the part at hand).
    """
    from werkzeug.sansio.multipart import MultipartDecoder

    from app.web import settings

    length = request.content_length
    total = settings().limits.max_upload_bytes
    frame = next(
        (
            f
            for f, _ in traceback.walk_tb(exc.__traceback__)
            if isinstance(f.f_locals.get("parser"), MultipartDecoder)
        ),
        None,
    )
    if (length is not None and length > total) or frame is None:
        return _("The upload is too large. The limit is %(limit)d MB in total.", limit=total // MiB)
    decoder = frame.f_locals["parser"]
    if decoder.max_parts is not None and decoder._parts_decoded > decoder.max_parts:
        return _(
            "This request has too many parts (files and fields). The limit is %(limit)d.",
            limit=decoder.max_parts,
        )
    part = frame.f_locals.get("current_part")
    limit = _size(request.max_form_memory_size or 0)
    if part is not None and getattr(part, "name", None):
        return _(
            "The field “%(field)s” is too large. The limit is %(limit)s for a field that is"
            " not a file.",
            field=part.name[:80],
            limit=limit,
        )
    return _(
        "A form field is too large. The limit is %(limit)s for a field that is not a file.",
        limit=limit,
    )


def _size(n: int) -> str:
    return f"{n // MiB} MB" if n >= MiB and n % MiB == 0 else f"{max(1, n // 1024)} KB"


class InputError(Exception):
    """A request that does not match its operation's fields (400)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: The form field at fault, so a page can show the message beside it.
        self.field = field


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    description: str
    required: bool = False
    default: Any = None
    enum: tuple[str, ...] = ()
    #: Older names still accepted (scripts send them) but no longer offered or listed.
    also: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 1000
    accept: tuple[str, ...] = ("application/pdf",)
    #: Sent empty means "clear" (the value is ""), unlike not sent at all (the default).
    empty: bool = False


@dataclass
class Inputs:
    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def _save(storage: FileStorage, workspace: Any) -> Source:
    """Save an upload under a generated name; the person's own name is kept, cleaned,
    for messages and result names only (never a path)."""
    from app.api.names import clean_file_name

    name = clean_file_name(storage.filename or "", default="document.pdf")
    path = workspace.input_path()
    storage.save(path)
    return Source(path=path, name=name)


def read(fields: list[Field], workspace: Any, max_files: int) -> Inputs:
    out = Inputs()
    form = request.form
    for f in fields:
        if f.kind in ("file", "files"):
            uploads = [u for u in request.files.getlist(f.name) if u and u.filename]
            if not uploads:
                if f.required:
                    raise InputError("missing_file", _("Please choose a file to work on."))
                out.values[f.name] = [] if f.kind == "files" else None
                continue
            if f.kind == "file" and len(uploads) > 1:
                raise InputError("too_many_files", _("Please choose only one file here."))
            if len(uploads) > max_files:
                raise InputError(
                    "too_many_files",
                    _("Please choose at most %(limit)d files at once.", limit=max_files),
                )
            sources = [_save(u, workspace) for u in uploads]
            out.values[f.name] = sources if f.kind == "files" else sources[0]
            continue
        raw = form.get(f.name)
        if raw == "" and f.empty:
            out.values[f.name] = ""
            continue
        if raw is None or raw == "":
            if f.required:
                raise InputError(
                    "missing_field", _("Please fill in “%(field)s”.", field=f.name), f.name
                )
            out.values[f.name] = f.default
            continue
        if len(raw) > f.max_length:
            raise InputError("bad_field", _("“%(field)s” is too long.", field=f.name), f.name)
        try:
            out.values[f.name] = _convert(f, raw)
        except InputError as exc:
            exc.field = exc.field or f.name
            raise
    return out


def _convert(f: Field, raw: str) -> Any:
    if f.kind == "integer":
        try:
            value = int(raw.strip())
        except ValueError:
            raise InputError(
                "bad_field", _("“%(field)s” must be a whole number.", field=f.name)
            ) from None
        if (f.minimum is not None and value < f.minimum) or (
            f.maximum is not None and value > f.maximum
        ):
            raise InputError(
                "bad_field",
                _(
                    "“%(field)s” must be between %(low)d and %(high)d.",
                    field=f.name,
                    low=f.minimum if f.minimum is not None else value,
                    high=f.maximum if f.maximum is not None else value,
                ),
            )
        return value
    if f.kind == "number":
        try:
            number = float(raw.strip())
        except ValueError:
            message = _("“%(field)s” must be a number.", field=f.name)
            raise InputError("bad_field", message) from None
        if (
            number != number
            or (f.minimum is not None and number < f.minimum)
            or (f.maximum is not None and number > f.maximum)
        ):
            raise InputError(
                "bad_field",
                _(
                    "“%(field)s” must be between %(low)s and %(high)s.",
                    field=f.name,
                    low=f.minimum,
                    high=f.maximum,
                ),
            )
        return number
    if f.kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "on", "yes"):
            return True
        if lowered in ("0", "false", "off", "no"):
            return False
        raise InputError("bad_field", _("“%(field)s” must be true or false.", field=f.name))
    if f.enum and raw not in f.enum and raw not in f.also:
        raise InputError(
            "bad_field",
            _("“%(field)s” must be one of: %(choices)s.", field=f.name, choices=", ".join(f.enum)),
        )
    if "\x00" in raw:
        raise InputError("bad_field", _("“%(field)s” contains invalid characters.", field=f.name))
    return raw
