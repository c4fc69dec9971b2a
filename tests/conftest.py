"""Fixtures shared by the whole suite. See :mod:`support` for how Sheaf is started."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.support import Sheaf, samples_dir


def pytest_sessionstart(session: pytest.Session) -> None:
    from helpers import system

    problem = system.ensure()
    if problem:
        pytest.exit(problem, returncode=4)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Linux one-file download, built once per session (or ``SHEAF_BINARY``, which
    CI builds once for the whole run); its folder build is ``Sheaf/`` beside it."""
    import json
    import os

    from helpers.binaries import build

    given = os.environ.get("SHEAF_BINARY")
    if given:
        path = Path(given)
        if path.is_dir():  # a dist folder: build-info.json names the artifact
            path = path / json.loads((path / "build-info.json").read_text())["artifact"]
        return path
    root = tmp_path_factory.mktemp("build-a")
    return build(root / "dist", root / "work")


@pytest.fixture(scope="session")
def samples() -> Path:
    path = samples_dir()
    if not (path / "files.json").exists():
        pytest.fail(f"the shared PDF samples are missing at {path}")
    return path


@pytest.fixture
def sample_copy(samples: Path, tmp_path: Path):
    """Copy a shared sample into tmp_path (the shared ones are read-only)."""

    def copy(relative: str) -> Path:
        target = tmp_path / Path(relative).name
        shutil.copyfile(samples / relative, target)
        return target

    return copy


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Sheaf]:
    """A desktop Sheaf (token, cookies, CSRF) with its own data folder."""
    sheaf = Sheaf.start(data_dir=tmp_path / "data-root")
    yield sheaf
    sheaf.stop()


@pytest.fixture(scope="module")
def desktop_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sheaf]:
    """One desktop Sheaf for a whole module of read-mostly tests (faster)."""
    sheaf = Sheaf.start(data_dir=tmp_path_factory.mktemp("data-root"))
    yield sheaf
    sheaf.stop()


@pytest.fixture
def open_server() -> Iterator[Sheaf]:
    """Server mode without a password on a free loopback port."""
    sheaf = Sheaf.start(["--server", "--host", "127.0.0.1", "--port", "0"], data_dir=None)
    yield sheaf
    sheaf.stop()


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
