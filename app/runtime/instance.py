"""One desktop Sheaf per data folder.

The running instance holds an OS lock on ``instance.lock`` for its whole
life and publishes where it listens in ``instance.json`` (readable by this
user only: it holds the token). The OS drops the lock when the process dies,
however it dies, so a record left behind by ``kill -9`` is recognised as
stale simply because its lock is free. Two launches at the same moment race
for the lock; exactly one wins and serves, the other finds the winner.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

LOCK_NAME = "instance.lock"
RECORD_NAME = "instance.json"


@dataclass(frozen=True)
class Record:
    pid: int
    url: str  # base URL, no token
    token: str
    version: str

    @property
    def login_url(self) -> str:
        return f"{self.url}/?token={self.token}"


class InstanceLock:
    """An exclusive, non-blocking, process-lifetime lock on a file."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        f = open(self.path, "a+b")  # noqa: SIM115 - held open for the life of the process
        try:
            if sys.platform == "win32":
                import msvcrt

                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            return False
        self._file = f
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock on every OS
            self._file = None


def record_path(folder: Path) -> Path:
    return folder / RECORD_NAME


def write_record(folder: Path, record: Record) -> None:
    """Write atomically, owner-only, so a reader never sees half a record."""
    path = record_path(folder)
    tmp = path.with_name(f".{RECORD_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(record), f)
    os.replace(tmp, path)


def read_record(folder: Path) -> Record | None:
    try:
        data = json.loads(record_path(folder).read_text(encoding="utf-8"))
        return Record(
            pid=int(data["pid"]),
            url=str(data["url"]),
            token=str(data["token"]),
            version=str(data["version"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_record(folder: Path) -> None:
    path = record_path(folder)
    record = read_record(folder)
    if record is None or record.pid == os.getpid():
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # the health check below decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: Talks to 127.0.0.1 directly: a proxy in the environment (even a dead one) is
#: never asked to reach this computer's own Sheaf.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(record: Record, timeout: float = 2.0) -> bool:
    try:
        with _LOCAL.open(f"{record.url}/healthz", timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def hand_over(record: Record, paths: list[str], cwd: str, timeout: float = 10.0) -> str | None:
    """Give files to the running Sheaf (with its launch token); returns a single-use
    ticket for opening the browser there, or None if it did not take them."""
    body = json.dumps({"paths": paths, "cwd": cwd}).encode()
    req = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 address
        f"{record.url}/opened",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {record.token}", "Content-Type": "application/json"},
    )
    try:
        with _LOCAL.open(req, timeout=timeout) as resp:
            answer = json.loads(resp.read() or b"{}")
    except (OSError, ValueError):
        return None
    ticket = answer.get("ticket")
    return ticket if isinstance(ticket, str) else None


def wait_for_running(folder: Path, deadline: float) -> Record | None:
    """The lock is taken: wait (until ``deadline``, monotonic) for its holder to answer.

    A record can be stale for a moment while the holder is still starting up,
    so it only counts once the server it names answers.
    """
    while time.monotonic() < deadline:
        record = read_record(folder)
        if (
            record is not None
            and record.pid != os.getpid()
            and _alive(record.pid)
            and _answers(record)
        ):
            return record
        time.sleep(0.1)  # polling a file another process writes; bounded by deadline
    return None
