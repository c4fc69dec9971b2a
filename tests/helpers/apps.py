"""In-process Sheaf apps for the rules of :mod:`app.security` (Flask tutorial style):
their fixed secrets and addresses, a test client that stays on one origin, and the
CSRF token a page hands out. The fixtures are in ``tests/core/conftest.py``."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

PORT = 51234
#: Where a desktop Sheaf on PORT is: the address its launch line prints.
DESKTOP = f"http://127.0.0.1:{PORT}"
TOKEN = "launch-token-" + "k" * 32
PASSWORD = "correct horse battery staple"
#: The sign-in proxy's own address, and the header it names the user in.
PROXY = "10.0.0.2"
USER_HEADER = "Remote-User"
SESSION_IDLE = 600.0
SESSION_MAX_AGE = 3600.0


class Tab(FlaskClient):
    """A test client that talks to one origin unless told otherwise, like a browser tab."""

    origin = "http://localhost"

    def open(self, *args: Any, **kwargs: Any):
        if not args or isinstance(args[0], str):
            kwargs.setdefault("base_url", self.origin)
        return super().open(*args, **kwargs)


def client_of(app: Flask, origin: str = "http://localhost") -> Tab:
    app.test_client_class = Tab
    client = app.test_client()
    assert isinstance(client, Tab)
    client.origin = origin
    return client


def page_csrf(html: str) -> str:
    """The CSRF token a page gives its forms and scripts (the ``csrf-token`` meta tag)."""
    found = re.search(r'<meta name="csrf-token" content="([^"]*)">', html)
    assert found, "the page has no csrf-token meta tag"
    return found.group(1)
