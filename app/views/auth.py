"""Server mode with a shared password: the login page and logging out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.security import _keys, session_cookie_name, set_session_cookie, settings

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only paths on this site: ``next=//evil.example`` must not become an open redirect."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    s = settings()
    if not s.password:
        return redirect(url_for("main.index"))
    error = None
    status = 200
    if request.method == "POST":
        if _keys().check_bearer(s, request.form.get("password", "")):
            resp = redirect(_safe_next(request.form.get("next")), code=303)
            set_session_cookie(resp)
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
def logout() -> Response:
    resp = redirect(url_for("auth.login") if settings().password else url_for("main.index"), 303)
    resp.delete_cookie(session_cookie_name(), path="/")
    return resp
