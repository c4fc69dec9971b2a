"""The README's pictures come from a script that drives the real app: it must keep running."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers.support import REPO
from PIL import Image

pytestmark = pytest.mark.browser


def test_the_readme_screenshots_are_made_by_the_script(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "docs" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("home.png", "organizer.png"):
        with Image.open(tmp_path / name) as picture:
            assert picture.size == (1280, 800)
            assert len(picture.getcolors(1 << 20) or []) > 50  # a page, not a blank
        assert name in (REPO / "README.rst").read_text()  # and the README shows them
