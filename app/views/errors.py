"""HTTP errors as pages or JSON in the person's language, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.web import error_response

log = logging.getLogger(__name__)


def _too_large(exc: RequestEntityTooLarge) -> Response:
    from app.api.inputs import too_large_message  # names the limit that was met

    return error_response(413, "too_large", too_large_message(exc))


def _http_error(exc: HTTPException) -> Response:
    messages = {
        400: _("The request could not be understood."),
        404: _("There is nothing at this address."),
        405: _("This address does not accept that kind of request."),
    }
    code = exc.code or 500
    return error_response(code, exc.name.lower().replace(" ", "_"), messages.get(code, exc.name))


def _unexpected(exc: Exception) -> Response:
    log.exception("unexpected error")
    return error_response(
        500, "internal_error", _("Something went wrong inside Sheaf. Please try again.")
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
