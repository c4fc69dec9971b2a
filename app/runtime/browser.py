"""Open the person's browser on Sheaf without putting the token on a command line.

Any user can list any process's arguments on most systems, so instead of
``browser http://...?token=...`` we write a tiny page, readable only by
this user, that forwards to the token URL, and open that file. This is what
Jupyter does.

Sandboxed browsers (Ubuntu's default Firefox is a snap) may read only
non-hidden files in the home folder, and Sheaf's data folder is hidden
(``~/.local/share/Sheaf``). For them Sheaf opens a single-use, short-lived
``?ticket=`` link instead (:mod:`app.security.tickets`): never the token.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import webbrowser
from collections.abc import Callable
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


def sandbox_readable(folder: Path, home: Path | None = None, platform: str = sys.platform) -> bool:
    """Can a snap-confined browser read a file in ``folder``? Only on Linux is there
    doubt: such browsers see the home folder but none of its hidden parts."""
    if not platform.startswith("linux"):
        return True
    home = home or Path.home()
    try:
        inside = Path(os.path.abspath(folder)).relative_to(os.path.abspath(home))
    except ValueError:
        return False  # outside the home folder: not shared with the sandbox
    return not any(part.startswith(".") for part in inside.parts)


def open_browser(folder: Path, url: str, token: str, ticket: Callable[[], str]) -> bool:
    """Open ``url`` (a page of Sheaf, without credentials) for the person: through a
    private redirect file with the token where the browser can read it, else with a
    single-use ticket. Returns whether a browser was started."""
    join = "&" if "?" in url else "?"
    try:
        if sandbox_readable(folder):
            target = write_redirect(folder, f"{url}{join}token={token}").as_uri()
        else:
            target = f"{url}{join}ticket={ticket()}"
        opened = webbrowser.open(target, new=2)
    except Exception:  # a missing or broken browser must not stop Sheaf
        log.exception("could not open a browser")
        return False
    if not opened:
        log.warning("no browser could be opened; open the address printed by Sheaf")
    return opened
