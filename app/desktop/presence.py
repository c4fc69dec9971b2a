"""Which browser tabs still show Sheaf, so the desktop app can quit after the last one.

Each page picks a random id, says hello when it loads, sends a heartbeat now
and then, and a goodbye beacon on ``pagehide``. Browsers throttle timers in
background tabs (Chrome down to one wake-up a minute), so a page only counts
as gone after ``stale_after`` seconds of silence, well above that. A reload
is a goodbye followed by a hello within a moment; the idle grace period in
:mod:`app.runtime.idle` covers the gap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

HEARTBEAT_SECONDS = 20
STALE_AFTER_SECONDS = 150


class Presence:
    """Thread-safe register of live pages. ``clock`` is injectable for tests of the rules."""

    def __init__(
        self, stale_after: float = STALE_AFTER_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stale_after = stale_after
        self._clock = clock
        self._lock = threading.Lock()
        self._pages: dict[str, float] = {}
        self._ever_seen = False
        self._empty_since: float = clock()

    def beat(self, page_id: str) -> None:
        with self._lock:
            self._pages[page_id[:64]] = self._clock()
            self._ever_seen = True

    def leave(self, page_id: str) -> None:
        with self._lock:
            if self._pages.pop(page_id[:64], None) is not None and not self._pages:
                self._empty_since = self._clock()

    def _expire(self, now: float) -> None:
        for page_id, last in list(self._pages.items()):
            if now - last > self._stale_after:
                del self._pages[page_id]
                if not self._pages:
                    self._empty_since = last + self._stale_after

    def live_pages(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._pages)

    def idle_for(self) -> float | None:
        """Seconds since the last page went away; None while a page is open."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if self._pages:
                return None
            return now - self._empty_since

    @property
    def ever_seen(self) -> bool:
        return self._ever_seen
