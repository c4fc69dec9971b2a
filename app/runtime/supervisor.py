"""The supervisor of a server with several workers: fork them, replace them, stop them.

It binds the port, makes what the workers share (their loads and requests to
be replaced, and the sign-in tables of :mod:`app.shared`), forks the
workers, answers the health port itself, and on ``SIGTERM`` reports
not-ready and lets every worker drain.

* A worker that **dies** is restarted in its place, unless it died right after
  starting (then it is broken, not unlucky).
* A worker that **asks to be replaced** (too many requests or too much memory,
  :mod:`app.runtime.upkeep`) gets a successor in a free place first. Once the
  successor listens, the old worker gets ``SIGUSR1``: it stops accepting and
  finishes every request it has, while the others take new connections. No
  request is dropped: they all share one listening socket, so connections
  waiting to be accepted stay there for whoever listens.

Only the main thread runs here, so forking stays safe; signals are blocked
around each fork so a stop cannot reach a child before it has its own handlers.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app import shared
from app.runtime.server import NOT_LISTENING, Share
from app.runtime.serving import EXIT_OK, install_signal_handlers

if TYPE_CHECKING:
    import socket

    from app.runtime.cli import Options
    from app.runtime.health import MetricsFolder

log = logging.getLogger("sheaf")

#: A worker that dies within this many seconds of its start is crashing, not unlucky.
CRASH_WINDOW = 10.0
#: How long a successor may take to start listening before its predecessor retires anyway.
SUCCESSOR_WAIT = 60.0
_BLOCKED = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1}


class Stopping:
    """The supervisor's "stop" flag: set by a signal handler, read by the loop.

    Not a ``threading.Event``: its ``set`` takes the lock its ``wait`` holds for a
    moment, and a handler runs in the very thread that waits, so a signal landing in
    that moment hangs the supervisor for good (its workers then serve on, orphaned).
    A plain attribute needs no lock; the loop sleeps in short steps instead."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, seconds: float) -> None:
        if not self._set:
            time.sleep(seconds)  # a signal's handler runs in it; the step ends soon after


@dataclass
class Worker:
    index: int
    started: float = field(default_factory=time.monotonic)
    #: The pid of the worker starting in its stead, while it is being replaced.
    successor: int | None = None
    retiring: bool = False


class Supervisor:
    def __init__(
        self,
        options: Options,
        sock: socket.socket,
        workers: int,
        metrics: MetricsFolder | None,
        serve: Callable[..., int],
    ) -> None:
        self.options = options
        self.sock = sock
        self.workers = workers
        self.metrics = metrics
        self._serve = serve
        # Twice the places: a successor starts before its predecessor leaves. Anonymous
        # shared mappings need no /dev/shm (a read-only container may have none).
        places = 2 * workers
        self.loads = memoryview(mmap.mmap(-1, 4 * places)).cast("i")
        self.retire = memoryview(mmap.mmap(-1, 4 * places)).cast("i")
        for i in range(places):
            self.loads[i] = NOT_LISTENING
        self.memory = shared.shared()  # sign-outs and wrong passwords, for every worker
        self.children: dict[int, Worker] = {}
        self.stopping = Stopping()

    def spawn(self, index: int, *, first: bool = False) -> int:
        """Start a worker in place ``index``. The first ones count as idle from the
        start, so whichever listens first leaves connections to the others; later
        ones are invisible until they listen, so nobody waits for them."""
        self.loads[index] = 0 if first else NOT_LISTENING
        self.retire[index] = 0
        signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
        try:
            pid = os.fork()
            if pid == 0:  # the worker: its own handlers before it hears any signal
                self._worker(index)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _BLOCKED)
        self.children[pid] = Worker(index)
        return pid

    def _worker(self, index: int) -> None:
        code = 1
        try:
            for sig in _BLOCKED:
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _BLOCKED)
            code = self._serve(
                self.options,
                self.sock,
                announce=False,
                health=False,
                metrics=self.metrics,
                share=Share(self.loads, index, self.retire),
                memory=self.memory,
            )
        except BaseException:
            log.exception("worker failed")
        finally:
            os._exit(code)

    def _free_place(self) -> int | None:
        used = {w.index for w in self.children.values()}
        return next((i for i in range(len(self.loads)) if i not in used), None)

    def run(self, health: Any) -> int:
        install_signal_handlers(self.stopping.set)
        for index in range(self.workers):
            self.spawn(index, first=True)
        while not self.stopping.is_set():
            if health is not None:
                health.handle_request()  # waits up to its timeout: this loop's tick
            else:
                self.stopping.wait(0.25)
            self._reap()
            self._replace()
            if not self.children:
                log.error("no workers left; stopping")
                break
        self._stop(health)
        return EXIT_OK

    def _reap(self) -> None:
        for pid in _reaped():
            worker = self.children.pop(pid, None)
            if self.metrics is not None:
                from app.telemetry.metrics import fold

                fold(self.metrics.folder, pid)
            if worker is None:
                continue
            self.loads[worker.index] = NOT_LISTENING
            for other in self.children.values():
                if other.successor == pid:  # the successor died: the old one serves on
                    other.successor = None
            if worker.retiring or self.stopping.is_set():
                continue
            if time.monotonic() - worker.started < CRASH_WINDOW:
                log.error("a worker stopped right after starting; not restarting it")
                continue
            log.warning("a worker stopped; starting another")
            self.spawn(worker.index)

    def _replace(self) -> None:
        """Start successors for the workers that asked; retire those whose successor listens."""
        for pid, worker in list(self.children.items()):
            if worker.retiring:
                continue
            if worker.successor is None and self.retire[worker.index]:
                place = self._free_place()
                if place is None:
                    continue  # every place is taken by now; ask again on the next tick
                self.retire[worker.index] = 0
                worker.successor = self.spawn(place)
                log.info("starting a worker to replace one that asked to be replaced")
            if worker.successor is not None:
                successor = self.children.get(worker.successor)
                ready = successor is not None and self.loads[successor.index] != NOT_LISTENING
                waited = successor is not None and (
                    time.monotonic() - successor.started > SUCCESSOR_WAIT
                )
                if ready or waited:
                    worker.retiring = True
                    self.loads[worker.index] = NOT_LISTENING
                    _signal(pid, signal.SIGUSR1)  # finish what you have, take nothing new

    def _stop(self, health: Any) -> None:
        self.sock.close()  # with the workers' copies closed too, new connections are refused
        for pid in list(self.children):
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.options.shutdown_timeout + 5
        while self.children and time.monotonic() < deadline:
            for pid in _reaped():
                self.children.pop(pid, None)
            if health is not None:
                health.handle_request()  # keeps saying "not ready" while the workers drain
            else:
                self.stopping.wait(0.05)
        for pid in list(self.children):
            _signal(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if health is not None:
            health.server_close()
        log.info("stopped")


def _reaped() -> list[int]:
    done: list[int] = []
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return done
        if pid == 0:
            return done
        done.append(pid)


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
