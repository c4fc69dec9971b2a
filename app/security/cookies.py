"""The session cookie: its name, how it is set, and its renewal on the way out.

HttpOnly and SameSite=Strict always; Secure on HTTPS or where the setting asks for
it (behind a proxy that ends TLS). The name carries the desktop's port, since
cookies are per host, not per port (:attr:`app.settings.Settings.cookie_suffix`).
"""

from __future__ import annotations

from flask import Response, g, request

from app.meta import SLUG
from app.security.keys import keys
from app.web import settings


def session_cookie_name() -> str:
    return f"{SLUG}_session{settings().cookie_suffix}"


def secure_cookies() -> bool:
    return request.is_secure or settings().cookie_secure


def set_session_cookie(resp: Response, value: str | None = None) -> None:
    resp.set_cookie(
        session_cookie_name(),
        value or keys().new_session(),
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(),
        path="/",
    )


def renew_session(resp: Response) -> Response:
    """Send the renewed session cookie, unless this response sets one itself."""
    renewed = g.get("renewed_session")
    names = {v.split("=", 1)[0] for v in resp.headers.getlist("Set-Cookie")}
    if renewed and session_cookie_name() not in names:
        set_session_cookie(resp, renewed)
    return resp
