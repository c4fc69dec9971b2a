"""Every option Sheaf takes, declared once: its flag, its environment variables, its
type, its bounds, its default and its help. :mod:`app.runtime.cli` builds the argument
parser and reads the environment from this table; defaults that are also the app's
defaults are taken from :class:`~app.settings.Settings` and :class:`~app.settings.Limits`,
and a test checks that README.rst names every option here.

Resolution: a flag wins over the environment variables (the first one set, in the order
given), which win over the default. A value out of bounds is a usage error, never
silently replaced by the default (``SHEAF_MAX_PAGES=0`` is refused, not 10,000).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.settings import Limits, Settings

MiB = 1024 * 1024
_LIMITS = Limits()
_SETTINGS = Settings()

Kind = Literal["str", "int", "float", "flag", "path", "list"]
Where = Literal["both", "desktop", "server"]


@dataclass(frozen=True)
class Option:
    name: str  #: the field of :class:`~app.runtime.cli.Options`
    help: str
    kind: Kind = "str"
    flag: str | None = None
    env: tuple[str, ...] = ()
    default: object = None
    #: Smallest value allowed (numbers); ``above``: the value must be more than ``low``.
    low: float | None = None
    above: bool = False
    choices: tuple[str, ...] = ()
    #: Where the option means something; elsewhere it keeps its default.
    where: Where = "both"
    #: A flag that only makes Sheaf do one thing and exit (not a setting).
    action: bool = False

    @property
    def environment(self) -> str | None:
        return self.env[0] if self.env else None


def _env(*names: str) -> tuple[str, ...]:
    return names


OPTIONS: tuple[Option, ...] = (
    # -- what to run ----------------------------------------------------------------------
    Option(
        "server",
        "serve everyone who can reach --host:--port (for Docker and servers)",
        "flag",
        flag="--server",
    ),
    Option(
        "healthcheck",
        "ask a running server whether it is alive and exit 0 or 1 (the "
        "image's HEALTHCHECK: it has no shell or Python of its own)",
        "flag",
        flag="--healthcheck",
        action=True,
    ),
    Option(
        "new_password",
        "print a strong random password (for SHEAF_PASSWORD) and exit",
        "flag",
        flag="--new-password",
        action=True,
    ),
    # -- where to listen --------------------------------------------------------------------
    Option(
        "host",
        "address to listen on (server default 0.0.0.0, desktop 127.0.0.1)",
        flag="--host",
        env=_env("SHEAF_HOST"),
    ),
    Option(
        "port",
        "port to listen on; desktop: preferred port, another free one if taken "
        "(server default 8080)",
        "int",
        flag="--port",
        env=_env("SHEAF_PORT", "PORT"),
        low=0,
    ),
    Option(
        "open_browser",
        "do not open a browser, only print the address",
        "flag",
        flag="--no-browser",
        where="desktop",
    ),
    Option(
        "data_dir",
        "keep data, config, cache and logs under this folder",
        "path",
        flag="--data-dir",
        env=_env("SHEAF_DATA_DIR"),
    ),
    Option(
        "idle_timeout",
        "desktop: quit this many seconds after the last Sheaf tab closed, 0 = never",
        "float",
        flag="--idle-timeout",
        env=_env("SHEAF_IDLE_TIMEOUT"),
        default=60.0,
        low=0,
        where="desktop",
    ),
    Option(
        "log_level",
        "how much to log",
        flag="--log-level",
        env=_env("SHEAF_LOG_LEVEL"),
        default="info",
        choices=("debug", "info", "warning", "error"),
    ),
    Option(
        "log_format",
        "json: one JSON object a line for log collectors",
        env=_env("SHEAF_LOG_FORMAT"),
        default="text",
        choices=("text", "json"),
    ),
    Option(
        "shutdown_timeout",
        "seconds to let requests in flight finish when stopping",
        "float",
        flag="--shutdown-timeout",
        default=8.0,
        low=0,
    ),
    Option(
        "threads",
        "worker threads (default 8 in server mode, 4 on the desktop)",
        "int",
        flag="--threads",
        env=_env("SHEAF_THREADS"),
        low=1,
    ),
    # -- who may use it (server) -----------------------------------------------------------
    Option(
        "password",
        "a shared password with a sign-in page",
        env=_env("SHEAF_PASSWORD"),
        where="server",
    ),
    Option(
        "password_file",
        "the shared password, read from a file (Docker secrets)",
        "path",
        env=_env("SHEAF_PASSWORD_FILE"),
        where="server",
    ),
    Option(
        "allowed_hosts",
        "comma-separated host names to answer to",
        "list",
        env=_env("SHEAF_ALLOWED_HOSTS"),
        default=("*",),
        where="server",
    ),
    Option(
        "trusted_proxy",
        "the reverse proxy's address, to trust its forwarded headers",
        env=_env("SHEAF_TRUSTED_PROXY"),
        where="server",
    ),
    Option(
        "trusted_proxy_count",
        "how many proxies are in front (default 1)",
        "int",
        env=_env("SHEAF_TRUSTED_PROXY_COUNT"),
        low=1,
        where="server",
    ),
    Option(
        "trusted_proxy_headers",
        "which forwarded headers to trust",
        "list",
        env=_env("SHEAF_TRUSTED_PROXY_HEADERS"),
        default=(),
        where="server",
    ),
    Option(
        "auth_header",
        "the header a sign-in proxy names the user in (needs SHEAF_TRUSTED_PROXY)",
        env=_env("SHEAF_AUTH_HEADER"),
        where="server",
    ),
    Option(
        "session_idle_minutes",
        "a signed-in session unused this long ends",
        "float",
        env=_env("SHEAF_SESSION_IDLE_MINUTES"),
        default=_SETTINGS.session_idle / 60,
        low=0,
        above=True,
        where="server",
    ),
    Option(
        "session_max_hours",
        "every session ends this long after sign-in",
        "float",
        env=_env("SHEAF_SESSION_MAX_HOURS"),
        default=_SETTINGS.session_max_age / 3600,
        low=0,
        above=True,
        where="server",
    ),
    Option(
        "cookie_secure",
        "1: cookies always Secure",
        "flag",
        env=_env("SHEAF_COOKIE_SECURE"),
        default=_SETTINGS.cookie_secure,
    ),
    Option(
        "hsts",
        "1: send Strict-Transport-Security on HTTPS",
        "flag",
        env=_env("SHEAF_HSTS"),
        default=_SETTINGS.hsts,
    ),
    # -- what one request may ask -----------------------------------------------------------
    Option(
        "max_upload_mb",
        "the upload limit per request, in MB",
        "int",
        env=_env("SHEAF_MAX_UPLOAD_MB"),
        default=_LIMITS.max_upload_bytes // MiB,
        low=1,
    ),
    Option(
        "max_pages",
        "pages per document",
        "int",
        env=_env("SHEAF_MAX_PAGES"),
        default=_LIMITS.max_pages,
        low=1,
    ),
    Option(
        "max_files",
        "files per request",
        "int",
        env=_env("SHEAF_MAX_FILES"),
        default=_LIMITS.max_files,
        low=1,
    ),
    Option(
        "max_output_files",
        "files in one result, e.g. a split",
        "int",
        env=_env("SHEAF_MAX_OUTPUT_FILES"),
        default=_LIMITS.max_output_files,
        low=1,
    ),
    Option(
        "memory_budget_mb",
        "what one request may hold while it decodes, in MB",
        "int",
        env=_env("SHEAF_MEMORY_BUDGET_MB"),
        default=_LIMITS.memory_budget // MiB,
        low=16,
    ),
    # -- the server's processes ----------------------------------------------------------------
    Option(
        "workers",
        "server processes sharing the port (default: the CPUs available)",
        "int",
        env=_env("SHEAF_WORKERS"),
        low=1,
        where="server",
    ),
    Option(
        "health_port",
        "a port of its own for /livez and /readyz",
        "int",
        env=_env("SHEAF_HEALTH_PORT"),
        low=0,
        where="server",
    ),
    Option(
        "metrics",
        "1: Prometheus /metrics on the health port",
        "flag",
        env=_env("SHEAF_METRICS"),
        where="server",
    ),
    Option(
        "max_client_connections",
        "connections one client address may hold in each worker (0 = no cap)",
        "int",
        env=_env("SHEAF_MAX_CLIENT_CONNECTIONS"),
        default=32,
        low=0,
        where="server",
    ),
    Option(
        "receive_timeout",
        "seconds a client has to send a request's headers",
        "float",
        env=_env("SHEAF_RECEIVE_TIMEOUT"),
        default=20.0,
        low=0,
        above=True,
        where="server",
    ),
    Option(
        "worker_max_requests",
        "replace a worker after this many requests (0 = never)",
        "int",
        env=_env("SHEAF_WORKER_MAX_REQUESTS"),
        default=0,
        low=0,
        where="server",
    ),
    Option(
        "worker_max_rss_mb",
        "replace a worker once its resident memory passes this many MB (0 = never)",
        "int",
        env=_env("SHEAF_WORKER_MAX_RSS_MB"),
        default=0,
        low=0,
        where="server",
    ),
    # -- the desktop's menu entry --------------------------------------------------------------
    Option(
        "install",
        "add Sheaf to this user's applications menu and 'Open with' (Linux), then exit",
        "flag",
        flag="--install",
        action=True,
    ),
    Option(
        "uninstall",
        "remove exactly what --install added, then exit",
        "flag",
        flag="--uninstall",
        action=True,
    ),
)

BY_NAME = {o.name: o for o in OPTIONS}


def default(name: str) -> object:
    return BY_NAME[name].default


def as_path(value: object) -> Path | None:
    return value if isinstance(value, Path) or value is None else Path(str(value))
