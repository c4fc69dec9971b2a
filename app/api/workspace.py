"""Scratch space for one request, and the guarantee that it goes away.

Uploads stream to disk: Werkzeug writes every uploaded file straight into an
anonymous temporary file in Sheaf's temp folder (never into memory), and an
operation works in a private folder below it. The folder is removed when the
response has been sent or the client went away (``call_on_close``), or at
once if the request fails. Anything left by a crash is cleaned at start-up.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO

from flask import Flask, Request, current_app

from app.meta import SLUG

log = logging.getLogger(__name__)

#: Server replicas share nothing, but one pod may restart while another
#: process still works in the same /tmp; only clearly abandoned folders go.
STALE_AFTER_SECONDS = 6 * 3600


def temp_root() -> Path:
    return current_app.extensions[f"{SLUG}.settings"].temp_dir


class UploadRequest(Request):
    """A request whose uploaded files are spooled to Sheaf's temp folder, on disk."""

    def _get_file_stream(  # type: ignore[override]
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        root = temp_root()
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Anonymous on POSIX: the OS frees it however the request ends.
        return tempfile.TemporaryFile(dir=root, prefix="upload-")


class Workspace:
    """A private folder for one request's inputs and outputs."""

    def __init__(self) -> None:
        root = temp_root()
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = root / f"req-{secrets.token_hex(8)}"
        self.path.mkdir(mode=0o700)
        self.inputs = self.path / "in"
        self.outputs = self.path / "out"
        self.inputs.mkdir()
        self.outputs.mkdir()
        self._count = 0

    def input_path(self, suffix: str = "") -> Path:
        self._count += 1
        return self.inputs / f"{self._count:04d}{suffix}"

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def clean_leftovers(root: Path, *, older_than: float) -> int:
    """Remove what crashed processes left in ``root``; returns how many entries went."""
    if not root.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - older_than
    for entry in root.iterdir():
        try:
            if entry.lstat().st_mtime > cutoff:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
        except OSError:
            continue
    if removed:
        log.info("removed %d leftover temporary item(s) from %s", removed, root)
    return removed


def init_app(app: Flask) -> None:
    app.request_class = UploadRequest
    settings = app.extensions[f"{SLUG}.settings"]
    # Desktop: one instance per data folder, so everything there is ours to clean.
    older = 0.0 if settings.desktop else STALE_AFTER_SECONDS
    try:
        clean_leftovers(settings.temp_dir, older_than=older)
    except OSError as exc:
        log.warning("could not clean %s: %s", settings.temp_dir, exc)
