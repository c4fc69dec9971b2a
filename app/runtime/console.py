"""Logging, and running where there is no console at all.

A windowed build (Windows ``.exe``, macOS ``.app``) starts with
``sys.stdout`` and ``sys.stderr`` set to ``None``; a launch from a closed
terminal has them pointing at dead pipes. Nothing in Sheaf may crash on
that: :func:`guard_streams` swaps in harmless sinks, :func:`say` prints
without failing, and everything worth keeping goes to a rotating log file.
"""

from __future__ import annotations

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


def guard_streams() -> bool:
    """Give Python somewhere to write when there is no console. Returns True if one exists."""
    had_console = sys.stdout is not None and sys.stderr is not None
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    return had_console


def say(line: str, *, err: bool = False) -> None:
    """Print one line for the person (or a test) reading the console; never raise."""
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
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )
