"""Quit the desktop app once no tab has shown Sheaf for ``timeout`` seconds.

Until the first page arrives, a longer grace applies: a browser can take a
while to start on a slow machine, and with ``--no-browser`` nobody may open
a page at all (then only an open page, once seen, arms the timer).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.desktop.presence import Presence

log = logging.getLogger(__name__)

FIRST_PAGE_GRACE = 300.0


def watch(
    presence: Presence,
    timeout: float,
    on_idle: Callable[[], None],
    *,
    expect_page: bool,
    check_every: float = 1.0,
) -> threading.Thread | None:
    """Start a daemon thread that calls ``on_idle`` once Sheaf has been idle long enough."""
    if timeout <= 0:
        return None
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(check_every):
            idle = presence.idle_for()
            if idle is None:
                continue
            if presence.ever_seen:
                limit = timeout
            elif expect_page:
                limit = max(timeout, FIRST_PAGE_GRACE)
            else:
                continue
            if idle >= limit:
                log.info("no Sheaf tab open for %.0f s; quitting", idle)
                on_idle()
                return

    thread = threading.Thread(target=run, name="sheaf-idle", daemon=True)
    thread.start()
    return thread
