"""The settings one Sheaf app is created with.

Desktop and server mode are the same app with different settings; nothing
else in ``app/`` asks which mode it runs in except through this object.
The launcher (``app/runtime``) builds it from the command line and the
environment; tests build it directly.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from app.shared import Memory

Mode = Literal["desktop", "server"]

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one request may ask of Sheaf. Configurable; 4xx with the limit when exceeded."""

    max_upload_bytes: int = 512 * MiB
    max_files: int = 200
    max_pages: int = 10_000
    #: Files in one result (split, PDF to images).
    max_output_files: int = 2_000
    #: What one request may hold in memory while it decodes, renders or converts;
    #: pixel and unpacked-size limits derive from it (see app.pdf.core.job).
    memory_budget: int = 384 * MiB


@dataclass(frozen=True)
class Settings:
    mode: Mode = "server"
    #: Desktop: the per-launch secret. Never logged.
    token: str | None = None
    #: Server: optional shared password.
    password: str | None = None
    #: Host header values we answer to; ``("*",)`` answers any host.
    allowed_hosts: tuple[str, ...] = ("*",)
    #: Desktop: the person's data folder (a remembered signature); None in server mode.
    data_dir: Path | None = None
    #: Where the process's private scratch folder is made (app.api.workspace).
    temp_root: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    limits: Limits = field(default_factory=Limits)
    #: Desktop: seconds without an open tab before Sheaf quits (0 = never).
    idle_timeout: float = 0.0
    #: Called by the Quit button (desktop); None where quitting is not offered.
    request_shutdown: Callable[[], None] | None = None
    #: Desktop: the port we listen on (part of cookie names and allowed hosts).
    port: int | None = None
    #: Server with a password: a session not used for this long ends (seconds).
    session_idle: float = 3600.0
    #: ... and every session ends this long after sign-in, used or not (seconds).
    session_max_age: float = 12 * 3600.0
    #: The wall clock sessions and device cookies are dated by (tests pass their own).
    clock: Callable[[], float] = field(default=time.time, compare=False, repr=False)
    #: Mark cookies Secure even where the request does not look like HTTPS.
    cookie_secure: bool = False
    #: Send Strict-Transport-Security on HTTPS responses.
    hsts: bool = False
    #: Server behind a sign-in proxy: the header naming the signed-in user, believed
    #: only on requests from ``trusted_proxy`` (see app.security).
    auth_header: str | None = None
    trusted_proxy: str | None = None
    #: Server with SHEAF_METRICS=1: where this process writes its counts (app.telemetry.metrics).
    metrics_dir: Path | None = None
    #: Server with several workers: the tables they share (app.shared); None: private ones.
    shared: Memory | None = field(default=None, compare=False, repr=False)
    #: Set when the server begins to stop: work in progress stops between pages.
    stopping: threading.Event = field(default_factory=threading.Event, compare=False)

    @property
    def desktop(self) -> bool:
        return self.mode == "desktop"

    @property
    def cookie_suffix(self) -> str:
        """Cookies are per host, not per port: two Sheaf instances on 127.0.0.1
        would overwrite each other's cookies without a port in the name."""
        return f"_{self.port}" if self.desktop and self.port else ""
