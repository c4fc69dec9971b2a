"""``launcher.py`` in full: parse, prepare, serve, stop cleanly.

Desktop (default): one instance per data folder on 127.0.0.1, a fresh token
per launch, the browser opened for the person, quit by button, signal or idle.
Server (``--server``): open to the network, no token, optional password,
stateless, logs to stdout, stops on SIGTERM.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import sys
import time
from collections.abc import Callable, Sequence

from app.meta import NAME, SLUG, VERSION
from app.runtime import console, frozen
from app.runtime.cli import Options, UsageError, parse
from app.runtime.dirs import Dirs, StartupError

log = logging.getLogger("sheaf")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: How long a second launch waits for the first one to answer.
REUSE_WAIT = 30.0


def main(argv: Sequence[str] | None = None) -> int:
    frozen.restore_environment()  # before anything starts a program of the person's
    has_console = console.guard_streams()
    try:
        options = parse(argv)
    except UsageError as exc:
        console.say(f"{SLUG}: error: {exc}", err=True)
        return EXIT_USAGE
    if options.healthcheck:
        from app.runtime.health import probe

        return probe(options.health_port, options.port)
    if options.menu_entry:
        return _menu_entry(options.menu_entry)
    try:
        if options.server:
            from app.runtime.server_mode import run_server

            return run_server(options, has_console)
        return run_desktop(options, has_console)
    except StartupError as exc:
        console.say(str(exc), err=True)
        if logging.getLogger().handlers:  # the file log, once it exists
            log.error("%s", exc)
        return EXIT_FAILED


def _menu_entry(action: str) -> int:
    if not sys.platform.startswith("linux"):
        console.say(f"--{action} is for Linux; Windows and macOS have installers.", err=True)
        return EXIT_USAGE
    from app.runtime import menu_entry

    try:
        done = menu_entry.install() if action == "install" else menu_entry.uninstall()
    except OSError as exc:
        console.say(f"{SLUG}: could not {action}: {exc}", err=True)
        return EXIT_FAILED
    verb = "added" if action == "install" else "removed"
    console.say(f"{NAME}: {verb} {len(done)} file(s) under {menu_entry.data_home()}")
    return EXIT_OK


def install_signal_handlers(stop: Callable[[], None]) -> None:
    def handler(signum: int, _frame: object) -> None:
        log.info("received %s; stopping", signal.Signals(signum).name)
        stop()

    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handler)


def waitress_options(options: Options) -> dict[str, object]:
    extra: dict[str, object] = {
        # Uploads stream to disk in waitress and again in Werkzeug; this cap is the
        # last line behind Flask's MAX_CONTENT_LENGTH, with room for multipart framing.
        "max_request_body_size": (options.max_upload_mb + 16) * 1024 * 1024,
        "channel_timeout": 120,
        # Slow clients hold connections, not threads: room for many of them, so a
        # slow-loris crowd cannot lock out health checks and real clients.
        "connection_limit": 1000,
        # Keeps reading while a request is processed, so a client that went away is
        # noticed (environ["waitress.client_disconnected"]) and its work stops.
        "channel_request_lookahead": 5,
        # Waitress sends each piece of a response as soon as it is written (headers,
        # then body: two sends and two packets for a page). Gathering up to 64 KB
        # first sends a page in one go: +40% pages per second (benchmarks/launcher.py).
        # Downloads come in 256 KB pieces and still go out at once.
        "send_bytes": 65536,
    }
    return extra


def serve_until_stopped(server: object, app: object) -> int:
    """Serve until a stop, drain, and remove the files of requests the drain cut short."""
    from app.api.workspace import remove_scratch

    try:
        server.serve()  # type: ignore[attr-defined]
    finally:
        remove_scratch(app)  # type: ignore[arg-type]
    log.info("stopped")
    return EXIT_OK


def limits(options: Options) -> object:
    from app.settings import Limits

    return Limits(
        max_upload_bytes=options.max_upload_mb * 1024 * 1024,
        max_pages=options.max_pages,
        max_files=options.max_files,
        max_output_files=options.max_output_files,
        memory_budget=options.memory_budget_mb * 1024 * 1024,
    )


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
        allowed_hosts=(f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"),
        temp_root=dirs.cache,
        data_dir=dirs.data,
        limits=limits(options),
        idle_timeout=options.idle_timeout,
        request_shutdown=request_shutdown,
    )
    app = create_app(settings)
    if options.files:
        app.extensions[f"{SLUG}.opened"].add(list(options.files))
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
        app.extensions[f"{SLUG}.presence"],
        options.idle_timeout,
        server.request_stop,
        expect_page=options.open_browser,
    )
    if options.open_browser:
        import threading

        # Some openers wait for the browser to exit; serving must not wait with them.
        tickets = app.extensions[f"{SLUG}.tickets"]
        threading.Thread(
            target=open_browser,
            args=(dirs.data, _first_page(record.url, options), token, tickets.issue),
            daemon=True,
        ).start()
    return serve_until_stopped(server, app)


if __name__ == "__main__":  # pragma: no cover - launcher.py is the entry point
    sys.exit(main())
