"""The secrets one app derives once from its launch token or password.

Keys answers three questions for the rest of :mod:`app.security`: is a presented
value the mode's secret (:meth:`Keys.matches_secret`), is a session cookie live
(:meth:`Keys.check_session`), and what the CSRF token of a signed-in page is
(:attr:`Keys.csrf_value`). Server sessions and device cookies are
:mod:`app.security.sessions`; Keys only builds them with the right key.
"""

from __future__ import annotations

import hashlib
import hmac

from app import shared
from app.security.sessions import Devices, Sessions
from app.settings import Settings
from app.web import need, state

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
        #: What a person or script must present: the launch token or the password.
        self._expected = ((s.token if s.desktop else s.password) or "").encode()
        #: Desktop: one value per launch (the launch itself is the session).
        self.session_value = self._derive(b"session")
        self.csrf_value = self._derive(b"csrf")
        self.sessions: Sessions | None = None
        self.devices: Devices | None = None
        if self.secret and not s.desktop:
            self.sessions = Sessions(
                self.secret, memory, idle=s.session_idle, max_age=s.session_max_age, clock=s.clock
            )
            self.devices = Devices(self.secret, max_age=DEVICE_DAYS * 86400.0, clock=s.clock)

    def new_session(self) -> str:
        return self.sessions.issue() if self.sessions else self.session_value

    def _derive(self, purpose: bytes) -> str:
        if not self.secret:
            return ""
        return hmac.new(self.secret, purpose, hashlib.sha256).hexdigest()

    def matches_secret(self, presented: str) -> bool:
        """Is ``presented`` this mode's secret (the desktop's launch token, the server's
        password)? However it came: a ``Bearer`` header, ``?token=`` or the sign-in form.
        Always False where there is no secret (an open server, a sign-in proxy)."""
        return bool(self._expected) and hmac.compare_digest(presented.encode(), self._expected)

    def check_session(self, value: str | None) -> tuple[bool, str | None]:
        """Is ``value`` a live session cookie? Also a renewed cookie to send, or None."""
        if self.sessions is not None:
            return self.sessions.check(value)
        ok = bool(
            value
            and self.session_value
            and hmac.compare_digest(value.encode(), self.session_value.encode())
        )
        return ok, None


def keys() -> Keys:
    """The keys of the app handling this request."""
    return need(state().keys, "keys")
