"""In-process Sheaf apps, one per way of deciding who is asking (Flask tutorial style).

The rules of :mod:`app.security` (Host, who, cross-site, headers, sessions) are
checked here through ``app.test_client()``: one small request per rule, no server
to start. What only a real server shows (the port, the proxy middleware, several
workers, a real browser) stays in the process-level tests beside these.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from helpers.apps import (
    DESKTOP,
    PASSWORD,
    PORT,
    PROXY,
    SESSION_IDLE,
    SESSION_MAX_AGE,
    TOKEN,
    USER_HEADER,
    Tab,
    client_of,
)
from helpers.support import Clock

from app import create_app
from app.security.hosts import desktop_hosts
from app.settings import Settings


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desktop_app(tmp_path: Path) -> Flask:
    """A desktop Sheaf as the launcher builds it: launch token, its port, loopback hosts."""
    return create_app(
        Settings(
            mode="desktop",
            token=TOKEN,
            port=PORT,
            allowed_hosts=desktop_hosts(PORT),
            temp_root=tmp_path,
        )
    )


@pytest.fixture
def desktop_client(desktop_app: Flask) -> Tab:
    return client_of(desktop_app, DESKTOP)


@pytest.fixture
def signed_in(desktop_client: Tab) -> Tab:
    """A desktop tab that has traded the launch token for its cookie."""
    assert desktop_client.get(f"/?token={TOKEN}").status_code == 200
    return desktop_client


@pytest.fixture
def open_client(tmp_path: Path) -> Tab:
    """A server without sign-in."""
    return client_of(create_app(Settings(mode="server", temp_root=tmp_path)))


@pytest.fixture
def password_app(tmp_path: Path, clock: Clock) -> Flask:
    """A server with a shared password, its sessions dated by ``clock``."""
    return create_app(
        Settings(
            mode="server",
            password=PASSWORD,
            temp_root=tmp_path,
            session_idle=SESSION_IDLE,
            session_max_age=SESSION_MAX_AGE,
            clock=clock,
        )
    )


@pytest.fixture
def password_client(password_app: Flask) -> Tab:
    return client_of(password_app)


@pytest.fixture
def proxy_client(tmp_path: Path) -> Tab:
    """A server behind a sign-in proxy at PROXY that names the user in USER_HEADER."""
    app = create_app(
        Settings(mode="server", auth_header=USER_HEADER, trusted_proxy=PROXY, temp_root=tmp_path)
    )
    return client_of(app)
