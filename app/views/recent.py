"""The desktop's "Recent files" on the home page: open one again, or take it off the list.

Both are plain form posts (CSRF-checked like every change) that answer with a
page or a redirect, so they work without scripts. A request names an entry by
its id in :class:`app.desktop.recent.RecentFiles`, never by a path. Opening again
registers the file exactly as a file given on the command line is, then shows it
on the opened-files page with its tools. Server mode has no list: 404.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse  # what flask.redirect is typed as

from app.desktop.recent import GONE, RecentFiles, check_reopen
from app.web import settings, state, wants_json

log = logging.getLogger(__name__)
bp = Blueprint("recent", __name__)


def recent_files() -> RecentFiles:
    recent = state().recent
    if recent is None:
        abort(404)
    return recent


@bp.post("/recent/<entry_id>/open")
def reopen(entry_id: str) -> BaseResponse | tuple[str, int]:
    from app.views.opened import registry

    entry = recent_files().get(entry_id)
    if entry is None:
        abort(404)
    path, problem = check_reopen(entry, settings().limits.max_upload_bytes)
    if path is None:
        log.info("a recent file could not be opened again")
        status = 404 if problem == GONE else 422
        return render_template("recent_problem.html", entry=entry, message=_(problem)), status
    opened = registry().add([str(path)])[0]
    return redirect(url_for("opened.page", file=opened.id, _anchor=f"file-{opened.id}"), 303)


@bp.post("/recent/<entry_id>/remove")
def remove(entry_id: str) -> BaseResponse:
    """Off the list (the file stays where it is); an entry already gone is no error.
    A script (js/recent.js) asks for JSON and gets 204 instead of the home page."""
    recent_files().remove(entry_id)
    if wants_json():
        return Response(status=204)
    return redirect(url_for("main.index", _anchor="recent"), 303)
