"""The Host check: the Host header must be one we serve. In desktop mode that is
127.0.0.1/localhost/[::1] with our port, which defeats DNS rebinding (a web page whose
host name suddenly resolves to 127.0.0.1 still sends its own name as Host)."""

from __future__ import annotations

from flask import Response, request

from app.web import settings


def desktop_hosts(port: int) -> tuple[str, ...]:
    """The Host values a desktop Sheaf on ``port`` answers to: loopback names, with the
    port (a page on another port of this machine is another origin)."""
    return (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}")


def host_allowed() -> bool:
    allowed = settings().allowed_hosts
    if "*" in allowed:
        return True
    host = (request.host or "").lower()
    return host in allowed or host.rsplit(":", 1)[0] in allowed


def check_host() -> Response | None:
    if not host_allowed():
        # Plain text on purpose: a rebinding page gets nothing it could use.
        return Response("Unknown host\n", status=403, mimetype="text/plain")
    return None
