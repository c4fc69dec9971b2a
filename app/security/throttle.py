"""Slowing down password guessing without locking the person out.

Three counts, kept in tables every worker of the server shares (:mod:`app.shared`):

* **per client address** (an IPv4 address, or the /64 an IPv6 client has):
  a few wrong passwords are free (people mistype); after that each attempt
  must wait twice as long as the last, up to a ceiling, and gets 429 with
  ``Retry-After`` until then;
* **server-wide**, for every browser without a device cookie: a small
  allowance of wrong passwords that refills slowly, so a guesser rotating
  through many addresses is slowed as much as one that stays on one;
* **per device cookie**: a browser that signed in before carries a signed
  cookie naming it (:mod:`app.security.authn`); while that device has not used up its
  own small allowance of wrong passwords, neither the address count nor the
  server-wide one applies to it, so a guesser behind the same address (or
  anywhere) cannot lock the real user out. A device that used up its
  allowance is treated like any other browser.

This is the "device cookie" scheme from OWASP's guidance on slowing online
guessing. The address is the peer's, or the forwarded one only behind a
trusted proxy (waitress rewrites ``REMOTE_ADDR`` then and only then).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeGuard

from app.shared import Memory, Table


def address_key(address: str) -> str:
    """What one client is: an IPv4 address, or an IPv6 /64 (one subscriber's network)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Wait:
    """Seconds to wait before the next attempt (0: go ahead) and why."""

    seconds: int
    server_wide: bool = False


class Throttle:
    def __init__(
        self,
        memory: Memory,
        *,
        free: int = 5,
        first_delay: float = 1.0,
        ceiling: float = 300.0,
        forget_after: float = 900.0,
        device_free: int = 5,
        server_burst: float = 20.0,
        server_refill: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.first_delay = first_delay
        self.ceiling = ceiling
        self.forget_after = forget_after
        self.device_free = device_free
        #: Server-wide: this many wrong passwords at once, then one per ``server_refill`` s.
        self.server_burst = server_burst
        self.server_refill = server_refill
        self.clock = clock
        self._addresses = memory.table("addresses")
        self._devices = memory.table("devices")
        self._server = memory.table("server")

    # -- deciding ------------------------------------------------------------------------

    def trusted(self, device: str | None) -> TypeGuard[str]:
        """Does this device cookie still have its own allowance?"""
        if device is None:
            return False
        with self._devices.lock():
            record = self._live(self._devices, device)
        return record is None or record[0] < self.device_free

    def retry_after(self, address: str, device: str | None = None) -> Wait:
        """How long this client must wait before it may try a password."""
        if self.trusted(device):
            return Wait(0)
        now = self.clock()
        with self._addresses.lock():
            record = self._live(self._addresses, address_key(address))
        own = record[1] - now if record else 0.0
        with self._server.lock():
            tokens = self._tokens(now)
        shared = (1 - tokens) * self.server_refill if tokens < 1 else 0.0
        if own <= 0 and shared <= 0:
            return Wait(0)
        return Wait(max(1, math.ceil(max(own, shared))), server_wide=shared > own)

    # -- counting ------------------------------------------------------------------------

    def failed(self, address: str, device: str | None = None) -> None:
        if self.trusted(device):
            self._count(self._devices, device, self.device_free)
            return
        self._count(self._addresses, address_key(address), self.free)
        now = self.clock()
        with self._server.lock():
            self._server.put("", (self._tokens(now) - 1, now))

    def succeeded(self, address: str, device: str | None = None) -> None:
        """The right password: this device, or this address if it had none, starts afresh.
        (A trusted device's success leaves the address alone: a guesser sharing it
        must not get fresh attempts because the real user signed in.)"""
        if self.trusted(device):
            with self._devices.lock():
                self._devices.delete(device)
            return
        with self._addresses.lock():
            self._addresses.delete(address_key(address))

    # -- records -------------------------------------------------------------------------

    def _live(self, table: Table, key: str) -> tuple[float, ...] | None:
        """(failures, blocked until, last), unless forgotten by now. Hold the lock."""
        record = table.get(key)
        if record is None or self.clock() - record[2] > self.forget_after:
            return None
        return record

    def _count(self, table: Table, key: str, free: int) -> None:
        now = self.clock()
        with table.lock():
            record = self._live(table, key)
            failures = (record[0] if record else 0) + 1
            blocked = record[1] if record else now
            over = failures - free
            if over > 0:
                blocked = now + min(self.ceiling, self.first_delay * 2 ** (over - 1))
            table.put(key, (failures, blocked, now))

    def _tokens(self, now: float) -> float:
        """The server-wide allowance left now. Hold the server table's lock."""
        record = self._server.get("")
        if record is None:
            return self.server_burst
        tokens, updated = record
        return min(self.server_burst, tokens + (now - updated) / self.server_refill)
