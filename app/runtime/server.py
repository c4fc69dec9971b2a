"""The HTTP server: waitress on a socket we bound ourselves, and a stop that waits.

Binding first and handing the socket to waitress (``sockets=[sock]``) means
the port we report is the port we serve; there is no window in which
another program can take it.

Waitress has no public "stop" (its ``close()`` on a single-socket server
does not end the loop while connections are open), so :class:`Server` runs
the event loop itself in short steps and, when asked to stop:

1. closes the listening socket (new connections are refused at once);
2. keeps the loop turning while requests are in flight or on their way
   in, closing keep-alive connections as they become idle (responses say
   ``Connection: close`` from now on; a retiring worker first waits
   :data:`IDLE_GRACE` for a request already on its way), up to
   ``shutdown_timeout``;
3. stops the worker threads and closes whatever is left.

``request_stop`` only sets a flag, so it is safe from signal handlers and
from worker threads (the Quit button). ``request_retire`` is the gentler
stop of a server worker being replaced (see app.runtime.upkeep): the app is
not told to stop, and every request in flight may finish, however long it
takes (up to :data:`RETIRE_TIMEOUT`, for one that hangs).
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

if TYPE_CHECKING:
    from waitress.channel import HTTPChannel

    from app.runtime.clients import Limits
    from app.runtime.upkeep import Upkeep

log = logging.getLogger(__name__)

LOOP_STEP = 0.25  # seconds; how quickly a stop request is noticed
#: With workers taking turns: how soon a worker that became the least busy listens again.
SHARED_LOOP_STEP = 0.05
#: A load no worker that listens ever has: a slot that is free, starting or draining.
NOT_LISTENING = 1 << 30
#: A retiring worker lets its requests finish; this bounds only one that hangs.
RETIRE_TIMEOUT = 3600.0
#: A retiring worker keeps an idle keep-alive connection this long (seconds): a request
#: the client sends meanwhile is answered with ``Connection: close`` instead of racing a
#: socket closed under it (browsers retry such a request; scripts often do not).
IDLE_GRACE = 2.0
#: How often a worker asks itself whether it should be replaced (seconds).
UPKEEP_EVERY = 1.0


class Share:
    """One worker's place among several sharing a listening socket (see _take_turns).

    ``loads`` (connections held, per worker slot) and ``retire`` (1: this worker
    asks to be replaced) are shared memory made before the workers were forked."""

    def __init__(self, loads: Any, index: int, retire: Any = None) -> None:
        self.loads = loads
        self.index = index
        self.retire = retire

    def publish(self, load: int) -> None:
        self.loads[self.index] = load

    def least_busy(self) -> bool:
        return self.loads[self.index] <= min(self.loads)

    def leave(self) -> None:
        """Draining: never the least busy again, so the others keep listening."""
        self.loads[self.index] = NOT_LISTENING

    def ask_to_retire(self) -> None:
        if self.retire is not None:
            self.retire[self.index] = 1


def bind(host: str, port: int | None, *, fallback: bool) -> socket.socket:
    """Bind ``host:port`` (0/None = any free port). With ``fallback``, a taken port
    falls back to a free one instead of failing."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: no one may share our port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
    else:
        # Lets a restarted server bind while old connections sit in TIME_WAIT; on
        # POSIX this does not allow two live listeners on one port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port or 0))
    except OSError:
        if not (fallback and port):
            sock.close()
            raise
        log.info("port %s is taken; using a free port instead", port)
        sock.bind((host, 0))
    return sock


def _unread_input(channel: wasyncore.dispatcher) -> bool:
    """Has the client sent bytes we have not read yet (a request on its way in)?

    Closing such a connection would lose that request. Waitress sockets are
    non-blocking, so peeking never waits.
    """
    sock = channel.socket
    if sock is None:  # closed already: closing it loses nothing
        return False
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return False  # already broken: closing it loses nothing


def _sockets(server: BaseWSGIServer) -> dict[int, Any]:
    """waitress' map of its sockets: the dispatcher's ``_map``, private, so not in its stubs
    (which call its values sockets; they are dispatchers)."""
    return server._map  # type: ignore[attr-defined]


def _channels(server: BaseWSGIServer) -> dict[int, HTTPChannel]:
    """The open connections (the stubs take ``active_channels`` for one channel)."""
    return cast("dict[int, HTTPChannel]", server.active_channels)


class Server:
    def __init__(
        self,
        app: Callable,
        sock: socket.socket,
        *,
        threads: int,
        shutdown_timeout: float,
        stop_event: threading.Event | None = None,
        share: Share | None = None,
        clients: Limits | None = None,
        upkeep: Upkeep | None = None,
        **waitress_options: Any,  # waitress' own settings (serving.waitress_options)
    ) -> None:
        self.shutdown_timeout = shutdown_timeout
        self._loop_step = LOOP_STEP if share is None else SHARED_LOOP_STEP
        #: Shared with the app (``Settings.stopping``): work stops between pages.
        self._stop = stop_event or threading.Event()
        #: The loop ends: set by a stop, and alone by a retirement.
        self._leave = threading.Event()
        self._share = share
        self._upkeep = upkeep
        self._use_poll = hasattr(select, "poll")
        with warnings.catch_warnings():
            # send_bytes is deprecated for removal in waitress 4; waitress is pinned <4.
            warnings.filterwarnings("ignore", "send_bytes", DeprecationWarning)
            # One socket: one server, never a MultiSocketServer.
            self._waitress = cast(
                BaseWSGIServer,
                create_server(
                    app,
                    sockets=[sock],
                    threads=threads,
                    ident="Sheaf",
                    asyncore_use_poll=self._use_poll,
                    **waitress_options,
                ),
            )
        self.port: int = sock.getsockname()[1]
        self._guard = None
        if clients is not None:  # server mode: greedy and slow clients (app.runtime.clients)
            from app.runtime.clients import Guard

            self._guard = Guard(self._waitress, clients)
        if share is not None:
            self._take_turns(share)

    def _take_turns(self, share: Share) -> None:
        """Workers sharing one listening socket: only the least busy ones listen.

        Each publishes how many connections it holds (in its loop thread, where
        connections open and close) and polls the shared socket only while none
        holds fewer, so long jobs spread over the workers instead of piling up on
        whichever woke first. At least one worker always listens.
        """
        server = self._waitress
        listens = server.readable
        fixed = len(_sockets(server)) - 1  # the listener and waitress' trigger

        def readable() -> bool:
            wanted = listens()  # also waitress' own upkeep
            share.publish(len(_sockets(server)) - 1 - fixed)
            return wanted and share.least_busy()

        server.readable = readable  # type: ignore[method-assign]  # waitress asks this method

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def request_stop(self) -> None:
        self._stop.set()
        self._leave.set()

    def request_retire(self) -> None:
        """Stop accepting and finish every request in flight (a replacement serves)."""
        self._leave.set()

    def _step(self, timeout: float) -> None:
        wasyncore.loop(
            timeout=timeout, map=_sockets(self._waitress), use_poll=self._use_poll, count=1
        )

    def serve(self) -> None:
        """Serve until :meth:`request_stop`, then stop gracefully. Returns when done."""
        next_upkeep = 0.0
        while not self._leave.is_set():
            self._step(self._loop_step)
            if self._guard is not None:
                self._guard.sweep()
            if self._upkeep is not None and time.monotonic() >= next_upkeep:
                next_upkeep = time.monotonic() + UPKEEP_EVERY
                self._ask_to_retire_if_due()
        self._drain()

    def _ask_to_retire_if_due(self) -> None:
        assert self._upkeep is not None
        if self._share is None or self._share.retire is None:
            return  # nobody to start a replacement: this process serves on
        reason = self._upkeep.due()
        if reason:
            log.info("this worker %s; asking for a fresh one", reason)
            self._share.ask_to_retire()
            self._upkeep = None  # asked once; the supervisor does the rest

    def _drain(self) -> None:
        server = self._waitress
        wasyncore.dispatcher.close(server)  # the listener only; the trigger stays
        if self._share is not None:
            self._share.leave()
        if self._guard is not None:
            self._guard.draining = True
        started = time.monotonic()
        wall_start = time.time()  # waitress stamps channel activity with time.time()
        if not self._stop.is_set():
            log.info("replaced by a fresh worker: finishing the requests in flight")
        while True:
            busy = 0
            grace = 0.0 if self._stop.is_set() else IDLE_GRACE
            for channel in list(_channels(server).values()):
                if (
                    channel.requests
                    or channel.total_outbufs_len
                    or channel.request is not None
                    or _unread_input(channel)
                ):
                    busy += 1
                elif time.time() - max(wall_start, channel.last_activity) < grace:
                    busy += 1  # idle, but its next request may be on its way
                else:
                    channel.handle_close()
            if not busy:
                break
            limit = self.shutdown_timeout if self._stop.is_set() else RETIRE_TIMEOUT
            if time.monotonic() - started >= limit:
                log.warning("stopping with %d request(s) still running", busy)
                break
            self._step(0.05)
            if self._guard is not None:
                self._guard.sweep()  # a slow client cannot hold a draining worker
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(_sockets(server))
