"""Files the person opened with Sheaf (desktop): "Open with", drag onto the icon, a second launch.

Only these files can be read by a page, and only their folders written to
("Save next to the original"): pages name a file by its id here, never by a
path, so nothing else on disk can be reached from a browser. The registry
lives in memory for the life of the desktop process; server mode has none.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.pdf.document import HEADER_WINDOW
from app.pdf.errors import N_

MAX_OPENED = 200
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif"}
SAVE_SUFFIXES = {".pdf", ".zip", ".png", ".jpg", ".jpeg"}
CHUNK = 256 * 1024


@dataclass(frozen=True)
class Opened:
    id: str
    path: Path
    name: str
    kind: str | None  # "pdf" or "image"; None when it cannot be read
    problem: str | None = None  # why not, for the person (an N_ message)


def examine(path: Path) -> tuple[str | None, str | None]:
    """(kind, problem) of a file someone asked Sheaf to open."""
    try:
        if not path.exists():
            return None, N_("This file does not exist (any more).")
        if path.is_dir():
            return None, N_("This is a folder, not a file.")
        with open(path, "rb") as f:
            head = f.read(HEADER_WINDOW)  # where open_pdf looks for the header too
    except PermissionError:
        return None, N_("Sheaf is not allowed to read this file.")
    except OSError:
        return None, N_("This file cannot be read.")
    if b"%PDF-" in head:
        return "pdf", None
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return "image", None
    return None, N_("This is not a PDF or an image Sheaf can open.")


class OpenedFiles:
    """The files opened in this desktop session, by id; safe across request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Opened] = {}

    def add(self, raw_paths: list[str], base: Path | None = None) -> list[Opened]:
        """Register paths as given on a command line (relative to ``base``)."""
        added = []
        for raw in raw_paths[:MAX_OPENED]:
            path = Path(raw).expanduser()
            if not path.is_absolute():
                path = (base or Path.cwd()) / path
            path = Path(os.path.abspath(path))
            kind, problem = examine(path)
            entry = Opened(secrets.token_urlsafe(9), path, path.name, kind, problem)
            with self._lock:
                if len(self._items) >= MAX_OPENED:
                    self._items.pop(next(iter(self._items)))  # the oldest goes
                self._items[entry.id] = entry
            added.append(entry)
        return added

    def get(self, file_id: str) -> Opened | None:
        with self._lock:
            return self._items.get(file_id)

    def all(self) -> list[Opened]:
        with self._lock:
            return list(self._items.values())


def save_next_to(entry: Opened, name: str, data: BinaryIO) -> Path:
    """Write ``data`` beside ``entry``'s file as ``name``, never over anything:
    ``name (2).pdf``, ``name (3).pdf``... The name is reduced to a plain file name."""
    from app.api.names import clean_file_name

    clean = clean_file_name(Path(name.replace("\\", "/")).name, default="result.pdf")
    stem, suffix = os.path.splitext(clean)
    if suffix.lower() not in SAVE_SUFFIXES:
        stem, suffix = clean, ".pdf"
    folder = entry.path.parent
    for n in range(1, 1000):
        target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem} ({n}){suffix}")
        try:
            fd = os.open(
                target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644
            )
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := data.read(CHUNK):
                    out.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)  # never leave half a file
            raise
        return target
    raise FileExistsError(folder / clean)
