"""Greedy and slow clients: a cap on connections per client address, and receive deadlines.

Waitress alone has a total connection limit and an inactivity timeout: one
host that opens a thousand connections and sends a byte now and then fills the
limit, and then nobody else gets in. Around waitress's accept and its channels
(:class:`Guard`):

* **per address**: each worker holds at most ``per_client`` connections from one
  client address (an IPv4 address or an IPv6 /64). Beyond that a connection
  gets a short ``429`` at once and is closed: a fast refusal, never a wait in
  the backlog. The trusted proxy is exempt (every client comes through it; its
  own limits apply).
* **headers**: a request's headers must arrive within ``timeout`` seconds of
  its first byte (of the connection, for the first request), extended by one
  second for each :data:`MIN_RATE` bytes received, to at most twice
  ``timeout``;
* **body**: after the headers the body has ``timeout`` seconds, extended by one
  second for each :data:`MIN_RATE` bytes received: an upload may be long, but
  not slower than that on average.

A client past its deadline gets ``408`` and is closed, unless a response to it
is being worked on. Idle keep-alive connections are waitress's
``channel_timeout``.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from waitress.channel import HTTPChannel
from waitress.task import WSGITask

from app.security.throttle import address_key

#: Bytes per second a client must keep up once its grace period is over.
MIN_RATE = 500
#: Connections one turn of the loop may refuse before it lets the others run.
ACCEPT_BURST = 64
#: How often deadlines are checked (seconds).
SWEEP_EVERY = 1.0


def _answer(status: str, text: str) -> bytes:
    body = text.encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nRetry-After: 10\r\n\r\n"
    ).encode() + body


# Below HTTP, before any request is read: both languages, as the page would be.
TOO_MANY = _answer(
    "429 Too Many Requests",
    "Too many connections from your address. Please try again in a moment.\n"
    "来自您的地址的连接太多。请稍后再试。\n",
)
TOO_SLOW = _answer(
    "408 Request Timeout",
    "Your request arrived too slowly. Please try again.\n请求到达得太慢。请重试。\n",
)


def _send_and_close(sock: socket.socket, data: bytes) -> None:
    try:
        sock.setblocking(False)
        sock.send(data)
    except OSError:
        pass  # the client is gone or not reading: closing is all that is left
    finally:
        sock.close()


@dataclass(frozen=True)
class Limits:
    """What a server allows each client (0 connections: no cap)."""

    per_client: int = 32
    timeout: float = 20.0
    #: Peer addresses the cap does not apply to (the trusted proxy; "*": every peer).
    exempt: tuple[str, ...] = ()

    def exempts(self, host: str) -> bool:
        return "*" in self.exempt or host in self.exempt


class Guard:
    """The cap and the deadlines for one waitress server (see the module docstring)."""

    def __init__(
        self, server: Any, limits: Limits, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.server = server
        self.per_client = limits.per_client
        self.timeout = limits.timeout
        self.exempt = limits.exempts
        self.clock = clock
        self.counts: Counter[str] = Counter()
        self.refused = 0
        self.timed_out = 0
        #: The server is stopping or being replaced: responses end their connection.
        self.draining = False
        self._next_sweep = 0.0
        guard = self

        class Channel(GuardedChannel):
            pass

        Channel.guard = guard
        server.channel_class = Channel
        server.handle_accept = self.accept

    def accept(self) -> None:
        """Take one connection; refuse (and keep taking) those over their address's cap."""
        server = self.server
        for _ in range(ACCEPT_BURST):
            try:
                pair = server.accept()
            except OSError:
                return  # e.g. out of file descriptors: the next turn tries again
            if pair is None:
                return
            conn, addr = pair
            host = addr[0] if isinstance(addr, tuple) else ""
            client = address_key(host)
            if self.per_client and not self.exempt(host) and self.counts[client] >= self.per_client:
                self.refused += 1
                _send_and_close(conn, TOO_MANY)
                continue
            try:
                server.set_socket_options(conn)
            except OSError:
                conn.close()
                return
            server.channel_class(server, conn, server.fix_addr(addr), server.adj, map=server._map)
            return  # one kept connection per turn: the least busy worker takes the next

    def sweep(self) -> None:
        """Close the channels whose client is past its deadline (at most once a second)."""
        now = self.clock()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY
        for channel in list(self.server.active_channels.values()):
            if isinstance(channel, GuardedChannel) and channel.too_slow(now):
                self.timed_out += 1
                channel.time_out()


class _Task(WSGITask):
    """A response that says ``Connection: close`` while the server drains, so the
    client opens its next request elsewhere instead of racing a closing socket."""

    channel: GuardedChannel  # the only channel whose task_class this is

    def build_response_header(self) -> bytes:
        if self.channel.guard.draining:
            self.set_close_on_finish()
        return super().build_response_header()


class GuardedChannel(HTTPChannel):
    """A waitress channel that counts itself per address and knows its deadline."""

    guard: Guard
    task_class = _Task

    def __init__(self, server: Any, sock: socket.socket, addr: Any, adj: Any, map: Any = None):
        host = addr[0] if isinstance(addr, tuple) else ""
        self.client = address_key(host)
        self._counted = False
        #: What the deadline is for: "headers", "body" or "idle" (between requests).
        self.phase = "headers"
        self.phase_since = self.guard.clock()
        self.phase_bytes = 0
        super().__init__(server, sock, addr, adj, map)
        self._counted = True
        self.guard.counts[self.client] += 1

    def received(self, data: bytes) -> bool:
        result = super().received(data)
        request = self.request
        if request is None or request.completed:
            self._enter("idle")
        elif request.headers_finished:
            if self.phase != "body":
                self._enter("body")
            else:
                self.phase_bytes += len(data)
        elif self.phase == "headers":
            self.phase_bytes += len(data)
        else:
            self._enter("headers", len(data))
        return result

    def _enter(self, phase: str, received: int = 0) -> None:
        self.phase = phase
        self.phase_since = self.guard.clock()
        self.phase_bytes = received

    def too_slow(self, now: float) -> bool:
        if self.phase == "idle" or self.requests or self.will_close:
            return False
        timeout = self.guard.timeout
        extra = self.phase_bytes / MIN_RATE
        if self.phase == "headers":
            extra = min(extra, timeout)
        return now > self.phase_since + timeout + extra

    def time_out(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(OSError):  # gone or not reading: closing is what is left
                self.socket.send(TOO_SLOW)
        self.handle_close()

    def del_channel(self, map: Any = None) -> None:
        if self._counted:
            self._counted = False
            counts = self.guard.counts
            counts[self.client] -= 1
            if counts[self.client] <= 0:
                del counts[self.client]
        super().del_channel(map)
