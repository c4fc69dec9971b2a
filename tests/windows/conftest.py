"""The real Windows artifacts, built once per run and run under Wine.

``SHEAF_WINDOWS_DIST`` names a folder that ``build.py --target windows`` and
``installer.py --target windows`` wrote (as .ci/run and the Jenkinsfile do); without
it they are built here first (about four minutes with the Wine prefix cached). Without
Wine these tests skip and say why, except under ``CI=true``, where they must run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.binaries import build
from helpers.wine_support import Prefix, throwaway_prefix

NEEDED = ("wine", "wineserver")


def _wine_or_skip() -> None:
    absent = [tool for tool in NEEDED if shutil.which(tool) is None]
    if sys.platform != "linux" or absent:
        reason = (
            f"WINDOWS ARTIFACTS NOT TESTED: {', '.join(absent) or 'Linux'} missing "
            "(Debian: apt-get install wine wine64; `uv run pytest` as root installs it)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run them")
        pytest.skip(reason)


@dataclass(frozen=True)
class WindowsDist:
    folder: Path
    exe: Path  # the one-file download
    onedir: Path  # what the setup installs
    setup: Path
    info: dict


@pytest.fixture(scope="session")
def windows_dist(tmp_path_factory: pytest.TempPathFactory) -> WindowsDist:
    _wine_or_skip()
    given = os.environ.get("SHEAF_WINDOWS_DIST")
    if given:
        folder = Path(given)
    else:
        root = tmp_path_factory.mktemp("windows")
        folder = root / "dist"
        build(folder, root / "work", "--target", "windows")
        build(folder, root / "work", "--target", "windows", script="installer.py")
    info = json.loads((folder / "build-info.json").read_text(encoding="utf-8"))
    setups = sorted(folder.glob("*-windows-*-setup.exe"))
    assert setups, f"no setup in {folder}: run installer.py --target windows"
    return WindowsDist(folder, folder / info["artifact"], folder / info["name"], setups[0], info)


@pytest.fixture(scope="session")
def prefix() -> Iterator[Prefix]:
    """One fresh Windows for all these tests, removed with everything in it at the end."""
    _wine_or_skip()
    with throwaway_prefix() as made:
        yield made
