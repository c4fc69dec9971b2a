"""Turning each declared operation into a POST route, with one error and cleanup path."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.utils import secure_filename

from app.api import openapi
from app.api.inputs import InputError, read
from app.api.operations import OPERATIONS, Context, FileOut, Operation
from app.api.workspace import Workspace
from app.pdf.errors import MESSAGES, PdfError
from app.security import error_response, settings

log = logging.getLogger(__name__)

#: Problems with options are the request's fault (400); problems with the
#: document are "we understood, but cannot do this to that file" (422).
CHUNK = 256 * 1024
BAD_REQUEST_CODES = {"bad_page_range", "page_out_of_range", "bad_option", "no_pages_left"}


def pdf_error_message(exc: PdfError) -> str:
    # A "reason" is itself a marked message (app.pdf marks them with N_).
    params = {k: _(v) if k == "reason" else v for k, v in exc.params.items()}
    return _(MESSAGES[exc.code]).format(**params)


def content_disposition(name: str) -> str:
    """``attachment`` with the person's own file name (RFC 6266/5987), Chinese included,
    and a plain ASCII fallback for old clients (``secure_filename`` alone would leave
    nothing of "报告.pdf")."""
    suffix = Path(name).suffix
    ascii_stem = secure_filename(Path(name).stem)
    if not ascii_stem or ascii_stem[0] in "-_.":  # "年度报告-rotated" -> "-rotated"
        ascii_stem = "document" + (ascii_stem if ascii_stem[:1] in ("-", "_") else "")
    ascii_name = f"{ascii_stem}{secure_filename(suffix) and suffix}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


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
    resp.headers["Content-Disposition"] = content_disposition(out.download_name)
    resp.headers.update(out.headers)
    return resp


def _view(op: Operation) -> Callable[[], Response]:
    def view() -> Response:
        s = settings()
        workspace = Workspace()
        try:
            inputs = read(op.fields, workspace, s.limits.max_files)
            ctx = Context(workspace, s.limits.max_pages, s.limits.max_image_pixels)
            result = op.handler(inputs, ctx)
            resp = file_response(result) if isinstance(result, FileOut) else jsonify(result)
        except InputError as exc:
            workspace.cleanup()
            return error_response(400, exc.code, exc.message)
        except PdfError as exc:
            workspace.cleanup()
            status = 400 if exc.code in BAD_REQUEST_CODES else 422
            return error_response(status, exc.code, pdf_error_message(exc))
        except HTTPException:
            workspace.cleanup()
            raise  # 413 and friends: the app-wide handlers word them
        except Exception:
            workspace.cleanup()
            # A file no library could handle: say so; the traceback goes to the log.
            log.exception("operation %s failed", op.name)
            return error_response(
                422,
                "processing_failed",
                _("Sheaf could not process this file. It may be damaged or unusual."),
            )
        # After the last byte is sent, or when the client went away mid-download.
        resp.call_on_close(workspace.cleanup)
        return resp

    view.__name__ = "op_" + op.name.replace("/", "_").replace("-", "_")
    return view


def register(bp: Blueprint) -> None:
    for op in OPERATIONS:
        bp.add_url_rule(f"/{op.name}", view_func=_view(op), methods=["POST"])
    bp.add_url_rule("/openapi.json", view_func=openapi.document, methods=["GET"])
