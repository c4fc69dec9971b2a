"""The pages every mode has: home, language switch, and the desktop's quit and presence."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse  # what flask.redirect is typed as

from app import i18n
from app.desktop.presence import HEARTBEAT_SECONDS
from app.security.redirects import safe_next
from app.web import settings, state

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    recent = state().recent  # desktop only: server mode keeps no list
    return render_template(
        "index.html", tool_grid=_tool_grid(), recent=recent.all() if recent else None
    )


def _tool_grid() -> Markup:
    """The tool list is most of the home page's rendering time (two translated strings
    and two URLs per tool) and the same for everyone in a language: render it once."""
    cache = state().tool_grid
    key = (str(i18n.get_locale()), request.script_root)
    if key not in cache:
        html = render_template("tools/_grid.html", words=_words())
        cache[key] = Markup(html)  # noqa: S704 - our template
    return cache[key]


def _words() -> dict[str, str]:
    """What the home page's filter matches for each tool: its name and line in every
    language Sheaf speaks, so "watermark" and "水印" both find it whatever the page's."""
    from flask_babel import force_locale

    from app.views.catalog import TOOLS

    words: dict[str, list[str]] = {tool.slug: [tool.slug] for tool in TOOLS}
    for code in i18n.LANGUAGES:
        with force_locale(code):
            for tool in TOOLS:
                words[tool.slug] += [str(tool.title), str(tool.summary)]
    return {slug: " ".join(found).lower() for slug, found in words.items()}


@bp.post("/language")
def set_language() -> BaseResponse:
    code = i18n.normalize(request.form.get("lang"))
    if code is None:
        abort(400)
    resp = redirect(safe_next(request.form.get("next")), 303)
    resp.set_cookie(i18n.COOKIE, code, max_age=365 * 24 * 3600, samesite="Strict", path="/")
    return resp


@bp.post("/quit")
def quit_sheaf() -> str:
    stop = settings().request_shutdown
    if stop is None:
        abort(404)
    stop()
    return render_template("stopped.html")


@bp.post("/presence")
def presence() -> Response:
    """Heartbeat, hello and goodbye from open pages (desktop idle shutdown)."""
    tracker = state().presence
    page = request.form.get("page", "")
    event = request.form.get("event", "beat")
    if tracker is not None and page:
        if event == "bye":
            tracker.leave(page)
        else:
            tracker.beat(page)
    headers = {"X-Heartbeat-Seconds": str(HEARTBEAT_SECONDS)}
    if tracker is not None:
        headers["X-Open-Pages"] = str(tracker.live_pages())  # for "Quit Sheaf?"
    return Response(status=204, headers=headers)


@bp.app_context_processor
def page_context() -> dict:
    return {"heartbeat_seconds": HEARTBEAT_SECONDS}
