"""Who may talk to Sheaf, and what every response carries.

Three checks run before each request, in this order:

1. **Host** (here) – the Host header must be one we serve. In desktop mode that
   is 127.0.0.1/localhost/[::1] with our port, which defeats DNS rebinding (a
   web page whose host name suddenly resolves to 127.0.0.1 still sends its
   own name as Host).
2. **Who is asking** – :mod:`app.authn`: the desktop's launch token, a server
   password with expiring sessions, or a sign-in proxy's user header.
3. **Cross-site requests** – :mod:`app.csrf`: changes must come from Sheaf's
   own page with its token.

Then every response gets the headers below: a strict Content-Security-Policy
(no inline script anywhere), no framing, no referrer, no sniffing, and HSTS
where asked for. This module also holds the one way to say no
(:func:`error_response`), JSON for API callers and a page for people.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request

from app.meta import SLUG
from app.settings import Settings

#: Endpoints anyone who passes the Host check may use.
PUBLIC_ENDPOINTS = frozenset({"health.healthz", "static", "auth.login", "auth.logout"})
#: Where the runtime keeps the TCP peer's address before proxy headers rewrite it.
PEER_KEY = "sheaf.peer"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def settings() -> Settings:
    return current_app.extensions[f"{SLUG}.settings"]


def wants_json() -> bool:
    """The API, and the opened files' bytes, previews and saves (asked for by scripts
    on the page, which read the message from JSON)."""
    return (
        request.path.startswith(("/api/", "/opened/"))
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """One way to say no: JSON for API callers, a page for people. ``field``: the form
    field at fault, so a tool page can show the message beside it."""
    if wants_json():
        resp = jsonify(error=code, message=message, **({"field": field} if field else {}))
    else:
        resp = Response(
            render_template("error.html", status=status, code=code, message=message),
            mimetype="text/html",
        )
    resp.status_code = status
    return resp


# -- 1. Host ---------------------------------------------------------------------------


def _host_allowed() -> bool:
    allowed = settings().allowed_hosts
    if "*" in allowed:
        return True
    host = (request.host or "").lower()
    return host in allowed or host.rsplit(":", 1)[0] in allowed


def _check_host() -> Response | None:
    if not _host_allowed():
        # Plain text on purpose: a rebinding page gets nothing it could use.
        return Response("Unknown host\n", status=403, mimetype="text/plain")
    return None


# -- Headers ------------------------------------------------------------------------------


def _finish(resp: Response) -> Response:
    h = resp.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.endpoint != "static":
        h.setdefault("Cache-Control", "no-store")
    if settings().hsts and (request.is_secure or settings().cookie_secure):
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return resp


def init_app(app: Flask, s: Settings) -> None:
    """The checks in the order above: Host, who, cross-site; then headers on every answer."""
    from app import authn, csrf

    app.before_request(_check_host)
    authn.init_app(app, s)
    csrf.init_app(app)
    app.after_request(_finish)
