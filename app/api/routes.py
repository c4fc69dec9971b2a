"""Turning each declared operation into a POST route, with one error and cleanup path.

Every answer has a cause a person can act on:

=====  ===========================================================================
400    the request does not fit the operation (a bad option or page range)
413    the upload is larger than the limit
422    the file cannot be processed as asked: unreadable, wrong password, or a
       Sheaf limit (pages, pixels, unpacked size), named with its value
503    Sheaf is stopping (the work stopped between pages)
507    not enough free disk space
500    anything unexpected: a short incident id in the answer, the traceback in
       the log under the same id; never disguised as "damaged"
=====  ===========================================================================

A request with ``Accept: application/x-sheaf-progress`` gets the same work
followed live in one response (:mod:`app.api.progress`): the same refusals,
as its last line once the work has started.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
from collections.abc import Callable, Iterator

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.api import openapi, progress
from app.api.declare import Context, FileOut, Operation, operations, view_name
from app.api.inputs import InputError, read
from app.api.names import download_name, result_headers
from app.api.workspace import Workspace
from app.pdf.core.errors import MESSAGES, REQUEST_CODES, PdfError
from app.pdf.core.job import Cancelled, Job
from app.settings import Settings
from app.web import error_response, settings

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def pdf_error_message(exc: PdfError) -> str:
    # A "reason" is itself a marked message (app.pdf marks them with N_).
    params = {k: _(v) if k == "reason" else v for k, v in exc.params.items()}
    return _(MESSAGES[exc.code]).format(**params)


def file_response(out: FileOut) -> Response:
    """Stream the result from disk in chunks (never whole in memory)."""
    handle = open(out.path, "rb")  # noqa: SIM115 - closed by the response
    size = os.fstat(handle.fileno()).st_size

    def chunks() -> Iterator[bytes]:
        while chunk := handle.read(CHUNK):
            yield chunk

    resp = Response(chunks(), mimetype=out.mimetype)
    resp.call_on_close(handle.close)
    resp.headers["Content-Length"] = str(size)
    resp.headers.update(result_headers(out))
    return resp


def job_for(s: Settings) -> Job:
    environ = request.environ
    client_gone = environ.get("waitress.client_disconnected") or (lambda: False)
    stopping = s.stopping
    limits = s.limits
    return Job(
        max_pages=limits.max_pages,
        max_output_files=limits.max_output_files,
        memory_budget=limits.memory_budget,
        cancelled=lambda: stopping.is_set() or bool(client_gone()),
    )


def _unexpected(op: Operation) -> Response:
    incident = secrets.token_hex(4)
    log.exception("operation %s failed: incident %s", op.name, incident)
    return error_response(
        500,
        "internal_error",
        _(
            "Something went wrong inside Sheaf (incident %(incident)s). Your file was not"
            " changed. Please try again; if it happens again, report the incident number.",
            incident=incident,
        ),
    )


def _range_field(op: Operation) -> str | None:
    """The field a page-range problem is about: the operation's range field the
    request filled in (``pages``, ``ranges`` or ``order``)."""
    for name in ("pages", "ranges", "order", "angle", "every", "page"):
        if any(f.name == name for f in op.fields) and request.form.get(name):
            return name
    return None


def _unreadable(exc: Exception) -> bool:
    import pikepdf

    return isinstance(exc, pikepdf.PdfError) and not isinstance(exc, pikepdf.PasswordError)


def _names() -> str:
    files = [f.filename for f in request.files.values() if f.filename]
    return ", ".join(download_name(f, "")[:80] for f in files[:3]) or "PDF"


def _refusal(op: Operation, exc: Exception) -> Response:
    """The one answer for each way an operation can fail (the table at the top)."""
    if isinstance(exc, InputError):
        return error_response(400, exc.code, exc.message, exc.field)
    if isinstance(exc, PdfError):
        if exc.code in REQUEST_CODES:
            named = exc.params.get("option")
            declared = isinstance(named, str) and any(f.name == named for f in op.fields)
            field = named if declared and isinstance(named, str) else _range_field(op)
            if exc.code == "no_signature":
                field = None  # about the signature as a whole (drawn, typed or chosen)
            return error_response(400, exc.code, pdf_error_message(exc), field)
        return error_response(422, exc.code, pdf_error_message(exc))
    if isinstance(exc, Cancelled):
        why = "the server is stopping" if settings().stopping.is_set() else "the client went away"
        log.info("operation %s stopped early: %s", op.name, why)
        return error_response(503, "stopping", _("Sheaf is stopping. Please try again."))
    if isinstance(exc, OSError) and exc.errno in DISK_FULL:
        log.error("operation %s: disk full", op.name)
        return error_response(
            507, "disk_full", _("There is not enough free disk space for this job.")
        )
    if _unreadable(exc):  # qpdf met damage it could not repair while working
        log.warning("operation %s: unreadable input: %s", op.name, exc)
        return error_response(
            422, "damaged_pdf", pdf_error_message(PdfError("damaged_pdf", name=_names()))
        )
    return _unexpected(op)


def _view(op: Operation) -> Callable[[], Response]:
    def view() -> Response:
        s = settings()
        workspace = Workspace()
        try:
            inputs = read(op.fields, workspace, s.limits.max_files)
            if progress.wanted():  # the same work, followed line by line (app.api.progress)
                return progress.respond(op, inputs, workspace, job_for(s), _refusal)
            result = op.handler(inputs, Context(workspace, job_for(s), op))
            resp = file_response(result) if isinstance(result, FileOut) else jsonify(result)
        except HTTPException:
            workspace.cleanup()
            raise  # 413 and friends: the app-wide handlers word them
        except Exception as exc:
            workspace.cleanup()
            return _refusal(op, exc)
        # After the last byte is sent, or when the client went away mid-download.
        resp.call_on_close(workspace.cleanup)
        return resp

    view.__name__ = view_name(op.name)
    return view


def register(bp: Blueprint) -> None:
    for op in operations():
        bp.add_url_rule(f"/{op.name}", view_func=_view(op), methods=["POST"])
    bp.add_url_rule("/openapi.json", view_func=openapi.document, methods=["GET"])
