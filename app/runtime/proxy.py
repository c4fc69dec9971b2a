"""The reverse proxy in front of server mode: which of its headers Sheaf believes.

waitress's proxy middleware rewrites ``REMOTE_ADDR``, the scheme and the host
from ``X-Forwarded-*`` only for requests whose TCP peer is the trusted proxy,
and drops those headers from anyone else. It runs here rather than inside
waitress so the peer's own address is kept first (``PEER_KEY``): a sign-in
proxy's user header (``SHEAF_AUTH_HEADER``) is believed only from that peer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from app.web import PEER_KEY

log = logging.getLogger(__name__)


def behind_proxy(
    app: Callable[..., Iterable[bytes]],
    proxy: str | None,
    count: int | None,
    headers: tuple[str, ...],
) -> Callable[..., Iterable[bytes]]:
    if not proxy:
        return app
    from waitress.proxy_headers import proxy_headers_middleware

    inner = proxy_headers_middleware(
        app,
        trusted_proxy=proxy,
        trusted_proxy_count=count or 1,
        trusted_proxy_headers=set(headers or ("x-forwarded-for", "x-forwarded-proto")),
        clear_untrusted=True,
        logger=log,
    )

    def keep_peer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ[PEER_KEY] = environ.get("REMOTE_ADDR")
        return inner(environ, start_response)

    return keep_peer
