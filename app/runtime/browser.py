"""Open the person's browser on Sheaf without putting the token on a command line.

Any user can list any process's arguments on most systems, so instead of
``browser http://...?token=...`` we write a tiny page, readable only by
this user, that forwards to the token URL, and open that file. This is what
Jupyter does.
"""

from __future__ import annotations

import html
import logging
import os
import webbrowser
from pathlib import Path

log = logging.getLogger(__name__)

REDIRECT_NAME = "open-sheaf.html"


def write_redirect(folder: Path, url: str) -> Path:
    path = folder / REDIRECT_NAME
    tmp = path.with_name(f".{REDIRECT_NAME}.{os.getpid()}.tmp")
    target = html.escape(url, quote=True)
    page = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={target}">'
        "<title>Sheaf</title></head>"
        f'<body><p><a href="{target}">Open Sheaf</a></p></body></html>\n'
    )
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, path)
    return path


def open_browser(folder: Path, url: str) -> bool:
    """Open ``url`` through a private redirect file. Returns whether a browser was started."""
    try:
        page = write_redirect(folder, url)
        opened = webbrowser.open(page.as_uri(), new=2)
    except Exception:  # a missing or broken browser must not stop Sheaf
        log.exception("could not open a browser")
        return False
    if not opened:
        log.warning("no browser could be opened; open the address printed by Sheaf")
    return opened
