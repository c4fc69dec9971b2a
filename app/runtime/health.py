"""Liveness and readiness on a port of their own, for Kubernetes (server mode).

Every waitress worker thread can be busy with PDF work for a while; a probe on
the main port waits in the same queue, times out, and Kubernetes restarts a
pod that was only busy. This listener has its own thread and answers at once:

``/livez``
    200 while the process runs (restart me only if this fails).
``/readyz``
    200 while serving; 503 as soon as a stop has begun, so the Service stops
    routing new requests here while the requests in flight finish.

It is off unless ``SHEAF_HEALTH_PORT`` is set (the image sets 8081).
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

log = logging.getLogger(__name__)


def start(host: str, port: int, stopping: threading.Event) -> ThreadingHTTPServer:
    """Answer on a thread of its own (one server process)."""
    server = ThreadingHTTPServer((host, port), _handler(stopping))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    log.info("health checks on port %d (/livez, /readyz)", server.server_address[1])
    return server


def make(host: str, port: int, stopping: threading.Event) -> HTTPServer:
    """For a loop that calls ``handle_request()`` itself (the workers' supervisor):
    no thread, so forking new workers stays safe."""
    server = HTTPServer((host, port), _handler(stopping))
    server.timeout = 0.25
    log.info("health checks on port %d (/livez, /readyz)", server.server_address[1])
    return server


def _handler(stopping: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 5  # a probe that sends nothing cannot hold the supervisor's loop

        def do_GET(self) -> None:
            if self.path == "/livez":
                self._answer(200, b"ok\n")
            elif self.path == "/readyz":
                ready = not stopping.is_set()
                self._answer(200 if ready else 503, b"ready\n" if ready else b"stopping\n")
            else:
                self._answer(404, b"not found\n")

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # probes every few seconds would drown the access log

    return Handler
