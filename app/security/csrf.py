"""Cross-site requests: every change must come from Sheaf's own page, with its token.

Every state-changing request must come from our own origin
(``Origin``/``Sec-Fetch-Site``) and carry the CSRF token (derived from the
launch token or password; a double-submit cookie on an open server or behind
a sign-in proxy). Cookies do not separate ports, so these checks, not
SameSite, are what stop a page on another localhost port. Bearer requests are
exempt: browsers never add that header on their own.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask_babel import gettext as _

from app.meta import SLUG
from app.security.cookies import secure_cookies
from app.security.keys import keys
from app.web import error_response, settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_cookie_name() -> str:
    return f"{SLUG}_csrf{settings().cookie_suffix}"


def csrf_token() -> str:
    """The CSRF token for forms and scripts on this page (a template global).

    A signed-in session (desktop token, server password) gets a token derived
    from the secret: fixed for the session, so pages loading side by side can
    never disagree, and impossible to plant. An open server (and a login form)
    uses a random value mirrored in a cookie (double submit). An unauthenticated
    desktop page gets none: it has nothing to protect and must leak nothing.
    """
    if "csrf_token" not in g:
        found = keys()
        if found.secret and g.get("auth") in ("cookie", "bearer"):
            g.csrf_token = found.csrf_value
        elif settings().desktop:
            g.csrf_token = ""
        else:
            existing = request.cookies.get(csrf_cookie_name(), "")
            g.csrf_token = existing if len(existing) >= 32 else secrets.token_urlsafe(32)
            g.csrf_cookie = True
    return g.csrf_token


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return (parts.scheme, parts.netloc.lower()) == (request.scheme, (request.host or "").lower())


def _cross_site() -> bool:
    """Does the browser say this request comes from another origin?

    ``Sec-Fetch-Site`` is the browser's own word and cannot be set by a page.
    Where it is missing (older browsers), ``Origin`` and then ``Referer``
    decide. ``Origin: null`` is what Chrome sends for our own form posts under
    ``Referrer-Policy: no-referrer``, so it alone proves nothing either way;
    the signed CSRF token below still has to match.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return not _same_origin(origin)
    referer = request.headers.get("Referer")
    return bool(referer and not _same_origin(referer))


def _from_browser() -> bool:
    h = request.headers
    return bool(h.get("Origin") or h.get("Referer") or h.get("Sec-Fetch-Site") or request.cookies)


def _presented_csrf() -> str:
    # The header first: reading a form field means parsing the whole (upload) body.
    return request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")


def _check_csrf() -> Response | None:
    if request.method not in UNSAFE_METHODS or g.get("auth") == "bearer":
        return None
    if _cross_site():
        return _csrf_failed()
    found = keys()
    if g.get("auth") == "cookie":
        if not hmac.compare_digest(_presented_csrf().encode(), found.csrf_value.encode()):
            return _csrf_failed()
        return None
    # Open server, or the login form: nothing secret to sign with.
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return None  # the browser itself vouches for the origin; a page cannot fake it
    if g.get("auth") == "open" and not _from_browser():
        return None  # a script on an open server: there is no browser to forge for
    expected = request.cookies.get(csrf_cookie_name(), "")
    presented = _presented_csrf()
    if len(expected) < 32 or not hmac.compare_digest(expected.encode(), presented.encode()):
        return _csrf_failed()
    return None


def _csrf_failed() -> Response:
    return error_response(
        403,
        "csrf_failed",
        _("This form has expired or came from another site. Please reload the page and try again."),
    )


def _set_cookie(resp: Response) -> Response:
    if g.get("csrf_cookie") and request.cookies.get(csrf_cookie_name()) != g.csrf_token:
        resp.set_cookie(
            csrf_cookie_name(),
            g.csrf_token,
            httponly=True,
            samesite="Strict",
            secure=secure_cookies(),
            path="/",
        )
    return resp


def init_app(app: Flask) -> None:
    app.before_request(_check_csrf)
    app.after_request(_set_cookie)
    app.add_template_global(csrf_token)
