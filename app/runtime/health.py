"""Liveness and readiness on a port of their own, for Kubernetes (server mode).

Every waitress worker thread can be busy with PDF work for a while; a probe on
the main port waits in the same queue, times out, and Kubernetes restarts a
pod that was only busy. This listener has its own thread and answers at once:

``/livez``
    200 while the process runs (restart me only if this fails).
``/readyz``
    200 while serving; 503 as soon as a stop has begun, so the Service stops
    routing new requests here while the requests in flight finish.

``/metrics``
    with ``SHEAF_METRICS=1``: every worker's counts in Prometheus' format
    (:mod:`app.telemetry.metrics`). On this port, not the public one: metrics are for the
    cluster, not for everyone who can reach Sheaf.

It is off unless ``SHEAF_HEALTH_PORT`` is set (the image sets 8081).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class Flag(Protocol):
    """Whether a stop has begun (a ``threading.Event``, or the supervisor's flag)."""

    def is_set(self) -> bool: ...


def start(
    host: str, port: int, stopping: Flag, metrics: MetricsFolder | None = None
) -> ThreadingHTTPServer:
    """Answer on a thread of its own (one server process)."""
    server = ThreadingHTTPServer((host, port), _handler(stopping, metrics))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log.info("health checks on port %d (/livez, /readyz)", server.server_address[1])
    return server


def make(host: str, port: int, stopping: Flag, metrics: MetricsFolder | None = None) -> HTTPServer:
    """For a loop that calls ``handle_request()`` itself (the workers' supervisor):
    no thread, so forking new workers stays safe."""
    server = HTTPServer((host, port), _handler(stopping, metrics))
    server.timeout = 0.25
    log.info("health checks on port %d (/livez, /readyz)", server.server_address[1])
    return server


def probe(health_port: int | None, port: int | None) -> int:
    """``Sheaf --healthcheck``: 0 if the local server is alive, else 1. Asks the health
    port's ``/livez`` where there is one, else the main port's ``/healthz``."""
    import urllib.request

    url = (
        f"http://127.0.0.1:{health_port}/livez"
        if health_port
        else f"http://127.0.0.1:{port or 8080}/healthz"
    )
    try:
        with urllib.request.urlopen(url, timeout=4) as resp:  # noqa: S310 - our own address
            return 0 if resp.status == 200 else 1
    except OSError:
        return 1


@dataclass(frozen=True)
class MetricsFolder:
    """Where the workers' counts are, for ``/metrics`` (see app.telemetry.metrics)."""

    folder: Path
    workers: int


def _handler(stopping: Flag, metrics: MetricsFolder | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # a probe that sends nothing cannot hold the supervisor's loop

        def do_GET(self) -> None:
            if self.path == "/livez":
                self._answer(200, b"ok\n")
            elif self.path == "/readyz":
                ready = not stopping.is_set()
                self._answer(200 if ready else 503, b"ready\n" if ready else b"stopping\n")
            elif self.path == "/metrics" and metrics is not None:
                from app.telemetry.metrics import render

                text = render(metrics.folder, metrics.workers).encode()
                self._answer(200, text, "text/plain; version=0.0.4; charset=utf-8")
            else:
                self._answer(404, b"not found\n")

        def _answer(
            self, status: int, body: bytes, kind: str = "text/plain; charset=utf-8"
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # probes every few seconds would drown the access log

    return Handler
