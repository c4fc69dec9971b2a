"""One log line per request in server mode, for the sysadmin reading ``docker logs``.

Paths only, never query strings or headers: those can carry secrets. Desktop
mode does not log requests at all (nothing there is anyone else's business).
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("sheaf.access")


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(resp: Response) -> Response:
    took = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    log.info(
        '%s "%s %s" %d %s %.0fms',
        request.remote_addr or "-",
        request.method,
        request.path,
        resp.status_code,
        resp.content_length if resp.content_length is not None else "-",
        took,
        extra={
            "remote": request.remote_addr,
            "method": request.method,
            "path": request.path,
            "status": resp.status_code,
            "bytes": resp.content_length,
            "ms": round(took),
        },
    )
    return resp


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_log)
