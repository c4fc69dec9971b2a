"""Keeping a long-running server worker's memory in check.

Measured with ``benchmarks/memory.py`` (thousands of mixed requests on two
workers), a worker's resident memory crept to several times what any one
request needs in a fresh process. Nothing Python-visible was kept: after the
requests, ``gc`` and ``malloc_trim`` the same process gave most of it back.
The cause is glibc's allocator: each of waitress's threads gets an arena of
its own, each arena grows to the largest job that thread ever ran, and the
freed memory stays fragmented in every one of them. So, on glibc:

* :func:`fewer_arenas` caps the arenas at two (``M_ARENA_MAX``; set in the
  supervisor before it forks, so every worker starts with it), unless
  ``MALLOC_ARENA_MAX`` was set by whoever started Sheaf;
* :class:`Upkeep` gives freed memory back to the system
  (``malloc_trim``) after each request to the API, where the big ones are.

Beside that, a worker can be replaced after ``SHEAF_WORKER_MAX_REQUESTS``
requests or once its resident memory passes ``SHEAF_WORKER_MAX_RSS_MB``
(:meth:`Upkeep.due`): the supervisor starts the new worker first, then the
old one stops accepting and finishes every request it has (server_mode).
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the C library this process already runs on
    except OSError:
        return None
    # Only glibc has both (musl has no malloc_trim): elsewhere there is nothing to tune.
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _glibc()


def fewer_arenas() -> None:
    """At most :data:`ARENAS` malloc arenas for the threads made from now on."""
    if _LIBC is None or "MALLOC_ARENA_MAX" in os.environ:
        return
    _LIBC.mallopt(M_ARENA_MAX, ARENAS)


def trim() -> None:
    """Give free heap memory back to the system (free pages inside arenas too)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def resident_bytes() -> int:
    """This process's resident memory now (Linux); its peak where there is no /proc."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        try:
            import resource
        except ImportError:
            return 0  # Windows: one process, never replaced
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class Upkeep:
    """Counts a worker's requests, trims after API requests, and says when to retire."""

    def __init__(self, *, max_requests: int = 0, max_rss: int = 0) -> None:
        self.max_requests = max_requests
        self.max_rss = max_rss
        self.requests = 0
        self._lock = threading.Lock()

    def wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            with self._lock:
                self.requests += 1
            body = app(environ, start_response)
            if not environ.get("PATH_INFO", "").startswith("/api/"):
                return body
            wrapper = environ.get("wsgi.file_wrapper")
            if wrapper is not None and isinstance(body, wrapper):
                # Keep waitress's own way of sending a file; trim when it closes it.
                body.close = _then(getattr(body, "close", lambda: None), trim)
                return body
            return _Closing(body, trim)

        return counted

    def due(self) -> str | None:
        """Why this worker should be replaced now, or None."""
        if self.max_requests and self.requests >= self.max_requests:
            return f"served {self.requests} requests"
        if self.max_rss:
            rss = resident_bytes()
            if rss > self.max_rss:
                return f"resident memory {rss // 2**20} MB"
        return None


def _then(first: Callable[[], None], after: Callable[[], None]) -> Callable[[], None]:
    def both() -> None:
        try:
            first()
        finally:
            after()

    return both


class _Closing:
    """A response body that runs ``after`` once it has been sent (or abandoned)."""

    def __init__(self, body: Iterable[bytes], after: Callable[[], None]) -> None:
        self._body = body
        self._after = after

    def __iter__(self) -> Any:
        return iter(self._body)

    def close(self) -> None:
        _then(getattr(self._body, "close", lambda: None), self._after)()
