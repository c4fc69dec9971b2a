"""The desktop's opened files: the page that shows them, their bytes, and saving beside them.

Files arrive from the command line (``Sheaf file.pdf``, "Open with", drag onto
the icon) or from a second launch, which hands them over with the launch
token (``POST /opened``, Bearer only: a page cannot add files). Pages read a
file and write next to it only by its id in :class:`app.opened.OpenedFiles`.
Server mode has none of these routes (404).
"""

from __future__ import annotations

import errno
import logging
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    send_file,
)
from flask_babel import gettext as _

from app.meta import SLUG
from app.opened import Opened, OpenedFiles, examine, save_next_to
from app.security import error_response

log = logging.getLogger(__name__)
bp = Blueprint("opened", __name__)
KEY = f"{SLUG}.opened"


def registry() -> OpenedFiles:
    files = current_app.extensions.get(KEY)
    if files is None:
        abort(404)
    return files


def _entry(file_id: str) -> Opened:
    entry = registry().get(file_id)
    if entry is None:
        abort(404)
    return entry


@bp.get("/opened")
def page() -> str:
    from app.views.catalog import TOOLS
    from app.views.tool_model import PDF_ACCEPT

    entries = registry().all()
    pdf_tools = [t for t in TOOLS if t.accept == PDF_ACCEPT]
    return render_template("opened.html", entries=entries, pdf_tools=pdf_tools)


@bp.post("/opened")
def hand_over() -> Response | tuple[Response, int]:
    """A second launch hands its files to this one (Bearer token only)."""
    if g.get("auth") != "bearer":
        abort(403)
    body = request.get_json(silent=True) or {}
    paths = body.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return error_response(400, "bad_field", "paths must be a list of strings")
    from pathlib import Path

    base = body.get("cwd")
    added = registry().add(paths, Path(base) if isinstance(base, str) else None)
    log.info("a second launch opened %d file(s)", len(added))
    ticket = current_app.extensions[f"{SLUG}.tickets"].issue()  # its browser's way in
    return jsonify({"opened": [e.id for e in added], "ticket": ticket}), 200


@bp.get("/opened/<file_id>/file")
def content(file_id: str) -> Response:
    entry = _entry(file_id)
    kind, problem = examine(entry.path)
    if kind is None:
        return error_response(404, "not_found", _(problem or "This file cannot be read."))
    resp = send_file(entry.path, download_name=entry.name, conditional=False, max_age=0)
    resp.headers["X-Sheaf-Name"] = quote(entry.name, safe="")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/opened/<file_id>/preview")
def preview(file_id: str) -> Response:
    from app.api.routes import job_for, pdf_error_message
    from app.pdf.document import Source
    from app.pdf.errors import PdfError
    from app.pdf.render import preview as run
    from app.security import settings

    entry = _entry(file_id)
    if entry.kind != "pdf":
        abort(404)
    try:
        return jsonify(
            run(Source(path=entry.path, name=entry.name), job_for(settings()), width=120)
        )
    except PdfError as exc:
        return error_response(422, exc.code, pdf_error_message(exc))


@bp.post("/opened/<file_id>/save")
def save(file_id: str) -> tuple[Response, int] | Response:
    entry = _entry(file_id)
    upload = request.files.get("file")
    if upload is None:
        return error_response(400, "missing_file", _("Please choose a file to work on."))
    name = request.form.get("name") or f"{entry.path.stem}-result.pdf"
    try:
        saved = save_next_to(entry, name, upload.stream)
    except PermissionError:
        return error_response(
            403, "not_writable", _("Sheaf is not allowed to write in that folder.")
        )
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return error_response(
                507, "disk_full", _("There is not enough free disk space for this job.")
            )
        raise
    log.info("saved a result next to an opened file")
    return jsonify({"name": saved.name, "folder": str(saved.parent)}), 201
