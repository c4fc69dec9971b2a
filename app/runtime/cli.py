"""The command line and the environment, turned into one :class:`Options`, from the
option table in :mod:`app.runtime.options`.

Flags win over environment variables, which win over defaults. Server mode
reads the environment the container world expects (``PORT``, secrets as files).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app.meta import NAME, VERSION
from app.runtime import console
from app.runtime.options import OPTIONS, Option

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

DEFAULT_SERVER_PORT = 8080


class UsageError(Exception):
    """Something on the command line or in the environment does not make sense."""


@dataclass(frozen=True)
class Options:
    """What the launcher was asked to do: every option of :mod:`app.runtime.options`,
    resolved, plus the files to open and what to warn about once logging is set up."""

    server: bool
    healthcheck: bool
    new_password: bool
    host: str
    port: int | None
    open_browser: bool
    data_dir: Path | None
    idle_timeout: float
    log_level: str
    log_format: str
    shutdown_timeout: float
    threads: int
    password: str | None
    allowed_hosts: tuple[str, ...]
    trusted_proxy: str | None
    trusted_proxy_count: int | None
    trusted_proxy_headers: tuple[str, ...]
    auth_header: str | None
    session_idle_minutes: float
    session_max_hours: float
    cookie_secure: bool
    hsts: bool
    max_upload_mb: int
    max_pages: int
    max_files: int
    max_output_files: int
    memory_budget_mb: int
    #: Server processes sharing the port; None = the CPUs available (server_mode).
    workers: int | None
    health_port: int | None
    metrics: bool
    max_client_connections: int
    receive_timeout: float
    worker_max_requests: int
    worker_max_rss_mb: int
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

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if console.windowed_windows():
            self._shown += message or ""
        else:
            super()._print_message(message, file)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        text = self._shown + (message or "")
        if console.windowed_windows() and text.strip():
            console.message_box(text.strip(), error=status != 0)
            raise SystemExit(status)
        super().exit(status, message)


def build_parser() -> argparse.ArgumentParser:
    """The parser, from the option table: each option with a flag, its help naming its
    environment variable and default."""
    p = _Parser(
        prog=NAME.lower(),
        description=f"{NAME}: a private PDF toolbox that runs in your browser.",
        epilog="Without --server, Sheaf runs for you alone and opens your browser.",
    )
    p.add_argument("--version", action="version", version=f"{NAME} {VERSION}")
    entry = p.add_mutually_exclusive_group()
    for option in OPTIONS:
        if option.flag is None:
            continue
        group = entry if option.name in ("install", "uninstall") else p
        notes = [f"env {' or '.join(option.env)}"] if option.env else []
        if option.default not in (None, (), False) and option.kind != "flag":
            notes.append(
                f"default {option.default:g}"
                if isinstance(option.default, float)
                else f"default {option.default}"
            )
        text = option.help + (f" ({'; '.join(notes)})" if notes else "")
        if option.kind == "flag":
            negative = option.flag.startswith("--no-")
            group.add_argument(
                option.flag,
                dest=option.name,
                action="store_const",
                const=not negative,
                default=None,
                help=text,
            )
        else:
            group.add_argument(
                option.flag,
                dest=option.name,
                type=_TYPES[option.kind],
                choices=option.choices or None,
                default=None,
                help=text,
            )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="PDFs or images to open in Sheaf (desktop; handed to a running Sheaf if any)",
    )
    return p


_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "path": Path, "list": str}


def _convert(option: Option, name: str, raw: str) -> object:
    raw = raw.strip()
    if option.kind == "flag":
        low = raw.lower()
        if low in ("0", "false", "no", "off"):
            return False
        if low in ("1", "true", "yes", "on"):
            return True
        raise UsageError(f"{name} must be 1 or 0, not {raw!r}")
    if option.kind == "list":
        return tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    if option.kind in ("int", "float"):
        try:
            return _TYPES[option.kind](raw)
        except ValueError:
            raise UsageError(f"{name} must be a number, not {raw!r}") from None
    if option.kind == "path":
        return Path(raw)
    value = raw.lower() if option.choices else raw
    if option.choices and value not in option.choices:
        raise UsageError(f"{name} must be {' or '.join(option.choices)}, not {raw!r}")
    return value


def _checked(option: Option, name: str, value: object) -> object:
    if option.low is not None and isinstance(value, int | float) and not isinstance(value, bool):
        if option.above and value <= option.low:
            raise UsageError(f"{name} must be more than {option.low:g}")
        if value < option.low:
            raise UsageError(f"{name} must be at least {option.low:g}")
    return value


def _resolve(option: Option, args: argparse.Namespace, env: Mapping[str, str]) -> object:
    """Flag, else the first environment variable set, else the default."""
    given = getattr(args, option.name, None) if option.flag else None
    if given is not None:
        return _checked(option, option.flag or option.name, given)
    for name in option.env:
        if env.get(name, "").strip():
            return _checked(option, name, _convert(option, name, env[name]))
    return option.default


def _password(values: dict[str, object]) -> str | None:
    path = values["password_file"]
    if path:
        try:
            value = Path(str(path)).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read SHEAF_PASSWORD_FILE {path}: {exc.strerror}") from None
        if not value:
            raise UsageError(f"SHEAF_PASSWORD_FILE {path} is empty")
        return value
    return str(values["password"]) if values["password"] else None


def _kubernetes_port(env: Mapping[str, str], warnings: list[str]) -> dict[str, str]:
    """Kubernetes injects ``SHEAF_PORT=tcp://10.0.0.1:80`` into every pod once a Service
    named ``sheaf`` exists: such a value is not ours, so it is ignored with a warning
    instead of stopping the pod in a crash loop."""
    raw = env.get("SHEAF_PORT", "").strip()
    if raw and not raw.isdigit():
        warnings.append(
            f"ignoring SHEAF_PORT={raw!r}: not a port number (Kubernetes sets it for a "
            "Service named 'sheaf'; set enableServiceLinks: false in the pod spec)"
        )
        return {k: v for k, v in env.items() if k != "SHEAF_PORT"}
    return dict(env)


def parse(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Options:
    env = os.environ if env is None else env
    if argv is None:
        import sys

        argv = sys.argv[1:]
    # Older macOS passes a process serial number when Finder starts an app: not a file.
    argv = [a for a in argv if not a.startswith("-psn_")]
    args = build_parser().parse_args(argv)
    warnings: list[str] = []
    env = _kubernetes_port(env, warnings)
    server = bool(args.server)
    values: dict[str, Any] = {}  # each the type its Option and Options field declare
    for option in OPTIONS:
        wanted = option.where == "both" or (option.where == "server") == server
        values[option.name] = _resolve(option, args, env) if wanted else option.default
    port = values["port"]
    if port is None and server:
        port = DEFAULT_SERVER_PORT
    if port is not None and not 0 <= int(port) <= 65535:
        raise UsageError(f"port {port} is out of range (0-65535)")
    if server and args.files:
        raise UsageError("files are opened by the desktop Sheaf; server mode takes uploads")
    host = values["host"]
    if not server and host and host not in ("127.0.0.1", "localhost", "::1"):
        raise UsageError("desktop mode only listens on this computer; use --server to serve others")
    if values["auth_header"] and not values["trusted_proxy"]:
        raise UsageError(
            "SHEAF_AUTH_HEADER needs SHEAF_TRUSTED_PROXY: only the sign-in proxy may name the user"
        )
    values.update(
        server=server,
        healthcheck=bool(values["healthcheck"]),
        new_password=bool(values["new_password"]),
        host=host or ("0.0.0.0" if server else "127.0.0.1"),  # noqa: S104
        port=port,
        open_browser=values["open_browser"] is not False and not server,
        threads=values["threads"] or (8 if server else 4),
        password=_password(values) if server else None,
        allowed_hosts=values["allowed_hosts"] if server else (),  # desktop: from its port
        idle_timeout=0.0 if server else values["idle_timeout"],
        health_port=values["health_port"] if server or values["healthcheck"] else None,
        workers=values["workers"] if server else 1,
        metrics=bool(values["metrics"]),
        cookie_secure=bool(values["cookie_secure"]),
        hsts=bool(values["hsts"]),
        files=tuple(args.files),
        menu_entry="install" if values["install"] else "uninstall" if values["uninstall"] else None,
        warnings=tuple(warnings),
    )
    for gone in ("password_file", "install", "uninstall"):
        del values[gone]
    return Options(**values)
