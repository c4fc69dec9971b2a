"""What every response carries: a strict Content-Security-Policy (no inline script
anywhere), no framing, no referrer, no sniffing, no caching of pages, and HSTS where
asked for."""

from __future__ import annotations

from flask import Response, request

from app.web import settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def finish(resp: Response) -> Response:
    h = resp.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if request.endpoint != "static":
        h.setdefault("Cache-Control", "no-store")
    if settings().hsts and (request.is_secure or settings().cookie_secure):
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return resp
