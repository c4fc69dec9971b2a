"""Server mode: one waitress process, or several sharing the port to use every core.

Python runs one thread of Python at a time, so one process keeps one core
busy however many threads it has. With ``SHEAF_WORKERS`` above 1 (default:
the CPUs this container may use) the launching process becomes a small
supervisor (:mod:`app.runtime.supervisor`): it binds the port, forks the
workers, each a complete Sheaf with its own waitress server on that one
listening socket, restarts a worker that dies, replaces one that asks to be
(``SHEAF_WORKER_MAX_REQUESTS``, ``SHEAF_WORKER_MAX_RSS_MB``) without dropping a
request, answers the health port itself, and on ``SIGTERM`` reports not-ready
and lets every worker drain. The least busy workers accept new connections
(:meth:`app.runtime.server.Server._take_turns`): measured with 8 concurrent
compress jobs, the kernel's ``SO_REUSEPORT`` hashing split them 6/2 and 5/3
between two workers. Where ``fork`` is missing (Windows) one process serves.

Shared by the workers: the counts of wrong passwords and the signed-out
sessions, in fixed-size tables of one shared mapping made before the fork
(:mod:`app.shared`), so sign-out and throttling hold for the whole server.
Replicas share nothing. Files never outlive a request.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from app import shared
from app.meta import NAME, VERSION
from app.runtime import console, upkeep
from app.runtime.cli import Options
from app.runtime.dirs import StartupError
from app.runtime.serving import (
    install_signal_handlers,
    limits,
    serve_until_stopped,
    waitress_options,
)
from app.web import state_of

if TYPE_CHECKING:
    from app.runtime.health import MetricsFolder
    from app.runtime.server import Share

log = logging.getLogger("sheaf")


def available_cpus() -> int:
    """CPUs this process may use: its affinity, capped by a cgroup v2 CPU quota."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = count or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            count = min(count, max(1, int(int(quota) / int(period) + 0.5)))
    except (OSError, ValueError):
        pass
    return count


def can_share_port() -> bool:
    return hasattr(os, "fork") and os.name == "posix"


def run_server(options: Options, has_console: bool) -> int:
    console.setup_logging(
        options.log_level, None, console=has_console, to_stdout=True, fmt=options.log_format
    )
    for warning in options.warnings:
        log.warning("%s", warning)
    upkeep.fewer_arenas()  # before any worker or thread exists (see app.runtime.upkeep)
    if options.password:
        from app.runtime.passwords import warning as weak

        message = weak(options.password, _program())
        if message:
            log.warning("%s", message)
    workers = options.workers or available_cpus()
    if workers > 1 and not can_share_port():
        log.info("%d workers asked for; this system serves with one process", workers)
        workers = 1
    metrics = None
    if options.metrics:
        from app.runtime.health import MetricsFolder

        metrics = MetricsFolder(Path(tempfile.mkdtemp(prefix="sheaf-metrics-")), workers)
    try:
        if workers == 1:
            sock = _bind(options)
            return _serve(options, sock, announce=True, health=True, metrics=metrics)
        return _supervise(options, workers, metrics)
    finally:
        if metrics is not None:
            shutil.rmtree(metrics.folder, ignore_errors=True)


def _program() -> str:
    """How the person started Sheaf, for commands we suggest."""
    import sys

    if getattr(sys, "frozen", False):
        return Path(sys.executable).name
    return "uv run launcher.py"


def _bind(options: Options) -> socket.socket:
    from app.runtime.server import bind

    try:
        return bind(options.host, options.port, fallback=False)
    except OSError as exc:
        raise StartupError(
            f"Sheaf cannot listen on {options.host}:{options.port}: {exc.strerror}."
        ) from None


def _url(options: Options, port: int) -> str:
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"http://{host}:{port}"


def _serve(
    options: Options,
    sock: socket.socket,
    *,
    announce: bool,
    health: bool,
    metrics: MetricsFolder | None = None,
    share: Share | None = None,
    memory: shared.Memory | None = None,
) -> int:
    """One complete Sheaf on ``sock`` until SIGTERM; returns when it has drained."""
    from app import create_app
    from app.runtime.clients import Limits
    from app.runtime.proxy import behind_proxy
    from app.runtime.server import Server
    from app.settings import Settings

    settings = Settings(
        mode="server",
        password=options.password,
        allowed_hosts=options.allowed_hosts,
        temp_root=Path(tempfile.gettempdir()),
        limits=limits(options),
        session_idle=options.session_idle_minutes * 60.0,
        session_max_age=options.session_max_hours * 3600.0,
        cookie_secure=options.cookie_secure,
        hsts=options.hsts,
        auth_header=options.auth_header,
        trusted_proxy=options.trusted_proxy,
        metrics_dir=metrics.folder if metrics is not None else None,
        shared=memory,
    )
    app = create_app(settings)
    care = upkeep.Upkeep(
        max_requests=options.worker_max_requests, max_rss=options.worker_max_rss_mb * 2**20
    )
    server = Server(
        care.wrap(
            behind_proxy(
                app,
                options.trusted_proxy,
                options.trusted_proxy_count,
                options.trusted_proxy_headers,
            )
        ),
        sock,
        threads=options.threads,
        shutdown_timeout=options.shutdown_timeout,
        stop_event=settings.stopping,
        share=share,
        clients=Limits(
            per_client=options.max_client_connections,
            timeout=options.receive_timeout,
            exempt=(options.trusted_proxy,) if options.trusted_proxy else (),
        ),
        upkeep=care,
        **waitress_options(options),
    )
    install_signal_handlers(server.request_stop)
    if share is not None and hasattr(signal, "SIGUSR1"):  # the supervisor's "you are replaced"
        signal.signal(signal.SIGUSR1, lambda _signum, _frame: server.request_retire())
    if health and options.health_port is not None:
        from app.runtime import health as health_port

        health_port.start(options.host, options.health_port, settings.stopping, metrics)
    if announce:
        _announce(options, server.port, 1)
    try:
        return serve_until_stopped(server, app)
    finally:
        counts = state_of(app).metrics
        if counts is not None:
            with contextlib.suppress(OSError):
                counts.flush()  # the last second's requests count too


def _announce(options: Options, port: int, workers: int) -> None:
    who = "password required" if options.password else "open to everyone who can reach it"
    if options.auth_header:
        who = "sign-in through the proxy"
    log.info(
        "%s %s serving on %s (%s; %d worker%s)",
        NAME,
        VERSION,
        _url(options, port),
        who,
        workers,
        "" if workers == 1 else "s",
    )
    console.say(f"{NAME} is running at {_url(options, port)}")


def _supervise(options: Options, workers: int, metrics: MetricsFolder | None) -> int:
    from app.runtime.supervisor import Supervisor

    sock = _bind(options)  # one listening socket, inherited by every worker
    sock.listen(1024)
    supervisor = Supervisor(options, sock, workers, metrics, _serve)
    health = None
    if options.health_port is not None:
        from app.runtime import health as health_port

        health = health_port.make(options.host, options.health_port, supervisor.stopping, metrics)
    _announce(options, sock.getsockname()[1], workers)
    return supervisor.run(health)
