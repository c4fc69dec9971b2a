"""Where a form may send the person next: only a path on this site, or the home page.

``next`` comes from the query string or a form, so it is the attacker's to
choose: ``//evil.example`` would be an open redirect, and a CR or LF would
reach the ``Location`` header (waitress refuses such a header, which used to
end as a 500). Anything but a plain local path becomes the fallback.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str = "/") -> str:
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:
        return fallback
    if parts.scheme or parts.netloc:
        return fallback
    return target
