"""The Linux one-file download: ``linux_start.c``'s program, then PyInstaller's one-file
program, then a trailer saying where that lies and how much room it unpacks into.

Why a program in front of PyInstaller's: see the comment at the top of
``linux_start.c`` (a ``noexec`` or full temporary folder, a half-unpacked folder left
behind). This module compiles it (inside the Debian 11 build root, so it needs no newer
glibc than the rest) and joins the three parts; :func:`payload` takes them apart again
for the checks and the tests.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "linux_start.c"
MAGIC = b"SHEAF-START-v1\0\0"
#: magic, payload offset, payload size, bytes and files it unpacks (little-endian)
TRAILER = struct.Struct("<16sQQQQ")
CFLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-s", "-fno-ident"]


def compile_command(source: str, output: str) -> list[str]:
    """The compiler call (run inside the build root, where ``source`` is visible)."""
    return ["gcc", *CFLAGS, "-o", output, source]


def unpacked(onefile: Path) -> tuple[int, int]:
    """Bytes and files (folders included) PyInstaller's one-file program writes when it
    unpacks itself."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(onefile))
    # Entries are (offset, size, unpacked size, compressed, type); binaries ("b"), data
    # files ("x") and symlinks ("n") are written out, the rest is read in place.
    written = {name: e[2] for name, e in archive.toc.items() if e[4] in "bxn"}
    folders = {str(Path(name).parent) for name in written} - {"."}
    parents = {str(p) for f in folders for p in Path(f).parents} - {"."}
    return sum(written.values()), len(written) + len(folders | parents)


def join(start: Path, onefile: Path, out: Path) -> None:
    """Write ``out``: the start program, the one-file program and the trailer."""
    size_unpacked, files_unpacked = unpacked(onefile)
    offset = start.stat().st_size
    size = onefile.stat().st_size
    partial = out.with_name(out.name + ".partial")
    with partial.open("wb") as f:
        for part in (start, onefile):
            with part.open("rb") as src:
                shutil.copyfileobj(src, f, 1 << 20)
        f.write(TRAILER.pack(MAGIC, offset, size, size_unpacked, files_unpacked))
    partial.chmod(0o755)
    partial.replace(out)


def trailer(artifact: Path) -> tuple[int, int, int, int] | None:
    """(offset, size, bytes and files it unpacks) of the one-file program inside
    ``artifact``, or None when ``artifact`` is a plain PyInstaller program."""
    with artifact.open("rb") as f:
        f.seek(0, 2)
        if f.tell() < TRAILER.size:
            return None
        f.seek(-TRAILER.size, 2)
        magic, *fields = TRAILER.unpack(f.read(TRAILER.size))
    return tuple(fields) if magic == MAGIC else None


def payload(artifact: Path, out: Path) -> Path:
    """The one-file program inside ``artifact``, written to ``out`` (or ``artifact`` itself
    when it has no start program in front)."""
    found = trailer(artifact)
    if found is None:
        return artifact
    offset, size, _, _ = found
    with artifact.open("rb") as src, out.open("wb") as dst:
        src.seek(offset)
        remaining = size
        while remaining:
            chunk = src.read(min(remaining, 1 << 20))
            if not chunk:
                raise ValueError(f"{artifact} is cut short")
            dst.write(chunk)
            remaining -= len(chunk)
    out.chmod(0o755)
    return out
