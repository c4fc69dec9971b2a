"""Slowing down password guessing, per client address.

A few wrong passwords are free (people mistype); after that each attempt from
the same address must wait twice as long as the last, up to a ceiling, and is
answered 429 with ``Retry-After`` until then. The right password keeps
working for every other address. The address is the peer's, or the forwarded
one only behind a trusted proxy (waitress rewrites ``REMOTE_ADDR`` then and
only then).

State is per process: with several workers or replicas a guesser gets each
one's free attempts, which multiplies the rate by their number, not by time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int
    blocked_until: float
    last: float


class Throttle:
    def __init__(
        self,
        *,
        free: int = 5,
        first_delay: float = 1.0,
        ceiling: float = 300.0,
        forget_after: float = 900.0,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.first_delay = first_delay
        self.ceiling = ceiling
        self.forget_after = forget_after
        self.max_addresses = max_addresses
        self.clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """Seconds ``address`` must wait before its next attempt (0: go ahead)."""
        now = self.clock()
        with self._lock:
            record = self._records.get(address)
            if record is None:
                return 0
            if now - record.last > self.forget_after:
                del self._records[address]
                return 0
            wait = record.blocked_until - now
            return max(0, int(wait + 0.999))

    def failed(self, address: str) -> None:
        now = self.clock()
        with self._lock:
            record = self._records.pop(address, None) or _Record(0, now, now)
            record.failures += 1
            record.last = now
            over = record.failures - self.free
            if over > 0:
                record.blocked_until = now + min(self.ceiling, self.first_delay * 2 ** (over - 1))
            self._records[address] = record
            while len(self._records) > self.max_addresses:
                self._records.popitem(last=False)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._records.pop(address, None)
