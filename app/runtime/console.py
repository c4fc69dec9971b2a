"""Logging, and running where there is no console at all.

A windowed build (Windows ``.exe``, macOS ``.app``) starts with
``sys.stdout`` and ``sys.stderr`` set to ``None``; a launch from a closed
terminal has them pointing at dead pipes. Nothing in Sheaf may crash on
that: :func:`guard_streams` swaps in harmless sinks, :func:`say` prints
without failing, and everything worth keeping goes to a rotating log file.
What the person must read (``--help``, ``--version``, an error that stops Sheaf) goes,
in the windowed Windows ``.exe``, into a message box, as with Windows' own windowed
programs (``msiexec /?``); with a console or a pipe it is printed as anywhere.
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path
from types import TracebackType

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("sheaf")
#: Started on Windows without standard streams: the windowed .exe from a shortcut,
#: Explorer or "Open with" (set by guard_streams).
_windowed_windows = False


def guard_streams() -> bool:
    """Give Python somewhere to write when there is no console. Returns True if one exists."""
    global _windowed_windows
    had_console = sys.stdout is not None and sys.stderr is not None
    _windowed_windows = not had_console and sys.platform == "win32"
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    return had_console


def windowed_windows() -> bool:
    return _windowed_windows


def message_box(text: str, *, error: bool) -> None:
    """Show text in a Windows message box and wait until the person closes it."""
    import ctypes

    from app.meta import NAME

    flags = (0x10 if error else 0x40) | 0x10000  # MB_ICONERROR or MB_ICONINFORMATION, on top
    if sys.platform != "win32":  # ctypes.windll exists on Windows only
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.windll.user32.MessageBoxW(None, text, NAME, flags)


def say(line: str, *, err: bool = False) -> None:
    """Print one line for the person (or a test) reading the console; never raise.
    An error in the windowed Windows .exe, which has no console, is shown in a box."""
    if err and _windowed_windows:
        message_box(line, error=True)
        return
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError, AttributeError):
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log collectors (``SHEAF_LOG_FORMAT=json``).

    Fields given with ``extra=`` (the access log's method, path, status...) become
    fields of their own."""

    STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,  # which worker, with several
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(
    level: str, log_dir: Path | None, *, console: bool, to_stdout: bool, fmt: str = "text"
) -> None:
    """Log to ``log_dir/sheaf.log`` (rotating) and/or the console, uncaught exceptions included."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    formatter = JsonFormatter() if fmt == "json" else logging.Formatter(LOG_FORMAT)
    if log_dir is not None:
        handler = logging.handlers.RotatingFileHandler(
            log_dir / "sheaf.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(formatter)
        root.addHandler(handler)
    if console:
        stream = logging.StreamHandler(sys.stdout if to_stdout else sys.stderr)
        stream.setFormatter(formatter)
        root.addHandler(stream)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_uncaught


def _log_uncaught(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        return
    log.critical("uncaught exception", exc_info=(kind, value, tb))


def _log_thread_uncaught(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    log.critical(
        "uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        # threading types exc_value as optional; an uncaught exception always has one
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )
