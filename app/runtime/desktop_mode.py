"""The desktop start-up: one instance per data folder on 127.0.0.1, a fresh token per
launch, the browser opened for the person, quit by button, signal or idle. A second
launch hands its files to the running instance and exits."""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import Callable

from app.meta import NAME, VERSION
from app.runtime import console
from app.runtime.cli import Options
from app.runtime.dirs import Dirs, StartupError
from app.runtime.serving import (
    EXIT_OK,
    install_signal_handlers,
    limits,
    serve_until_stopped,
    waitress_options,
)
from app.web import need, state_of

log = logging.getLogger("sheaf")

#: How long a second launch waits for the first one to answer.
REUSE_WAIT = 30.0


def run_desktop(options: Options, has_console: bool) -> int:
    from app.runtime import instance

    dirs = Dirs.locate(options.data_dir)
    dirs.create()
    console.setup_logging(options.log_level, dirs.logs, console=has_console, to_stdout=False)
    for warning in options.warnings:
        log.warning("%s", warning)

    lock = instance.InstanceLock(dirs.data)
    if not lock.acquire():
        return _reuse_running(options, dirs)
    # A record left by a process that died names its port and token: gone before
    # anyone can read it, while this process starts.
    instance.remove_record(dirs.data)
    try:
        return _serve_desktop(options, dirs)
    finally:
        instance.remove_record(dirs.data)
        (dirs.data / "open-sheaf.html").unlink(missing_ok=True)
        lock.release()


def _reuse_running(options: Options, dirs: Dirs) -> int:
    from app.runtime import instance
    from app.runtime.browser import open_browser

    record = instance.wait_for_running(dirs.data, time.monotonic() + REUSE_WAIT)
    if record is None:
        raise StartupError(
            f"Another {NAME} is starting or stuck (folder {dirs.data}); please try again."
        )
    log.info("already running as pid %d; reusing it", record.pid)
    # Hand over the files (maybe none): the answer carries a ticket for the browser.
    ticket = instance.hand_over(record, list(options.files), os.getcwd())
    if ticket is None and options.files:
        raise StartupError(f"{NAME} is running but did not take the files; please try again.")
    console.say(f"{NAME} is already running at {record.login_url}")
    if options.open_browser:
        open_browser(
            dirs.data, _first_page(record.url, options), record.token, lambda: ticket or ""
        )
    return EXIT_OK


def _first_page(base: str, options: Options) -> str:
    """Where the browser opens: the opened files if there are any, else the home page."""
    return f"{base}/opened" if options.files else f"{base}/"


def _serve_desktop(options: Options, dirs: Dirs) -> int:
    from app import create_app
    from app.runtime import idle, instance
    from app.runtime.browser import open_browser
    from app.runtime.server import Server, bind
    from app.security.hosts import desktop_hosts
    from app.settings import Settings

    try:
        sock = bind("127.0.0.1", options.port, fallback=True)
    except OSError as exc:
        raise StartupError(f"Sheaf cannot open a local port: {exc.strerror}.") from None
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    stop_requests: list[Callable[[], None]] = []

    def request_shutdown() -> None:
        for stop in stop_requests:
            stop()

    settings = Settings(
        mode="desktop",
        token=token,
        port=port,
        allowed_hosts=desktop_hosts(port),
        temp_root=dirs.cache,
        data_dir=dirs.data,
        limits=limits(options),
        idle_timeout=options.idle_timeout,
        request_shutdown=request_shutdown,
    )
    app = create_app(settings)
    if options.files:
        need(state_of(app).opened, "opened files").add(list(options.files))
    server = Server(
        app,
        sock,
        threads=options.threads,
        shutdown_timeout=options.shutdown_timeout,
        stop_event=settings.stopping,
        **waitress_options(options),
    )
    stop_requests.append(server.request_stop)
    install_signal_handlers(server.request_stop)

    record = instance.Record(
        pid=os.getpid(), url=f"http://127.0.0.1:{port}", token=token, version=VERSION
    )
    instance.write_record(dirs.data, record)
    log.info("%s %s started on %s (pid %d)", NAME, VERSION, record.url, os.getpid())
    console.say(f"{NAME} is running at {record.login_url}")
    idle.watch(
        need(state_of(app).presence, "presence"),
        options.idle_timeout,
        server.request_stop,
        expect_page=options.open_browser,
    )
    if options.open_browser:
        import threading

        # Some openers wait for the browser to exit; serving must not wait with them.
        tickets = need(state_of(app).tickets, "tickets")
        threading.Thread(
            target=open_browser,
            args=(dirs.data, _first_page(record.url, options), token, tickets.issue),
            daemon=True,
        ).start()
    return serve_until_stopped(server, app)
