"""Password attempts: who is trying, whether they must wait, and remembering a browser.

The sign-in page and ``Bearer`` requests ask :func:`too_many_attempts` before
they check a password and report the outcome to :func:`password_attempt`;
:mod:`app.security.throttle` keeps the counts. A browser that signs in gets a device
cookie (:func:`set_device_cookie`), which gives it an allowance of its own
the next time, whatever others at its address or anywhere else are guessing.
"""

from __future__ import annotations

from flask import Response, g, request
from flask_babel import gettext as _

from app.meta import SLUG
from app.security.cookies import secure_cookies
from app.security.keys import keys
from app.security.throttle import Throttle
from app.web import error_response, need, settings, state


def device_cookie_name() -> str:
    return f"{SLUG}_device{settings().cookie_suffix}"


def client_address() -> str:
    """The client's address: the peer's, or the forwarded one behind a trusted proxy
    (waitress's proxy middleware rewrites ``REMOTE_ADDR`` only then)."""
    return request.remote_addr or "?"


def _device() -> str | None:
    """The name in this browser's device cookie, if it carries a valid one."""
    if "device" not in g:
        devices = keys().devices
        cookie = request.cookies.get(device_cookie_name())
        g.device = devices.check(cookie) if devices is not None else None
    return g.device


def too_many_attempts() -> Response | None:
    """429 with Retry-After if this client must wait before trying a password again.
    (Only passwords: a 256-bit desktop launch token cannot be guessed.)"""
    wait = _throttle().retry_after(client_address(), _device())
    if not wait.seconds:
        return None
    if wait.server_wide:
        message = _(
            "Many wrong passwords were tried on this server just now. Please wait"
            " %(seconds)d seconds and try again.",
            seconds=wait.seconds,
        )
    else:
        message = _(
            "Too many wrong passwords. Please wait %(seconds)d seconds and try again.",
            seconds=wait.seconds,
        )
    resp = error_response(429, "too_many_attempts", message)
    resp.headers["Retry-After"] = str(wait.seconds)
    return resp


def password_attempt(ok: bool) -> None:
    if ok:
        _throttle().succeeded(client_address(), _device())
    else:
        _throttle().failed(client_address(), _device())


def _throttle() -> Throttle:
    return need(state().throttle, "throttle")


def set_device_cookie(resp: Response) -> None:
    """Remember this browser as one that signed in (a new name at each sign-in)."""
    devices = keys().devices
    if devices is None:
        return
    resp.set_cookie(
        device_cookie_name(),
        devices.issue(),
        max_age=int(devices.max_age),
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(),
        path="/",
    )
