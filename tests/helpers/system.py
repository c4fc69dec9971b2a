"""System packages the suite needs (Chromium, qpdf, buildah...), installed on first run.

``uv run pytest`` installs the Python side by itself; this does the same for
the Debian packages listed in ``.ci/debian-packages.txt`` (the one list, also
read by ``.ci/run``): missing ones are installed with apt-get when we are root
on Debian, and otherwise the run stops with the exact command to type.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from helpers.support import REPO

PACKAGE_LIST = REPO / ".ci" / "debian-packages.txt"


def wanted() -> list[str]:
    lines = PACKAGE_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def missing(packages: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []  # not Debian: the tests that need a tool say so themselves
    absent = []
    for package in packages:
        status = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if "ok installed" not in status.stdout:
            absent.append(package)
    return absent


def ensure() -> str | None:
    """Install what is missing; return an error message if we could not."""
    absent = missing(wanted())
    if not absent:
        return None
    command = ["apt-get", "install", "-y", "--no-install-recommends", *absent]
    if os.geteuid() != 0:
        return "missing Debian packages; please run: sudo apt-get install " + " ".join(absent)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    done = subprocess.run(command, env=env)
    return None if done.returncode == 0 else "apt-get could not install " + " ".join(absent)


#: axe-core checks pages for accessibility in the browser tests. It runs only there
#: (MPL-2.0, never shipped), fetched from the npm registry once into the cache.
AXE_VERSION = "4.14.1"


def axe_script() -> Path | None:
    """Path of axe.min.js, installed with npm on first use; None without npm."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "sheaf-tests"
    script = cache / f"axe-core-{AXE_VERSION}" / "node_modules" / "axe-core" / "axe.min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if not npm:
        return None
    subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(script.parents[2]),
            f"axe-core@{AXE_VERSION}",
        ],
        check=True,
        capture_output=True,
    )
    return script
