"""The project's identity for build scripts, read from pyproject.toml (the one source of truth).

Build scripts run before Sheaf is installed anywhere, so they read the file
rather than package metadata. Standard library only.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"


def cache_dir() -> Path:
    """Where builds keep what is slow to make and safe to reuse (Debian roots, the
    release interpreter, the Windows toolchain): ``SHEAF_BUILD_CACHE``, or
    ``~/.cache/sheaf-build``. Everything in it is named by what it was made from."""
    import os

    given = os.environ.get("SHEAF_BUILD_CACHE")
    base = (
        Path(given) if given else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    )
    return base if given else base / "sheaf-build"


@dataclass(frozen=True)
class Project:
    name: str  # "Sheaf"
    version: str
    description: str
    bundle_identifier: str
    publisher: str
    license: str
    source: str
    release_python: str  # "3.13": the interpreter minor version every release bundles

    @property
    def slug(self) -> str:
        return self.name.lower()


@cache
def project() -> Project:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    meta, extra = data["project"], data["tool"]["sheaf"]
    return Project(
        name=meta["name"],
        version=meta["version"],
        description=meta["description"],
        bundle_identifier=extra["bundle-identifier"],
        publisher=extra["publisher"],
        license=meta.get("license", ""),
        source=meta.get("urls", {}).get("Source", ""),
        release_python=extra["release-python"],
    )


def os_name() -> str:
    """The OS part of artifact names: linux, macos or windows."""
    return {"darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (artifacts can be large)."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def git_commit() -> str:
    """This checkout's commit (``SHEAF_GIT_COMMIT`` where there is no git, as in a build root)."""
    import os

    if os.environ.get("SHEAF_GIT_COMMIT"):
        return os.environ["SHEAF_GIT_COMMIT"]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def source_date_epoch() -> int:
    """The commit time, so rebuilding a commit gives the same timestamps inside the artifacts
    (``SOURCE_DATE_EPOCH`` when the caller knows it better, as in a build root)."""
    import os

    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 315532800  # 1980-01-01, the earliest a zip file can say


if __name__ == "__main__":  # `python build_scripts/project.py version` for pipelines
    field = sys.argv[1] if len(sys.argv) > 1 else "version"
    print(getattr(project(), field.replace("-", "_")))
