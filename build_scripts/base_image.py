"""A local base image for machines that cannot pull one: Debian bookworm from Debian's
own packages (debootstrap), with Python 3 and venv, imported into buildah.

    uv run python build_scripts/base_image.py        # prints the image reference

Docker users never need this: the Dockerfile defaults to python:3.12-slim. CI
machines here reach only package registries, so the image test builds on this
instead (``image.py --base localhost/sheaf-base:bookworm``). The image is kept
in buildah's storage and the root filesystem tarball in a cache folder, so
later runs on the same machine skip the work.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SUITE = "bookworm"
#: A Debian mirror, if the build machine needs its own; otherwise debootstrap's default.
MIRROR = os.environ.get("SHEAF_DEBIAN_MIRROR") or None
# The image's builder freezes Sheaf with PyInstaller: Python's shared library, and binutils
# (objdump reads dependencies, strip shrinks the bundle).
PACKAGES = [
    "python3",
    "python3-venv",
    "python-is-python3",
    "ca-certificates",
    "libpython3.11",
    "binutils",
]
#: Named by its contents, so a changed package list never reuses an old cached base.
KEY = hashlib.sha256(f"{SUITE} {' '.join(PACKAGES)}".encode()).hexdigest()[:8]
REFERENCE = f"localhost/sheaf-base:{SUITE}-{KEY}"
CACHE = Path(os.environ.get("SHEAF_CI_CACHE", "/var/cache/sheaf-ci"))
BUILDAH = ["buildah", "--storage-driver", "vfs"]


def image_exists(reference: str) -> bool:
    found = subprocess.run([*BUILDAH, "images", "--quiet", reference], capture_output=True)
    return found.returncode == 0 and bool(found.stdout.strip())


def make_rootfs(tarball: Path) -> None:
    """debootstrap a minimal Debian with Python, trimmed of what a container never uses."""
    with tempfile.TemporaryDirectory(prefix="sheaf-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(PACKAGES)}",
                SUITE,
                str(root),
                *([MIRROR] if MIRROR else []),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for junk in (
            "var/cache/apt/archives",
            "var/lib/apt/lists",
            "usr/share/doc",
            "usr/share/man",
            "usr/share/info",
            "usr/share/locale",
        ):
            path = root / junk
            if path.exists():
                shutil.rmtree(path)
                path.mkdir(parents=True)
        tarball.parent.mkdir(parents=True, exist_ok=True)
        partial = tarball.with_suffix(".partial")
        subprocess.run(
            ["tar", "-C", str(root), "--numeric-owner", "-czf", str(partial), "."], check=True
        )
        partial.replace(tarball)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached image")
    args = parser.parse_args(argv)
    if not args.rebuild and image_exists(REFERENCE):
        print(f"base image cached: {REFERENCE}", file=sys.stderr)
        print(REFERENCE)
        return REFERENCE
    tarball = CACHE / f"debian-{SUITE}-python-rootfs-{KEY}.tgz"
    if args.rebuild or not tarball.exists():
        print(f"debootstrap {SUITE} into {tarball} (a few minutes)", file=sys.stderr)
        make_rootfs(tarball)
    container = subprocess.run(
        [*BUILDAH, "from", "scratch"], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        subprocess.run(
            [*BUILDAH, "add", container, str(tarball), "/"], check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run(
            [*BUILDAH, "config", "--env", "LANG=C.UTF-8", "--cmd", "python3", container], check=True
        )
        subprocess.run(
            [*BUILDAH, "commit", "--quiet", container, REFERENCE],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    finally:
        subprocess.run([*BUILDAH, "rm", container], capture_output=True)
    print(REFERENCE)
    return REFERENCE


if __name__ == "__main__":
    main()
