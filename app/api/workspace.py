"""Scratch space: one private folder per process, one folder per request inside it.

Uploads stream to disk: Werkzeug writes every uploaded file straight into an
anonymous temporary file in the process's scratch folder (never into memory),
and an operation works in a request folder beside it. That folder goes when
the response has been sent or the client went away (``call_on_close``), at
once if the request fails, and with the whole scratch folder when the server
stops, even in the middle of a request.

The scratch folder is made by ``mkdtemp`` (mode 0700, a name nobody can
guess or create first) below the temp root, and locked for the life of the
process. At start-up every other scratch folder there whose lock is free
belongs to a process that died: it is removed at once. Cleaning and making
a folder happen under one short lock on the temp root, so workers starting
together never take each other's new, not yet locked, folder for a dead one. Names on disk are
generated; upload names never reach the file system.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from flask import Flask, Request

from app.meta import SLUG
from app.runtime.instance import InstanceLock
from app.web import need, state, state_of

log = logging.getLogger(__name__)

PREFIX = f"{SLUG}-scratch-"


def scratch() -> Path:
    return need(state().scratch, "scratch folder")


class UploadRequest(Request):
    """A request whose uploaded files are spooled to the scratch folder, on disk."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        # Anonymous on POSIX: the OS frees it however the request ends.
        return tempfile.TemporaryFile(dir=scratch(), prefix="upload-")


class Workspace:
    """A private folder for one request's inputs and outputs."""

    def __init__(self) -> None:
        self.path = scratch() / f"req-{secrets.token_hex(8)}"
        self.path.mkdir(mode=0o700)
        self.inputs = self.path / "in"
        self.outputs = self.path / "out"
        self.inputs.mkdir()
        self.outputs.mkdir()
        self._count = 0

    def input_path(self) -> Path:
        self._count += 1
        return self.inputs / f"{self._count:04d}"

    def cleanup(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def clean_dead(root: Path) -> int:
    """Remove scratch folders of processes that are gone (their lock is free)."""
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.glob(f"{PREFIX}*"):
        try:
            if not entry.is_dir() or entry.is_symlink() or entry.stat().st_uid != _uid():
                continue
        except OSError:
            continue
        lock = InstanceLock(entry)
        try:
            if not lock.acquire():
                continue  # a live process works here
        except OSError:
            continue
        lock.release()
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    legacy = root / f"{SLUG}-tmp"  # Sheaf 0.1's shared folder
    if legacy.is_dir() and not legacy.is_symlink():
        shutil.rmtree(legacy, ignore_errors=True)
    if removed:
        log.info("removed %d scratch folder(s) left by stopped processes in %s", removed, root)
    return removed


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def init_app(app: Flask) -> None:
    app.request_class = UploadRequest
    root = state_of(app).settings.temp_root
    root.mkdir(parents=True, exist_ok=True)
    with _one_at_a_time(root):
        try:
            clean_dead(root)
        except OSError as exc:
            log.warning("could not clean %s: %s", root, exc)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        lock = InstanceLock(folder)
        lock.acquire()
    state_of(app).scratch, state_of(app).scratch_lock = folder, lock


@contextmanager
def _one_at_a_time(root: Path) -> Iterator[None]:
    """Hold an OS lock on the temp root itself while folders are cleaned and made.

    Server-mode workers start together; without this, one could remove the
    folder another has just made and not yet locked. It leaves no file behind.
    Windows runs one process per data folder, so the lock is POSIX-only.
    """
    if sys.platform == "win32":
        yield
        return
    import fcntl

    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held for milliseconds by each starting process
        yield
    finally:
        os.close(fd)  # closing drops the lock


def remove_scratch(app: Flask) -> None:
    """At stop: remove the process's scratch folder and everything in it."""
    folder, lock = state_of(app).scratch, state_of(app).scratch_lock
    if folder is None or lock is None:
        return
    lock.release()
    shutil.rmtree(folder, ignore_errors=True)
