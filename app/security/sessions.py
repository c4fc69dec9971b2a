"""Server-mode sessions after a password sign-in: signed, dated, expiring, revocable.

The cookie is ``<session id>.<issued at>`` signed with itsdangerous' timestamp
signer under a key derived from the password, so any replica can check it and
none needs to store it. The signature's timestamp is the last renewal:

* **idle limit**: a cookie not renewed for ``idle`` seconds is refused;
* **absolute limit**: a session older than ``max_age`` is refused, renewed or not;
* **renewal**: a request with a cookie older than ``renew_after`` gets a freshly
  signed one (same session id, same issue time).

Sign-out deletes the browser's cookie and revokes the session id in a table
every worker process of the server shares (:mod:`app.shared`), at once, until
the session would have expired anyway. Other replicas share nothing, so a copy
of the cookie taken before sign-out stays usable there until its idle or
absolute limit: keep ``idle`` short where that matters. Changing the password
ends every session everywhere.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from itsdangerous import BadSignature, TimestampSigner

from app.shared import Memory

log = logging.getLogger(__name__)


class _Signer(TimestampSigner):
    clock: Callable[[], float] = time.time

    def get_timestamp(self) -> int:
        return int(self.clock())


class Sessions:
    def __init__(
        self,
        secret: bytes,
        memory: Memory,
        *,
        idle: float,
        max_age: float,
        renew_after: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.idle = idle
        self.max_age = max_age
        self.renew_after = renew_after
        self.clock = clock
        self._signer = _Signer(secret, salt="sheaf-session-v2")
        self._signer.clock = clock
        self._revoked = memory.table("revoked")

    def issue(self) -> str:
        value = f"{secrets.token_urlsafe(16)}.{int(self.clock())}"
        return self._signer.sign(value).decode()

    def _parse(self, cookie: str) -> tuple[str, int, float] | None:
        try:
            # itsdangerous compares ages as numbers; its annotations ask for an int
            value, signed_at = self._signer.unsign(  # type: ignore[call-overload]
                cookie, max_age=self.idle, return_timestamp=True
            )
            sid, issued = value.decode().split(".")
            return sid, int(issued), signed_at.timestamp()
        except (BadSignature, ValueError, UnicodeDecodeError):
            return None

    def check(self, cookie: str | None) -> tuple[bool, str | None]:
        """Is ``cookie`` a live session? Also a renewed cookie to send back, or None."""
        parsed = self._parse(cookie) if cookie else None
        if parsed is None:
            return False, None
        sid, issued, signed_at = parsed
        now = self.clock()
        if now - issued > self.max_age:
            return False, None
        with self._revoked.lock():
            revoked = self._revoked.get(sid)
        if revoked is not None and revoked[0] > now:
            return False, None
        if now - signed_at > self.renew_after:
            return True, self._signer.sign(f"{sid}.{issued}").decode()
        return True, None

    def revoke(self, cookie: str | None) -> None:
        parsed = self._parse(cookie) if cookie else None
        if parsed is None:
            return
        sid, issued, _ = parsed
        with self._revoked.lock():
            evicted = self._revoked.put(sid, (issued + self.max_age,))
        if evicted is not None and evicted[0] > self.clock():
            # Only when thousands of sign-outs are still within their sessions' lives.
            log.warning(
                "too many recent sign-outs to remember: one whose session ends soonest"
                " may be used again until it ends"
            )


class Devices:
    """Device cookies: a signed note that this browser signed in here before.

    The value is a random name for the browser, signed under a key derived from
    the password (so any worker or replica can check it, and changing the
    password ends them all). :mod:`app.security.throttle` gives a browser that shows one
    its own allowance of wrong passwords. A new one is issued at each sign-in.
    """

    def __init__(
        self, secret: bytes, *, max_age: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.max_age = max_age
        self._signer = _Signer(secret, salt="sheaf-device-v1")
        self._signer.clock = clock

    def issue(self) -> str:
        return self._signer.sign(secrets.token_urlsafe(16)).decode()

    def check(self, cookie: str | None) -> str | None:
        """The device's name if ``cookie`` is a device cookie we signed and not too old."""
        if not cookie:
            return None
        try:
            # a float age, as above
            return self._signer.unsign(cookie, max_age=self.max_age).decode()  # type: ignore[call-overload]
        except (BadSignature, UnicodeDecodeError):
            return None
