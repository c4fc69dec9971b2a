"""What the worker processes of one server share: small fixed-size tables in one mapping.

Sign-out and the counts of wrong passwords must hold for the whole server, not
for whichever worker process answered. The server's supervisor makes one
:class:`Memory` before it forks the workers (an anonymous shared mapping, like
the one the workers publish their loads in: no ``/dev/shm``, no extra
service), and every worker's app reads and writes the same tables.

* **Bounded.** A table has a fixed number of entries in sets of :data:`WAYS`.
  A key (hashed with a key made at start, so nobody can aim many keys at one
  set) lives in one set; when that set is full the entry worth least (by a
  field the table names, e.g. a time after which it no longer matters) gives
  way. Memory never grows, whatever the traffic.
* **Survives a killed worker.** Each table is guarded by a thread lock within
  a process and a POSIX record lock (``lockf``) on one byte of a lock file
  across processes; the kernel releases a dead process's record locks, so a
  worker killed while holding one stalls nobody. An entry is written with one
  copy, so at worst the entry being written is lost.
* **Per server.** Replicas share nothing; the README says what that means
  for sign-out and throttling.

A desktop app or a server with one process gets the same tables in private
memory (:func:`private`).
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import secrets
import struct
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

#: Entries per set: a lookup reads this many; a key can only evict one of these.
WAYS = 8
KEY_BYTES = 16


@dataclass(frozen=True)
class Spec:
    """A table: ``sets * WAYS`` entries of ``fields`` floats; ``keep_by`` names the field
    whose smallest value goes first when a set is full."""

    name: str
    sets: int
    fields: int
    keep_by: int = 0

    @property
    def slot(self) -> int:
        return KEY_BYTES + 8 * self.fields

    @property
    def size(self) -> int:
        return self.sets * WAYS * self.slot


#: Every shared table, in mapping order (one place, so every process agrees on offsets).
TABLES = (
    # Signed-out sessions: (expires at,) in wall-clock seconds.
    Spec("revoked", sets=1024, fields=1),
    # Wrong passwords per client address (IPv4, or IPv6 /64): (failures, blocked until, last).
    Spec("addresses", sets=512, fields=3, keep_by=2),
    # Wrong passwords per device cookie: (failures, blocked until, last).
    Spec("devices", sets=256, fields=3, keep_by=2),
    # The server-wide allowance for browsers without a device cookie: (tokens, updated).
    Spec("server", sets=1, fields=2, keep_by=1),
)


class Memory:
    """The mapping, its lock file and the key that scatters keys over sets."""

    def __init__(self, *, across_processes: bool) -> None:
        size = sum(spec.size for spec in TABLES)
        # Anonymous and shared: processes forked after this see the same bytes.
        self._map = mmap.mmap(-1, size) if across_processes else bytearray(size)
        self._view = memoryview(self._map)
        self._salt = secrets.token_bytes(16)
        self._lock_fd: int | None = _lock_file() if across_processes else None
        self.tables: dict[str, Table] = {}
        offset = 0
        for index, spec in enumerate(TABLES):
            view = self._view[offset : offset + spec.size]
            self.tables[spec.name] = Table(spec, view, self._salt, _Lock(self._lock_fd, index))
            offset += spec.size

    def table(self, name: str) -> Table:
        return self.tables[name]


def shared() -> Memory:
    """For a supervisor, before it forks its workers."""
    return Memory(across_processes=True)


def private() -> Memory:
    """For an app that is the only process using its tables."""
    return Memory(across_processes=False)


def _lock_file() -> int:
    """A file to hold record locks on: a memory file where there is one, else an
    unlinked temporary file. Inherited by the forked workers."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("sheaf-locks")
    fd, path = tempfile.mkstemp(prefix="sheaf-locks-")
    os.unlink(path)
    return fd


class _Lock:
    """One table's lock: a thread lock, then one byte of the lock file for other processes."""

    def __init__(self, fd: int | None, index: int) -> None:
        self._fd = fd
        self._index = index
        self._threads = threading.Lock()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._fd is None:
                yield
                return
            import fcntl

            fcntl.lockf(self._fd, fcntl.LOCK_EX, 1, self._index)
            try:
                yield
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, self._index)


class Table:
    """Entries by key; hold :meth:`lock` around :meth:`get`, :meth:`put` and :meth:`delete`."""

    def __init__(self, spec: Spec, view: memoryview, salt: bytes, lock: _Lock) -> None:
        self.spec = spec
        self._view = view
        self._salt = salt
        self._lock = lock
        self._format = struct.Struct(f"<{KEY_BYTES}s{spec.fields}d")
        self._empty = bytes(KEY_BYTES)

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return self._lock.held()

    def _digest(self, key: str) -> bytes:
        digest = hashlib.blake2b(key.encode(), digest_size=KEY_BYTES, key=self._salt).digest()
        return digest if digest != self._empty else b"\x01" + digest[1:]

    def _set(self, digest: bytes) -> list[tuple[int, bytes, tuple[float, ...]]]:
        first = int.from_bytes(digest[:8], "little") % self.spec.sets * WAYS
        found = []
        for slot in range(first, first + WAYS):
            key, *values = self._format.unpack_from(self._view, slot * self.spec.slot)
            found.append((slot, key, tuple(values)))
        return found

    def get(self, key: str) -> tuple[float, ...] | None:
        digest = self._digest(key)
        return next((v for _, k, v in self._set(digest) if k == digest), None)

    def put(self, key: str, values: Sequence[float]) -> tuple[float, ...] | None:
        """Store ``values`` for ``key``; returns the entry that gave way for it, if any."""
        digest = self._digest(key)
        entries = self._set(digest)
        same = [e for e in entries if e[1] == digest]
        free = [e for e in entries if e[1] == self._empty]
        evicted = None
        if same:
            slot = same[0][0]
        elif free:
            slot = free[0][0]
        else:
            slot, _, evicted = min(entries, key=lambda e: e[2][self.spec.keep_by])
        self._format.pack_into(self._view, slot * self.spec.slot, digest, *values)
        return evicted

    def delete(self, key: str) -> None:
        digest = self._digest(key)
        for slot, k, _ in self._set(digest):
            if k == digest:
                self._format.pack_into(
                    self._view, slot * self.spec.slot, self._empty, *([0.0] * self.spec.fields)
                )
