"""What both start-ups share: signal handling, waitress's options, the limits a request
may ask for, and serving until a stop (then removing what requests left)."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from app.runtime.cli import Options

if TYPE_CHECKING:
    from flask import Flask

    from app.runtime.server import Server
    from app.settings import Limits

log = logging.getLogger("sheaf")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def install_signal_handlers(stop: Callable[[], None]) -> None:
    def handler(signum: int, _frame: object) -> None:
        log.info("received %s; stopping", signal.Signals(signum).name)
        stop()

    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


class WaitressOptions(TypedDict):
    """waitress settings both modes pass through ``Server`` (named, so they cannot
    be taken for ``Server``'s own keywords)."""

    max_request_body_size: int
    channel_timeout: int
    connection_limit: int
    channel_request_lookahead: int
    send_bytes: int


def waitress_options(options: Options) -> WaitressOptions:
    extra: WaitressOptions = {
        # Uploads stream to disk in waitress and again in Werkzeug; this cap is the
        # last line behind Flask's MAX_CONTENT_LENGTH, with room for multipart framing.
        "max_request_body_size": (options.max_upload_mb + 16) * 1024 * 1024,
        "channel_timeout": 120,
        # Slow clients hold connections, not threads: room for many of them, so a
        # slow-loris crowd cannot lock out health checks and real clients.
        "connection_limit": 1000,
        # Keeps reading while a request is processed, so a client that went away is
        # noticed (environ["waitress.client_disconnected"]) and its work stops.
        "channel_request_lookahead": 5,
        # Waitress sends each piece of a response as soon as it is written (headers,
        # then body: two sends and two packets for a page). Gathering up to 64 KB
        # first sends a page in one go: +40% pages per second (benchmarks/launcher.py).
        # Downloads come in 256 KB pieces and still go out at once.
        "send_bytes": 65536,
    }
    return extra


def serve_until_stopped(server: Server, app: Flask) -> int:
    """Serve until a stop, drain, and remove the files of requests the drain cut short."""
    from app.api.workspace import remove_scratch

    try:
        server.serve()
    finally:
        remove_scratch(app)
    log.info("stopped")
    return EXIT_OK


def limits(options: Options) -> Limits:
    from app.settings import Limits

    return Limits(
        max_upload_bytes=options.max_upload_mb * 1024 * 1024,
        max_pages=options.max_pages,
        max_files=options.max_files,
        max_output_files=options.max_output_files,
        memory_budget=options.memory_budget_mb * 1024 * 1024,
    )
