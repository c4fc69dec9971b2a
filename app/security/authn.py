"""Who is asking: one policy per mode (launch token, password, sign-in proxy, open).

Desktop: the per-launch token, as a ``Bearer`` header, as ``?token=`` once
(exchanged for an HttpOnly, SameSite=Strict cookie), or as that cookie; or a
single-use ``?ticket=`` (:mod:`app.security.tickets`) where the browser is sandboxed.
Server: open, a shared password (login page and an expiring session cookie
from :mod:`app.security.sessions`, or ``Bearer``; wrong passwords are slowed down per
address by :mod:`app.security.throttle`), or a sign-in proxy's user header believed
only from the trusted proxy. Localhost is not a trust boundary: other users
of the machine can reach our port, so desktop mode never runs open.

This module holds the policies; the secrets they check are :mod:`app.security.keys`,
the cookie they set :mod:`app.security.cookies`, the token-for-cookie trade
:mod:`app.security.exchange`, and the sign-in pages :mod:`app.views.auth`.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, Response, g, redirect, request, url_for
from flask_babel import gettext as _

from app import shared
from app.security.attempts import password_attempt, too_many_attempts
from app.security.cookies import (
    renew_session,
    secure_cookies,
    session_cookie_name,
    set_session_cookie,
)
from app.security.exchange import exchange_token
from app.security.keys import Keys, keys
from app.security.throttle import Throttle
from app.settings import Settings
from app.web import PEER_KEY, error_response, need, settings, state, state_of, wants_json

#: Moved to :mod:`~app.security.keys` and :mod:`~app.security.cookies`; still
#: importable from here for code written before the split.
__all__ = [
    "PUBLIC_ENDPOINTS",
    "Keys",
    "Policy",
    "init_app",
    "keys",
    "policy_for",
    "secure_cookies",
    "session_cookie_name",
    "set_session_cookie",
]

#: Endpoints anyone who passes the Host check may use.
PUBLIC_ENDPOINTS = frozenset({"health.healthz", "static", "auth.login", "auth.logout"})


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
            if keys().matches_secret(bearer):
                g.auth = "bearer"
                return None
            return error_response(401, "unauthorized", _("That access token is not valid."))
        self._session()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if "token" in request.args and request.method == "GET":
            return exchange_token(keys().matches_secret(request.args["token"]))
        if "ticket" in request.args and request.method == "GET":
            tickets = need(state().tickets, "tickets")
            return exchange_token(tickets.redeem(request.args["ticket"]))
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
        bearer = _bearer()
        if bearer is not None:
            refused = too_many_attempts()
            if refused:
                return refused
            ok = keys().matches_secret(bearer)
            password_attempt(ok)
            if ok:
                g.auth = "bearer"
                return None
            return error_response(401, "unauthorized", _("That access token is not valid."))
        if self._session() or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if wants_json() or request.method != "GET":
            return error_response(401, "unauthorized", _("Please sign in to use Sheaf."))
        # flask.redirect makes the app's Response class; its stub names werkzeug's.
        return cast(Response, redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))


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
    app.after_request(renew_session)
