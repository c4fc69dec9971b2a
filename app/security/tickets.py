"""Single-use launch links, for browsers that cannot read Sheaf's redirect file.

Sheaf normally opens the browser on a private file that forwards to the
token URL, so the token never appears on a command line. A sandboxed browser
(Ubuntu's Firefox snap) cannot read files in hidden folders such as
``~/.local/share``; for it Sheaf opens ``/?ticket=...`` instead. A ticket is
random, works once, and only for :data:`LIFETIME` seconds: by the time another
user of the machine could read it from the process list, it is spent.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time

LIFETIME = 120.0
MAX_OPEN = 32


class Tickets:
    def __init__(self, clock=time.monotonic) -> None:  # noqa: ANN001 - a test clock
        self._clock = clock
        self._lock = threading.Lock()
        self._open: dict[str, float] = {}

    def issue(self) -> str:
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._drop_old()
            if len(self._open) >= MAX_OPEN:
                self._open.pop(next(iter(self._open)))
            self._open[ticket] = self._clock() + LIFETIME
        return ticket

    def redeem(self, presented: str) -> bool:
        """True once for a ticket issued less than LIFETIME ago; never again."""
        with self._lock:
            self._drop_old()
            for ticket in list(self._open):
                if hmac.compare_digest(ticket.encode(), presented.encode()):
                    del self._open[ticket]
                    return True
        return False

    def _drop_old(self) -> None:
        now = self._clock()
        for ticket, expires in list(self._open.items()):
            if expires <= now:
                del self._open[ticket]
