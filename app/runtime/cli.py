"""The command line and the environment, turned into one :class:`Options`.

Flags win over environment variables, which win over defaults. Server mode
reads the environment the container world expects (``PORT``, secrets as files).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.meta import NAME, VERSION
from app.runtime import console

DEFAULT_SERVER_PORT = 8080
DEFAULT_IDLE_TIMEOUT = 60.0


class UsageError(Exception):
    """Something on the command line or in the environment does not make sense."""


@dataclass(frozen=True)
class Options:
    server: bool
    host: str
    port: int | None
    open_browser: bool
    data_dir: Path | None
    idle_timeout: float
    log_level: str
    shutdown_timeout: float
    threads: int
    password: str | None
    allowed_hosts: tuple[str, ...]
    trusted_proxy: str | None
    trusted_proxy_count: int | None
    trusted_proxy_headers: tuple[str, ...]
    max_upload_mb: int
    max_pages: int
    max_files: int
    max_output_files: int
    memory_budget_mb: int
    auth_header: str | None = None
    health_port: int | None = None
    #: Server processes sharing the port; None = the CPUs available (server_mode).
    workers: int | None = None
    metrics: bool = False
    log_format: str = "text"
    session_idle_minutes: float = 60.0
    session_max_hours: float = 12.0
    cookie_secure: bool = False
    hsts: bool = False
    healthcheck: bool = False
    #: Print a strong random password and exit (for SHEAF_PASSWORD).
    new_password: bool = False
    #: Server: connections one client address may hold in each worker (0 = no cap).
    max_client_connections: int = 32
    #: Server: seconds a client has for a request's headers, and the grace before its
    #: body must keep up app.runtime.clients.MIN_RATE.
    receive_timeout: float = 20.0
    #: Server: replace a worker after this many requests (0 = never) ...
    worker_max_requests: int = 0
    #: ... or once its resident memory passes this many MB (0 = never).
    worker_max_rss_mb: int = 0
    #: Desktop: files to open (what "Open with" and drag-onto-icon pass), as given.
    files: tuple[str, ...] = ()
    #: "install" or "uninstall" the applications-menu entry (Linux), then exit.
    menu_entry: str | None = None
    #: Things worth a warning in the log once logging is set up.
    warnings: tuple[str, ...] = ()


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose ``--help``, ``--version`` and usage errors reach a person
    running the windowed Windows .exe: gathered, then shown in one message box."""

    _shown = ""

    def _print_message(self, message: str, file: object = None) -> None:
        if console.windowed_windows():
            self._shown += message or ""
        else:
            super()._print_message(message, file)  # type: ignore[arg-type]

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        text = self._shown + (message or "")
        if console.windowed_windows() and text.strip():
            console.message_box(text.strip(), error=status != 0)
            raise SystemExit(status)
        super().exit(status, message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=NAME.lower(),
        description=f"{NAME}: a private PDF toolbox that runs in your browser.",
        epilog="Without --server, Sheaf runs for you alone and opens your browser.",
    )
    p.add_argument("--version", action="version", version=f"{NAME} {VERSION}")
    p.add_argument(
        "--server",
        action="store_true",
        help="serve everyone who can reach --host:--port (for Docker and servers)",
    )
    p.add_argument("--host", help="address to listen on (server mode; default 0.0.0.0)")
    p.add_argument(
        "--healthcheck",
        action="store_true",
        help="ask a running server whether it is alive and exit 0 or 1 (the image's"
        " HEALTHCHECK: it has no shell or Python of its own)",
    )
    p.add_argument(
        "--new-password",
        action="store_true",
        help="print a strong random password (for SHEAF_PASSWORD) and exit",
    )
    p.add_argument(
        "--port",
        type=int,
        help="port to listen on; desktop: preferred port, another free one if taken "
        "(env SHEAF_PORT or PORT; server default 8080)",
    )
    p.add_argument(
        "--no-browser", action="store_true", help="do not open a browser, only print the address"
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        help="keep data, config, cache and logs under this folder (env SHEAF_DATA_DIR)",
    )
    p.add_argument(
        "--idle-timeout",
        type=float,
        help=f"desktop: quit this many seconds after the last Sheaf tab closed, 0 = never "
        f"(env SHEAF_IDLE_TIMEOUT; default {DEFAULT_IDLE_TIMEOUT:g})",
    )
    p.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="how much to log (env SHEAF_LOG_LEVEL; default info)",
    )
    p.add_argument(
        "--shutdown-timeout",
        type=float,
        default=None,
        help="seconds to let requests in flight finish when stopping (default 8)",
    )
    p.add_argument("--threads", type=int, help="worker threads (env SHEAF_THREADS; default 4/8)")
    entry = p.add_mutually_exclusive_group()
    entry.add_argument(
        "--install",
        action="store_true",
        help="add Sheaf to this user's applications menu and 'Open with' (Linux), then exit",
    )
    entry.add_argument(
        "--uninstall",
        action="store_true",
        help="remove exactly what --install added, then exit",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="PDFs or images to open in Sheaf (desktop; handed to a running Sheaf if any)",
    )
    return p


def _env_number(env: Mapping[str, str], name: str, kind: type) -> float | int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise UsageError(f"{name} must be a number, not {raw!r}") from None


def _password(env: Mapping[str, str]) -> str | None:
    path = env.get("SHEAF_PASSWORD_FILE", "").strip()
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read SHEAF_PASSWORD_FILE {path}: {exc.strerror}") from None
        if not value:
            raise UsageError(f"SHEAF_PASSWORD_FILE {path} is empty")
        return value
    return env.get("SHEAF_PASSWORD") or None


def _port_from_env(env: Mapping[str, str], warnings: list[str]) -> int | None:
    """``SHEAF_PORT``, else ``PORT``. Kubernetes injects ``SHEAF_PORT=tcp://10.0.0.1:80``
    into every pod once a Service named ``sheaf`` exists: such a value is not ours, so it
    is ignored with a warning instead of stopping the pod in a crash loop."""
    raw = env.get("SHEAF_PORT", "").strip()
    if raw and not raw.isdigit():
        warnings.append(
            f"ignoring SHEAF_PORT={raw!r}: not a port number (Kubernetes sets it for a "
            "Service named 'sheaf'; set enableServiceLinks: false in the pod spec)"
        )
        raw = ""
    if raw:
        return int(raw)
    return _env_number(env, "PORT", int)


def _log_format(env: Mapping[str, str]) -> str:
    value = env.get("SHEAF_LOG_FORMAT", "text").strip().lower() or "text"
    if value not in ("text", "json"):
        raise UsageError(f"SHEAF_LOG_FORMAT must be text or json, not {value!r}")
    return value


def _workers(env: Mapping[str, str]) -> int | None:
    workers = _env_number(env, "SHEAF_WORKERS", int)
    if workers is not None and workers < 1:
        raise UsageError("SHEAF_WORKERS must be at least 1")
    return workers


def _at_least(env: Mapping[str, str], name: str, low: int, default: int) -> int:
    value = _env_number(env, name, int)
    if value is None:
        return default
    if value < low:
        raise UsageError(f"{name} must be at least {low}")
    return int(value)


def _receive_timeout(env: Mapping[str, str]) -> float:
    value = _env_number(env, "SHEAF_RECEIVE_TIMEOUT", float)
    if value is not None and value <= 0:
        raise UsageError("SHEAF_RECEIVE_TIMEOUT must be more than 0 seconds")
    return float(value or 20.0)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise UsageError(f"{name} must be 1 or 0, not {raw!r}")


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in (value or "").split(",") if part.strip())


def parse(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Options:
    env = os.environ if env is None else env
    if argv is None:
        import sys

        argv = sys.argv[1:]
    # Older macOS passes a process serial number when Finder starts an app: not a file.
    argv = [a for a in argv if not a.startswith("-psn_")]
    args = build_parser().parse_args(argv)
    server = bool(args.server)

    warnings: list[str] = []
    port = args.port
    if port is None:
        port = _port_from_env(env, warnings)
    if port is None and server:
        port = DEFAULT_SERVER_PORT
    if port is not None and not 0 <= port <= 65535:
        raise UsageError(f"port {port} is out of range (0-65535)")

    idle = args.idle_timeout
    if idle is None:
        idle = _env_number(env, "SHEAF_IDLE_TIMEOUT", float)
    idle = DEFAULT_IDLE_TIMEOUT if idle is None else idle
    if idle < 0:
        raise UsageError("the idle timeout cannot be negative")

    data_dir = args.data_dir or (Path(env["SHEAF_DATA_DIR"]) if env.get("SHEAF_DATA_DIR") else None)
    threads = args.threads or _env_number(env, "SHEAF_THREADS", int) or (8 if server else 4)
    if threads < 1:
        raise UsageError("threads must be at least 1")
    max_upload = _env_number(env, "SHEAF_MAX_UPLOAD_MB", int) or 512

    if server:
        allowed = _split(env.get("SHEAF_ALLOWED_HOSTS")) or ("*",)
        password = _password(env)
    else:
        allowed = ()  # computed from the bound port
        password = None
    if server and args.files:
        raise UsageError("files are opened by the desktop Sheaf; server mode takes uploads")
    if not server and args.host and args.host not in ("127.0.0.1", "localhost", "::1"):
        raise UsageError("desktop mode only listens on this computer; use --server to serve others")
    proxy_headers = _split(env.get("SHEAF_TRUSTED_PROXY_HEADERS"))
    auth_header = env.get("SHEAF_AUTH_HEADER", "").strip() or None
    if auth_header and not env.get("SHEAF_TRUSTED_PROXY"):
        raise UsageError(
            "SHEAF_AUTH_HEADER needs SHEAF_TRUSTED_PROXY: only the sign-in proxy may name the user"
        )
    return Options(
        server=server,
        host=args.host or env.get("SHEAF_HOST") or ("0.0.0.0" if server else "127.0.0.1"),  # noqa: S104
        port=port,
        open_browser=not (args.no_browser or server),
        data_dir=data_dir,
        idle_timeout=0.0 if server else idle,
        log_level=(args.log_level or env.get("SHEAF_LOG_LEVEL") or "info").lower(),
        shutdown_timeout=args.shutdown_timeout if args.shutdown_timeout is not None else 8.0,
        threads=int(threads),
        password=password,
        allowed_hosts=allowed,
        trusted_proxy=env.get("SHEAF_TRUSTED_PROXY") or None,
        trusted_proxy_count=_env_number(env, "SHEAF_TRUSTED_PROXY_COUNT", int),
        trusted_proxy_headers=proxy_headers,
        max_upload_mb=int(max_upload),
        max_pages=int(_env_number(env, "SHEAF_MAX_PAGES", int) or 10_000),
        max_files=int(_env_number(env, "SHEAF_MAX_FILES", int) or 200),
        max_output_files=int(_env_number(env, "SHEAF_MAX_OUTPUT_FILES", int) or 2_000),
        memory_budget_mb=int(_env_number(env, "SHEAF_MEMORY_BUDGET_MB", int) or 384),
        auth_header=auth_header,
        health_port=(
            _env_number(env, "SHEAF_HEALTH_PORT", int) if server or args.healthcheck else None
        ),
        workers=_workers(env) if server else 1,
        metrics=_flag(env, "SHEAF_METRICS") if server else False,
        log_format=_log_format(env),
        healthcheck=bool(args.healthcheck),
        new_password=bool(args.new_password),
        max_client_connections=_at_least(env, "SHEAF_MAX_CLIENT_CONNECTIONS", 0, 32),
        receive_timeout=_receive_timeout(env),
        worker_max_requests=_at_least(env, "SHEAF_WORKER_MAX_REQUESTS", 0, 0),
        worker_max_rss_mb=_at_least(env, "SHEAF_WORKER_MAX_RSS_MB", 0, 0),
        session_idle_minutes=float(_env_number(env, "SHEAF_SESSION_IDLE_MINUTES", float) or 60),
        session_max_hours=float(_env_number(env, "SHEAF_SESSION_MAX_HOURS", float) or 12),
        cookie_secure=_flag(env, "SHEAF_COOKIE_SECURE"),
        hsts=_flag(env, "SHEAF_HSTS"),
        files=tuple(args.files),
        menu_entry="install" if args.install else "uninstall" if args.uninstall else None,
        warnings=tuple(warnings),
    )
