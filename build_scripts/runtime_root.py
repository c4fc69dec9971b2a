"""Make the server image's whole file system: the frozen Sheaf and the few system files it needs.

    python build_scripts/runtime_root.py BUNDLE ROOT

Run in the image's builder stage (Dockerfile) after ``build.py --onedir``. The
frozen folder carries Python and every library but the C library itself, so
the image needs no distribution at all: ``ROOT`` gets

* ``/app``: the folder bundle (``/app/Sheaf`` is the entry point);
* the system libraries its ELF files load that it does not carry (glibc and
  its loader), found with ``ldd`` and copied from the builder, so they always
  match the glibc PyInstaller built against;
* ``/etc/passwd`` and ``/etc/group`` naming uid/gid 10001, and an empty
  ``/tmp`` (a tmpfs or ``emptyDir`` in production: the root stays read-only).

Standard library only.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

UID = 10001
LIBRARY = re.compile(r"=>\s+(/\S+)\s+\(0x|^\s*(/\S+)\s+\(0x")


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def system_libraries(bundle: Path) -> set[Path]:
    """Libraries outside ``bundle`` that its executables and extensions load."""
    found: set[Path] = set()
    # What the bundle carries is found there first, as its bootloader arranges, but only
    # once the bootloader runs: the executable itself needs its libraries from the system.
    inside = {**os.environ, "LD_LIBRARY_PATH": str(bundle / "_internal")}
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink() or not is_elf(path):
            continue
        env = None if path.parent == bundle else inside
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            match = LIBRARY.search(line)
            if not match:
                continue
            library = Path(match.group(1) or match.group(2))
            if bundle in library.parents:
                continue
            found.add(library)
    return found


def copy_library(library: Path, root: Path) -> None:
    """Copy ``library`` to the same path under ``root``, with the symlink chain that names it."""
    current = library
    for _ in range(10):
        target = root / current.relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if current.is_symlink():
            link = os.readlink(current)
            if not target.exists() and not target.is_symlink():
                target.symlink_to(link)
            current = Path(os.path.normpath(current.parent / link))
            continue
        shutil.copy2(current, target)
        return


def main(argv: list[str]) -> int:
    bundle, root = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    root.mkdir(parents=True, exist_ok=True)
    # The same merged-/usr layout as the builder (/lib -> usr/lib), so library paths
    # and the symlinks between them mean the same inside the image.
    for name in ("lib", "lib32", "lib64", "libx32", "bin", "sbin"):
        real = Path("/") / name
        if real.is_symlink():
            link = os.readlink(real)
            (root / name).symlink_to(link)
            (root / name).parent.joinpath(link).mkdir(parents=True, exist_ok=True)
    shutil.copytree(bundle, root / "app", symlinks=True)
    libraries = system_libraries(root / "app")
    for library in sorted(libraries):
        copy_library(library, root)
    etc = root / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "passwd").write_text(f"sheaf:x:{UID}:{UID}:Sheaf:/nonexistent:/sbin/nologin\n")
    (etc / "group").write_text(f"sheaf:x:{UID}:\n")
    (root / "tmp").mkdir(mode=0o1777, exist_ok=True)
    (root / "tmp").chmod(0o1777)
    size = sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"runtime root: {len(libraries)} system libraries, {size / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
