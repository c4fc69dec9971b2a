"""The desktop's "Recent files": files opened with Sheaf and results saved next to them.

A small JSON file in the person's data folder (``recent.json``, readable by them
alone), newest first, at most :data:`MAX_RECENT` entries, one per path. It holds
where a file is and when it was opened or saved, never a byte of the file. It is
written whole to a temporary file and moved over the old one (``os.replace``),
so a crash leaves the old list or the new one, never half of each. A list that
cannot be read (gone, corrupt, edited by hand) counts as empty: the home page must
never break over it.

Pages name an entry by the random id Sheaf gave it, never by a path. Because the
file could still be edited to point anywhere, :func:`check_reopen` only lets a
listed path back in when it is a regular file of a kind Sheaf opens, small enough
for the upload limit. Server mode keeps no list at all.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import stat
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from app.desktop.opened import IMAGE_SUFFIXES
from app.pdf.core.errors import N_

log = logging.getLogger(__name__)

FILE_NAME = "recent.json"
MAX_RECENT = 20
#: Kinds of files the list offers to open again (what "Open with" takes).
REOPEN_SUFFIXES = frozenset({".pdf", *IMAGE_SUFFIXES})
HOW = ("opened", "saved")
_ID = re.compile(r"^[A-Za-z0-9_-]{8,32}$")

GONE = N_("This file is not there any more. It may have been moved, renamed or deleted.")
NOT_OPENABLE = N_("Sheaf cannot open this file from the list: it is not a PDF or an image.")
TOO_LARGE = N_("This file is larger than Sheaf can open.")


@dataclass(frozen=True)
class Recent:
    id: str
    path: str  # absolute
    name: str
    folder: str
    when: float  # seconds since the epoch
    how: str  # "opened" or "saved"

    @classmethod
    def parse(cls, raw: object) -> Recent | None:
        """An entry read back from the file, or None if it is not one Sheaf wrote."""
        if not isinstance(raw, dict):
            return None
        try:
            entry = cls(
                id=raw["id"],
                path=raw["path"],
                name=raw["name"],
                folder=raw["folder"],
                when=float(raw["when"]),
                how=raw["how"],
            )
        except (KeyError, TypeError, ValueError):
            return None
        fields = (entry.id, entry.path, entry.name, entry.folder, entry.how)
        if not all(isinstance(f, str) for f in fields):
            return None
        if not _ID.match(entry.id) or entry.how not in HOW or "\x00" in entry.path:
            return None
        if not os.path.isabs(entry.path):
            return None
        # What the page shows must be where the path leads (an edited list could differ).
        if (entry.name, entry.folder) != (
            os.path.basename(entry.path),
            os.path.dirname(entry.path),
        ):
            return None
        return entry


class RecentFiles:
    """The list in ``folder``/recent.json; safe across request threads of one process
    (one desktop Sheaf per data folder holds the instance lock)."""

    def __init__(self, folder: Path, limit: int = MAX_RECENT) -> None:
        self.path = folder / FILE_NAME
        self.limit = limit
        self._lock = threading.Lock()

    def all(self) -> list[Recent]:
        with self._lock:
            return self._read()

    def get(self, entry_id: str) -> Recent | None:
        return next((e for e in self.all() if e.id == entry_id), None)

    def record(self, path: Path, how: str) -> None:
        """Put ``path`` first (again), as opened or saved. Never raises: a list that
        cannot be written only loses this entry, the person's work goes on."""
        path = Path(os.path.abspath(path))
        with self._lock:
            entries = self._read()
            kept = next((e for e in entries if e.path == str(path)), None)
            entry = Recent(
                id=kept.id if kept else secrets.token_urlsafe(12),
                path=str(path),
                name=path.name,
                folder=str(path.parent),
                when=time.time(),
                how=how,
            )
            rest = [e for e in entries if e.path != entry.path]
            self._write([entry, *rest][: self.limit])

    def remove(self, entry_id: str) -> bool:
        """Take an entry off the list (the file itself is never touched)."""
        with self._lock:
            entries = self._read()
            rest = [e for e in entries if e.id != entry_id]
            if len(rest) == len(entries):
                return False
            self._write(rest)
            return True

    def _read(self) -> list[Recent]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
            log.warning("the recent files list cannot be read (%s); starting afresh", exc)
            return []
        items = raw.get("entries") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            log.warning("the recent files list is not in Sheaf's format; starting afresh")
            return []
        entries: list[Recent] = []
        for item in items:
            entry = Recent.parse(item)
            if entry is None:
                log.warning("skipped an entry of the recent files list that is not Sheaf's")
            elif all(e.id != entry.id and e.path != entry.path for e in entries):
                entries.append(entry)
        return entries[: self.limit]

    def _write(self, entries: list[Recent]) -> None:
        data = json.dumps(
            {"version": 1, "entries": [asdict(e) for e in entries]}, ensure_ascii=False, indent=1
        ).encode("utf-8")
        tmp = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("the recent files list cannot be written: %s", exc)


def check_reopen(entry: Recent, max_bytes: int) -> tuple[Path | None, str | None]:
    """(the path to open again, None) or (None, why not: an N_ message).

    The path is the listed one with any symlink resolved; both names must be of a
    kind Sheaf opens, and it must be a regular file within the upload limit, so an
    edited list cannot make Sheaf open a device, a folder or something huge."""
    listed = Path(entry.path)
    try:
        real = Path(os.path.realpath(listed))
        st = os.stat(real)
    except FileNotFoundError:
        return None, GONE
    except (OSError, ValueError):
        return None, N_("This file cannot be read.")
    suffixes = {listed.suffix.lower(), real.suffix.lower()}
    if not suffixes <= REOPEN_SUFFIXES or not stat.S_ISREG(st.st_mode):
        return None, NOT_OPENABLE
    if st.st_size > max_bytes:
        return None, TOO_LARGE
    return real, None
