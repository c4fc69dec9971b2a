"""``launcher.py`` in full: parse the options, then hand over to one job. This module
only dispatches; the start-ups are :mod:`app.runtime.desktop_mode` and
:mod:`app.runtime.server_mode`, what they share is :mod:`app.runtime.serving`.

Desktop (default): one instance per data folder on 127.0.0.1, a fresh token
per launch, the browser opened for the person, quit by button, signal or idle.
Server (``--server``): open to the network, no token, optional password,
stateless, logs to stdout, stops on SIGTERM.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from app.meta import NAME, SLUG
from app.runtime import console, frozen
from app.runtime.cli import UsageError, parse
from app.runtime.dirs import StartupError
from app.runtime.serving import EXIT_FAILED, EXIT_OK, EXIT_USAGE

log = logging.getLogger("sheaf")


def main(argv: Sequence[str] | None = None) -> int:
    frozen.restore_environment()  # before anything starts a program of the person's
    has_console = console.guard_streams()
    try:
        options = parse(argv)
    except UsageError as exc:
        console.say(f"{SLUG}: error: {exc}", err=True)
        return EXIT_USAGE
    if options.new_password:
        from app.runtime.passwords import new_password

        console.say(new_password())
        return EXIT_OK
    if options.healthcheck:
        from app.runtime.health import probe

        return probe(options.health_port, options.port)
    if options.menu_entry:
        return _menu_entry(options.menu_entry)
    try:
        if options.server:
            from app.runtime.server_mode import run_server

            return run_server(options, has_console)
        from app.runtime.desktop_mode import run_desktop

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


if __name__ == "__main__":  # pragma: no cover - launcher.py is the entry point
    sys.exit(main())
