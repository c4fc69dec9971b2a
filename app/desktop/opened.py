"""Files the person opened with Sheaf (desktop): "Open with", drag onto the icon, a second launch.

Only these files can be read by a page, and only their folders written to
("Save next to the original"): pages name a file by its id here, never by a
path, so nothing else on disk can be reached from a browser. The registry
lives in memory for the life of the desktop process; server mode has none.

**Pinned.** At open time Sheaf notes the device and inode of the file (opened
without following a symlink in its last part; a symlink the person opened is
resolved first) with its status-change time, and of its folder. Every later
read opens the file the same way and compares; every save opens the folder,
compares, and creates the new file through that descriptor (``dir_fd``),
never through the path again. If the file or the folder was replaced since (by a symlink to
somewhere else, or by anything), Sheaf refuses and says so: swapping a path
after the person chose it cannot make Sheaf read or write another place.
Windows has neither ``O_NOFOLLOW`` nor ``dir_fd``: there the numbers are
checked just before each read and write.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from app.pdf.core.document import HEADER_WINDOW
from app.pdf.core.errors import N_

MAX_OPENED = 200
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".gif"}
SAVE_SUFFIXES = {".pdf", ".zip", ".png", ".jpg", ".jpeg"}
CHUNK = 256 * 1024
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | _NOFOLLOW
#: Creating through a folder descriptor (POSIX); elsewhere, by path after a check.
DIR_FD = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")

FILE_CHANGED = N_(
    "This file was replaced or changed after it was opened in Sheaf. Please open it again."
)
FOLDER_CHANGED = N_(
    "The folder of this file was moved or replaced after the file was opened in Sheaf."
    " Please open the file again."
)


class Changed(Exception):
    """The opened file or its folder is not what was opened (message: an N_ string)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Pin:
    """Which file system object a path named when it was opened. For a file also its
    status-change time, which nobody can set: a file deleted and made anew may get the
    same inode number, never the same change time."""

    dev: int
    ino: int
    changed: int = 0

    @classmethod
    def of(cls, st: os.stat_result, *, file: bool = False) -> Pin:
        return cls(st.st_dev, st.st_ino, st.st_ctime_ns if file else 0)


@dataclass(frozen=True)
class OpenedFile:
    id: str
    path: Path
    name: str
    kind: str | None  # "pdf" or "image"; None when it cannot be read
    problem: str | None = None  # why not, for the person (an N_ message)
    file: Pin | None = None
    folder: Pin | None = None


def _open_file(path: Path) -> int:
    """A descriptor for ``path`` itself: a symlink in its last part is refused."""
    if not _NOFOLLOW and os.path.islink(path):
        raise Changed(FILE_CHANGED)
    try:
        return os.open(path, _READ | _NOFOLLOW)
    except OSError:
        if os.path.islink(path):  # ELOOP, or EMLINK on some BSDs
            raise Changed(FILE_CHANGED) from None
        raise


def _open_folder(path: Path) -> tuple[int | None, Pin]:
    """The folder as a descriptor where the OS can create through one, and its pin."""
    if DIR_FD:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        return fd, Pin.of(os.fstat(fd))
    return None, Pin.of(os.stat(path))


def examine(path: Path) -> tuple[str | None, str | None, Pin | None, Pin | None]:
    """(kind, problem, file pin, folder pin) of a file someone asked Sheaf to open."""
    try:
        if not path.exists():
            return None, N_("This file does not exist (any more)."), None, None
        if path.is_dir():
            return None, N_("This is a folder, not a file."), None, None
        fd = _open_file(path)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None, N_("This file cannot be read."), None, None
            head = os.read(fd, HEADER_WINDOW)  # where open_pdf looks for the header too
        finally:
            os.close(fd)
        folder_fd, folder = _open_folder(path.parent)
        if folder_fd is not None:
            os.close(folder_fd)
    except PermissionError:
        return None, N_("Sheaf is not allowed to read this file."), None, None
    except (OSError, Changed):
        return None, N_("This file cannot be read."), None, None
    pins = Pin.of(st, file=True), folder
    if b"%PDF-" in head:
        return "pdf", None, *pins
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return "image", None, *pins
    return None, N_("This is not a PDF or an image Sheaf can open."), *pins


class OpenedFiles:
    """The files opened in this desktop session, by id; safe across request threads.
    ``on_open`` hears of each readable file as it is added (the recent files list)."""

    def __init__(self, on_open: Callable[[OpenedFile], None] | None = None) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, OpenedFile] = {}
        self._on_open = on_open

    def add(self, raw_paths: list[str], base: Path | None = None) -> list[OpenedFile]:
        """Register paths as given on a command line (relative to ``base``). A symlink is
        resolved now: Sheaf pins the file it named when the person opened it."""
        added = []
        for raw in raw_paths[:MAX_OPENED]:
            path = Path(raw).expanduser()
            if not path.is_absolute():
                path = (base or Path.cwd()) / path
            path = Path(os.path.realpath(path))
            kind, problem, file, folder = examine(path)
            entry = OpenedFile(
                secrets.token_urlsafe(9), path, path.name, kind, problem, file, folder
            )
            with self._lock:
                if len(self._items) >= MAX_OPENED:
                    self._items.pop(next(iter(self._items)))  # the oldest goes
                self._items[entry.id] = entry
            added.append(entry)
            if self._on_open is not None and entry.kind is not None:
                self._on_open(entry)
        return added

    def get(self, file_id: str) -> OpenedFile | None:
        with self._lock:
            return self._items.get(file_id)

    def all(self) -> list[OpenedFile]:
        with self._lock:
            return list(self._items.values())


def open_pinned(entry: OpenedFile) -> BinaryIO:
    """The opened file for reading, if it is still the one that was opened (else
    :class:`Changed`; a file that is gone raises FileNotFoundError)."""
    try:
        fd = _open_file(entry.path)
    except (OSError, Changed):
        _check_folder(entry)  # the better reason, if the folder went
        raise
    try:
        if entry.file is None or Pin.of(os.fstat(fd), file=True) != entry.file:
            _check_folder(entry)
            raise Changed(FILE_CHANGED)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _check_folder(entry: OpenedFile) -> None:
    try:
        folder = Pin.of(os.stat(entry.path.parent))
    except OSError:
        raise Changed(FOLDER_CHANGED) from None
    if folder != entry.folder:
        raise Changed(FOLDER_CHANGED)


def save_next_to(entry: OpenedFile, name: str, data: IO[bytes]) -> Path:
    """Write ``data`` beside ``entry``'s file as ``name``, never over anything:
    ``name (2).pdf``, ``name (3).pdf``... The name is reduced to a plain file name.
    Refused (:class:`Changed`) if the file or its folder is not the one opened."""
    from app.api.names import clean_file_name

    clean = clean_file_name(Path(name.replace("\\", "/")).name, default="result.pdf")
    stem, suffix = os.path.splitext(clean)
    if suffix.lower() not in SAVE_SUFFIXES:
        stem, suffix = clean, ".pdf"
    folder_path = entry.path.parent
    try:
        folder_fd, folder = _open_folder(folder_path)
    except OSError:
        raise Changed(FOLDER_CHANGED) from None
    try:
        if entry.folder is None or folder != entry.folder:
            raise Changed(FOLDER_CHANGED)
        open_pinned(entry).close()  # the original is still the one the person opened
        for n in range(1, 1000):
            target = f"{stem}{suffix}" if n == 1 else f"{stem} ({n}){suffix}"
            try:
                fd = (
                    os.open(target, _WRITE, 0o644, dir_fd=folder_fd)
                    if folder_fd is not None
                    else os.open(folder_path / target, _WRITE, 0o644)
                )
            except FileExistsError:
                continue
            try:
                with os.fdopen(fd, "wb") as out:
                    while chunk := data.read(CHUNK):
                        out.write(chunk)
            except BaseException:
                _remove(folder_path, target, folder_fd)  # never leave half a file
                raise
            return folder_path / target
    finally:
        if folder_fd is not None:
            os.close(folder_fd)
    raise FileExistsError(folder_path / clean)


def _remove(folder: Path, name: str, folder_fd: int | None) -> None:
    try:
        if folder_fd is not None:
            os.unlink(name, dir_fd=folder_fd)
        else:
            (folder / name).unlink()
    except OSError:
        pass
