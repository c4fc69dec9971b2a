"""The desktop's opened files: the page that shows them, their bytes, and saving beside them.

Files arrive from the command line (``Sheaf file.pdf``, "Open with", drag onto
the icon) or from a second launch, which hands them over with the launch
token (``POST /opened``, Bearer only: a page cannot add files). Pages read a
file and write next to it only by its id in :class:`app.desktop.opened.OpenedFiles`,
and only while the file and its folder are the ones that were opened (409
otherwise). Server mode has none of these routes (404).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    jsonify,
    render_template,
    request,
    send_file,
)
from flask_babel import gettext as _

from app.desktop.opened import Changed, Opened, OpenedFiles, open_pinned, save_next_to
from app.web import error_response, need, state

log = logging.getLogger(__name__)
bp = Blueprint("opened", __name__)


def registry() -> OpenedFiles:
    files = state().opened
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
    shown = request.args.get("file")  # one file opened again from the recent list
    if shown is not None:
        entries = [e for e in entries if e.id == shown] or entries
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
    base = body.get("cwd")
    added = registry().add(paths, Path(base) if isinstance(base, str) else None)
    log.info("a second launch opened %d file(s)", len(added))
    ticket = need(state().tickets, "tickets").issue()  # its browser's way in
    return jsonify({"opened": [e.id for e in added], "ticket": ticket}), 200


def _unreadable(entry: Opened) -> Response:
    """A file that could not be read when it was opened (its reason, found then)."""
    return error_response(404, "not_found", _(entry.problem or "This file cannot be read."))


def _refusal(exc: OSError | Changed) -> Response:
    """Why an opened file cannot be read (or written beside) now."""
    if isinstance(exc, Changed):
        log.warning("an opened file or its folder was replaced; refused")
        return error_response(409, "changed", _(exc.message))
    if isinstance(exc, FileNotFoundError):
        return error_response(404, "not_found", _("This file does not exist (any more)."))
    if isinstance(exc, PermissionError):
        return error_response(403, "not_readable", _("Sheaf is not allowed to read this file."))
    return error_response(404, "not_found", _("This file cannot be read."))


@bp.get("/opened/<file_id>/file")
def content(file_id: str) -> Response:
    entry = _entry(file_id)
    if entry.kind is None:
        return _unreadable(entry)
    try:
        f = open_pinned(entry)
    except (OSError, Changed) as exc:
        return _refusal(exc)
    resp = send_file(f, download_name=entry.name, conditional=False, max_age=0)
    resp.headers["X-Sheaf-Name"] = quote(entry.name, safe="")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/opened/<file_id>/preview")
def preview(file_id: str) -> Response:
    from app.api.routes import job_for, pdf_error_message
    from app.pdf.core.document import Source
    from app.pdf.core.errors import PdfError
    from app.pdf.render import preview as run
    from app.web import settings

    entry = _entry(file_id)
    if entry.kind != "pdf":
        abort(404)
    try:
        with _readable_path(entry) as path:
            return jsonify(run(Source(path=path, name=entry.name), job_for(settings()), width=120))
    except (OSError, Changed) as exc:
        return _refusal(exc)
    except PdfError as exc:
        return error_response(422, exc.code, pdf_error_message(exc))


@contextmanager
def _readable_path(entry: Opened) -> Iterator[Path]:
    """A path the PDF layer can open that is surely the pinned file: the open
    descriptor's own name where the system has one (/proc), else a private copy."""
    import shutil

    from app.api.workspace import Workspace

    with open_pinned(entry) as f:
        own = Path(f"/proc/self/fd/{f.fileno()}")
        if own.exists():
            yield own
            return
        workspace = Workspace()
        try:
            copy = workspace.input_path()
            with copy.open("wb") as out:
                shutil.copyfileobj(f, out)
            yield copy
        finally:
            workspace.cleanup()


@bp.post("/opened/<file_id>/save")
def save(file_id: str) -> tuple[Response, int] | Response:
    entry = _entry(file_id)
    if entry.kind is None:  # never readable: no tool offered to save beside it
        return _unreadable(entry)
    upload = request.files.get("file")
    if upload is None:
        return error_response(400, "missing_file", _("Please choose a file to work on."))
    name = request.form.get("name") or f"{entry.path.stem}-result.pdf"
    try:
        saved = save_next_to(entry, name, upload.stream)
    except (Changed, FileNotFoundError) as exc:
        return _refusal(exc)
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
    _remember_saved(saved)
    return jsonify({"name": saved.name, "folder": str(saved.parent)}), 201


def _remember_saved(saved: Path) -> None:
    """A saved PDF or image goes on the recent files list (a ZIP cannot be opened again)."""
    from app.desktop.recent import REOPEN_SUFFIXES

    recent = state().recent
    if recent is not None and saved.suffix.lower() in REOPEN_SUFFIXES:
        recent.record(saved, "saved")
