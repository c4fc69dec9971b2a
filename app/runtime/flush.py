"""Sending each write of one response at once: for answers that are read as they come.

Waitress gathers a response's writes until ``send_bytes`` (64 KB, see
:func:`app.runtime.serving.waitress_options`) are waiting, which makes pages
and downloads fast. A stream of small progress lines (app.api.progress) would
then wait in the buffer for minutes, and while data waits there waitress does
not read the connection either, so a client that went away would not be noticed.

WSGI has no "flush", and waitress's options are the same for every connection.
The connection's channel is reachable through the one thing waitress puts in
the environ that belongs to it (``waitress.client_disconnected`` is a bound
method of the channel): it gets its own copy of the options, with
``send_bytes = 1``, for as long as this response lasts. Anything else (another
server, a test client) gets a no-op and simply buffers as it likes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any


def _nothing() -> None:
    pass


def send_each_write(environ: dict[str, Any]) -> Callable[[], None]:
    """Make this request's connection send every write at once; return the undo."""
    channel = getattr(environ.get("waitress.client_disconnected"), "__self__", None)
    shared = getattr(channel, "adj", None)
    if channel is None or shared is None or getattr(shared, "send_bytes", 1) <= 1:
        return _nothing
    own = copy.copy(shared)
    own.send_bytes = 1
    channel.adj = own

    def undo() -> None:
        if channel.adj is own:
            channel.adj = shared

    return undo
