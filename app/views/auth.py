"""Server mode with a shared password: the login page and logging out."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse  # what flask.redirect is typed as

from app.security.attempts import password_attempt, set_device_cookie, too_many_attempts
from app.security.cookies import session_cookie_name, set_session_cookie
from app.security.keys import keys
from app.security.redirects import safe_next
from app.web import settings

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | str:
    s = settings()
    if not s.password:
        return redirect(url_for("main.index"))
    error = None
    status = 200
    if request.method == "POST":
        refused = too_many_attempts()
        if refused:
            return refused
        ok = keys().matches_secret(request.form.get("password", ""))
        password_attempt(ok)
        if ok:
            # flask.redirect makes the app's response_class (a flask Response), typed as
            # werkzeug's; the cookie setters take flask's
            resp = cast(Response, redirect(_safe_next(request.form.get("next")), code=303))
            set_session_cookie(resp)
            set_device_cookie(resp)
            return resp
        error = _("That password is not right.")
        status = 401
    page = render_template(
        "login.html",
        error=error,
        next=_safe_next(request.args.get("next") or request.form.get("next")),
    )
    return Response(page, status=status)


@bp.post("/logout")
def logout() -> BaseResponse:
    resp = redirect(url_for("auth.login") if settings().password else url_for("main.index"), 303)
    sessions = keys().sessions
    if sessions is not None:
        sessions.revoke(request.cookies.get(session_cookie_name()))
    resp.delete_cookie(session_cookie_name(), path="/")
    return resp
