"""Who may talk to Sheaf, and what every response carries.

Four checks run before each request, in this order:

1. **Host** – the Host header must be one we serve. In desktop mode that is
   127.0.0.1/localhost/[::1] with our port, which defeats DNS rebinding (a
   web page whose host name suddenly resolves to 127.0.0.1 still sends its
   own name as Host).
2. **Authentication** – desktop: the per-launch token, as a ``Bearer`` header,
   as ``?token=`` once (exchanged for an HttpOnly, SameSite=Strict cookie), or
   as that cookie. Server: open, a shared password (login page and an expiring
   session cookie from :mod:`app.sessions`, or ``Bearer``; wrong passwords are
   slowed down per address by :mod:`app.throttle`), or a sign-in proxy's user
   header believed only from the trusted proxy. Localhost is not a trust
   boundary: other users of the machine can reach our port, so desktop mode
   never runs open.
3. **Cross-site requests** – every state-changing request must come from our
   own origin (``Origin``/``Sec-Fetch-Site``) and carry the CSRF token
   (derived from the launch token or password; a double-submit cookie on an
   open server). Cookies do not separate ports, so these checks, not
   SameSite, are what stop a page on another localhost port. Bearer requests
   are exempt: browsers never add that header on their own.
4. **Headers** – a strict Content-Security-Policy (no inline script anywhere),
   no framing, no referrer, no sniffing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.meta import SLUG
from app.sessions import Sessions
from app.settings import Settings
from app.throttle import Throttle

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Endpoints anyone who passes the Host check may use.
PUBLIC_ENDPOINTS = frozenset({"health.healthz", "static", "auth.login", "auth.logout"})
#: Where the runtime keeps the TCP peer's address before proxy headers rewrite it.
PEER_KEY = "sheaf.peer"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def settings() -> Settings:
    return current_app.extensions[f"{SLUG}.settings"]


class Keys:
    """Secrets derived once per app: what a valid session cookie looks like."""

    def __init__(self, s: Settings) -> None:
        self.secret: bytes | None
        if s.desktop:
            if not s.token:
                raise ValueError("desktop mode needs a launch token")
            self.secret = s.token.encode()
        elif s.password:
            # Replicas behind a load balancer share nothing but the password, so the
            # session value is derived from it (slowly, once) rather than stored.
            self.secret = hashlib.pbkdf2_hmac(
                "sha256", s.password.encode(), b"sheaf-session-v1", 200_000
            )
        else:
            self.secret = None
        #: Desktop: one value per launch (the launch itself is the session).
        self.session_value = self._derive(b"session")
        self.csrf_value = self._derive(b"csrf")
        self.sessions: Sessions | None = None
        if self.secret and not s.desktop:
            self.sessions = Sessions(self.secret, idle=s.session_idle, max_age=s.session_max_age)

    def new_session(self) -> str:
        return self.sessions.issue() if self.sessions else self.session_value

    def _derive(self, purpose: bytes) -> str:
        if not self.secret:
            return ""
        return hmac.new(self.secret, purpose, hashlib.sha256).hexdigest()

    def check_bearer(self, s: Settings, presented: str) -> bool:
        expected = s.token if s.desktop else s.password
        return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())

    def check_session(self, value: str | None) -> tuple[bool, str | None]:
        """Is ``value`` a live session cookie? Also a renewed cookie to send, or None."""
        if self.sessions is not None:
            return self.sessions.check(value)
        ok = bool(value and self.session_value) and hmac.compare_digest(
            value.encode(), self.session_value.encode()
        )
        return ok, None


def session_cookie_name() -> str:
    return f"{SLUG}_session{settings().cookie_suffix}"


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
        keys = _keys()
        if keys.secret and g.get("auth") in ("cookie", "bearer"):
            g.csrf_token = keys.csrf_value
        elif settings().desktop:
            g.csrf_token = ""
        else:
            existing = request.cookies.get(csrf_cookie_name(), "")
            g.csrf_token = existing if len(existing) >= 32 else secrets.token_urlsafe(32)
            g.csrf_cookie = True
    return g.csrf_token


def _keys() -> Keys:
    return current_app.extensions[f"{SLUG}.keys"]


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str) -> Response:
    """One way to say no: JSON for API callers, a page for people."""
    if _wants_json():
        resp = jsonify(error=code, message=message)
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


# -- 2. Authentication -------------------------------------------------------------------


def client_address() -> str:
    """The client's address: the peer's, or the forwarded one behind a trusted proxy
    (waitress's proxy middleware rewrites ``REMOTE_ADDR`` only then)."""
    return request.remote_addr or "?"


def from_trusted_proxy() -> bool:
    proxy = settings().trusted_proxy
    peer = request.environ.get(PEER_KEY, request.remote_addr)
    return bool(proxy) and (proxy == "*" or peer == proxy)


def too_many_attempts() -> Response | None:
    """429 with Retry-After if this address must wait before trying a password again."""
    if settings().desktop:
        return None  # a 256-bit launch token cannot be guessed; local scripts stay simple
    wait = _throttle().retry_after(client_address())
    if not wait:
        return None
    resp = error_response(
        429,
        "too_many_attempts",
        _("Too many wrong passwords. Please wait %(seconds)d seconds and try again.", seconds=wait),
    )
    resp.headers["Retry-After"] = str(wait)
    return resp


def password_attempt(ok: bool) -> None:
    if settings().desktop:
        return
    if ok:
        _throttle().succeeded(client_address())
    else:
        _throttle().failed(client_address())


def _throttle() -> Throttle:
    return current_app.extensions[f"{SLUG}.throttle"]


def _authenticate() -> Response | None:
    s = settings()
    keys = _keys()
    g.auth = None
    if s.auth_header:
        return _proxy_user(s)
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        refused = too_many_attempts()
        if refused:
            return refused
        ok = keys.check_bearer(s, header[7:].strip())
        password_attempt(ok)
        if ok:
            g.auth = "bearer"
            return None
        return error_response(401, "unauthorized", _("That access token is not valid."))
    valid, renewed = keys.check_session(request.cookies.get(session_cookie_name()))
    if valid:
        g.auth = "cookie"
        g.renewed_session = renewed
    elif not keys.secret:
        g.auth = "open"
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if s.desktop and "token" in request.args and request.method == "GET":
        return _exchange_token(request.args["token"])
    if g.auth:
        return None
    if s.desktop:
        return error_response(
            401,
            "unauthorized",
            _("Sheaf is not open in this window. Please start Sheaf from its icon."),
        )
    if _wants_json() or request.method != "GET":
        return error_response(401, "unauthorized", _("Please sign in to use Sheaf."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _proxy_user(s: Settings) -> Response | None:
    """Behind a sign-in proxy: its header names the user, but only the proxy may say so
    (anyone else could send the same header)."""
    user = request.headers.get(s.auth_header or "", "").strip()
    if user and from_trusted_proxy():
        g.auth = "proxy"
        g.user = user
        return None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return error_response(
        401, "unauthorized", _("Please sign in through your organisation’s sign-in page.")
    )


def _exchange_token(presented: str) -> Response:
    """Trade the launch token for a cookie, then get the token out of the address bar.

    A 302 would lose the cookie: SameSite=Strict cookies are withheld from a
    redirect chain that started on another site (the browser opened a local
    file). A page that refreshes to the clean URL is a same-site navigation.
    """
    if not _keys().check_bearer(settings(), presented):
        return error_response(
            401,
            "unauthorized",
            _("This Sheaf link has expired. Please start Sheaf from its icon."),
        )
    args = request.args.to_dict(flat=False)
    args.pop("token", None)
    target = request.path
    if args:
        from urllib.parse import urlencode

        target += "?" + urlencode(args, doseq=True)
    resp = Response(render_template("enter.html", target=target), mimetype="text/html")
    set_session_cookie(resp)
    return resp


def secure_cookies() -> bool:
    return request.is_secure or settings().cookie_secure


def set_session_cookie(resp: Response, value: str | None = None) -> None:
    resp.set_cookie(
        session_cookie_name(),
        value or _keys().new_session(),
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(),
        path="/",
    )


# -- 3. Cross-site requests ----------------------------------------------------------------


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
    return bool(referer) and not _same_origin(referer)


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
    keys = _keys()
    if g.get("auth") == "cookie":
        if not hmac.compare_digest(_presented_csrf().encode(), keys.csrf_value.encode()):
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


# -- 4. Headers ------------------------------------------------------------------------------


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
    if settings().hsts and secure_cookies():
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    if g.get("renewed_session") and session_cookie_name() not in _cookies_set(resp):
        set_session_cookie(resp, g.renewed_session)
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


def _cookies_set(resp: Response) -> set[str]:
    return {v.split("=", 1)[0] for v in resp.headers.getlist("Set-Cookie")}


def init_app(app: Flask, s: Settings) -> None:
    app.extensions[f"{SLUG}.keys"] = Keys(s)
    app.extensions[f"{SLUG}.throttle"] = Throttle()
    app.before_request(_check_host)
    app.before_request(_authenticate)
    app.before_request(_check_csrf)
    app.after_request(_finish)
    app.add_template_global(csrf_token)
