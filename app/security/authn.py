"""Who is asking: one policy per mode (launch token, password, sign-in proxy, open).

Desktop: the per-launch token, as a ``Bearer`` header, as ``?token=`` once
(exchanged for an HttpOnly, SameSite=Strict cookie), or as that cookie; or a
single-use ``?ticket=`` (:mod:`app.security.tickets`) where the browser is sandboxed.
Server: open, a shared password (login page and an expiring session cookie
from :mod:`app.security.sessions`, or ``Bearer``; wrong passwords are slowed down per
address by :mod:`app.security.throttle`), or a sign-in proxy's user header believed
only from the trusted proxy. Localhost is not a trust boundary: other users
of the machine can reach our port, so desktop mode never runs open. The
sign-in pages themselves are :mod:`app.views.auth`.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, Response, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import shared
from app.meta import SLUG
from app.security.sessions import Devices, Sessions
from app.security.throttle import Throttle
from app.settings import Settings
from app.web import PEER_KEY, error_response, need, settings, state, state_of, wants_json

#: Endpoints anyone who passes the Host check may use.
PUBLIC_ENDPOINTS = frozenset({"health.healthz", "static", "auth.login", "auth.logout"})

#: How long a browser that signed in is remembered as one that did (device cookie).
DEVICE_DAYS = 90


class Keys:
    """Secrets derived once per app: what a valid session cookie looks like."""

    def __init__(self, s: Settings, memory: shared.Memory) -> None:
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
        self.devices: Devices | None = None
        if self.secret and not s.desktop:
            self.sessions = Sessions(
                self.secret, memory, idle=s.session_idle, max_age=s.session_max_age
            )
            self.devices = Devices(self.secret, max_age=DEVICE_DAYS * 86400.0)

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


def keys() -> Keys:
    return need(state().keys, "keys")


def from_trusted_proxy() -> bool:
    proxy = settings().trusted_proxy
    peer = request.environ.get(PEER_KEY, request.remote_addr)
    return bool(proxy) and (proxy == "*" or peer == proxy)


class Policy:
    """How one mode decides who is asking; :func:`_authenticate` runs the app's policy.

    Each sets ``g.auth`` ("bearer", "cookie", "proxy" or "open") for the CSRF check
    and the pages, and returns a response only to turn the request away."""

    def authenticate(self) -> Response | None:
        raise NotImplementedError

    @staticmethod
    def _session() -> bool:
        valid, renewed = keys().check_session(request.cookies.get(session_cookie_name()))
        if valid:
            g.auth = "cookie"
            g.renewed_session = renewed
        return valid


class DesktopToken(Policy):
    """The per-launch token: a Bearer header, ``?token=`` once, or the cookie it buys."""

    def authenticate(self) -> Response | None:
        bearer = _bearer()
        if bearer is not None:
            if keys().check_bearer(settings(), bearer):
                g.auth = "bearer"
                return None
            return error_response(401, "unauthorized", _("That access token is not valid."))
        self._session()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if "token" in request.args and request.method == "GET":
            return _exchange_token(keys().check_bearer(settings(), request.args["token"]))
        if "ticket" in request.args and request.method == "GET":
            tickets = need(state().tickets, "tickets")
            return _exchange_token(tickets.redeem(request.args["ticket"]))
        if g.auth:
            return None
        return error_response(
            401,
            "unauthorized",
            _("Sheaf is not open in this window. Please start Sheaf from its icon."),
        )


class SharedPassword(Policy):
    """A server password: the sign-in page and a session, or Bearer; guessing is slowed."""

    def authenticate(self) -> Response | None:
        from app.security.attempts import password_attempt, too_many_attempts

        bearer = _bearer()
        if bearer is not None:
            refused = too_many_attempts()
            if refused:
                return refused
            ok = keys().check_bearer(settings(), bearer)
            password_attempt(ok)
            if ok:
                g.auth = "bearer"
                return None
            return error_response(401, "unauthorized", _("That access token is not valid."))
        if self._session() or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if wants_json() or request.method != "GET":
            return error_response(401, "unauthorized", _("Please sign in to use Sheaf."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class SignInProxy(Policy):
    """A sign-in proxy's header names the user, believed only from the proxy itself
    (anyone else could send the same header)."""

    def authenticate(self) -> Response | None:
        user = request.headers.get(settings().auth_header or "", "").strip()
        if user and from_trusted_proxy():
            g.auth = "proxy"
            g.user = user
            return None
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        return error_response(
            401, "unauthorized", _("Please sign in through your organisation’s sign-in page.")
        )


class Open(Policy):
    """A server without sign-in (behind a firewall or a proxy that decides)."""

    def authenticate(self) -> Response | None:
        g.auth = "open"
        return None


def policy_for(s: Settings) -> Policy:
    if s.desktop:
        return DesktopToken()
    if s.auth_header:
        return SignInProxy()
    if s.password:
        return SharedPassword()
    return Open()


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def _authenticate() -> Response | None:
    g.auth = None
    return need(state().policy, "policy").authenticate()


def _exchange_token(valid: bool) -> Response:
    """Trade the launch token (or a ticket) for a cookie, then get it out of the address bar.

    A 302 would lose the cookie: SameSite=Strict cookies are withheld from a
    redirect chain that started on another site (the browser opened a local
    file). A page that refreshes to the clean URL is a same-site navigation.
    """
    if not valid:
        return error_response(
            401,
            "unauthorized",
            _("This Sheaf link has expired. Please start Sheaf from its icon."),
        )
    args = request.args.to_dict(flat=False)
    args.pop("token", None)
    args.pop("ticket", None)
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
        value or keys().new_session(),
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(),
        path="/",
    )


def _renew_session(resp: Response) -> Response:
    """Send the renewed session cookie, unless this response sets one itself."""
    renewed = g.get("renewed_session")
    names = {v.split("=", 1)[0] for v in resp.headers.getlist("Set-Cookie")}
    if renewed and session_cookie_name() not in names:
        set_session_cookie(resp, renewed)
    return resp


def init_app(app: Flask, s: Settings) -> None:
    memory = s.shared or shared.private()
    state = state_of(app)
    state.keys = Keys(s, memory)
    state.throttle = Throttle(memory)
    if s.desktop:
        from app.security.tickets import Tickets

        state.tickets = Tickets()
    state.policy = policy_for(s)
    app.before_request(_authenticate)
    app.after_request(_renew_session)
