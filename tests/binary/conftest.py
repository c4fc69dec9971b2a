"""Build the real executable once per test session (or use ``SHEAF_BINARY``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from binaries import build


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    given = os.environ.get("SHEAF_BINARY")
    if given:
        return Path(given)
    root = tmp_path_factory.mktemp("build-a")
    return build(root / "dist", root / "work")
