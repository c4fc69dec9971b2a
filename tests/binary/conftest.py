"""Build the real executable once per test session (or use ``SHEAF_BINARY``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from binaries import build


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    given = os.environ.get("SHEAF_BINARY")
    if given:
        path = Path(given)
        if path.is_dir():  # a dist folder: build-info.json names the artifact
            path = path / json.loads((path / "build-info.json").read_text())["artifact"]
        return path
    root = tmp_path_factory.mktemp("build-a")
    return build(root / "dist", root / "work")
