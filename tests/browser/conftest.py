"""What the browser tests share: one desktop Sheaf per test module."""

from __future__ import annotations

import pytest
from helpers.support import Sheaf


@pytest.fixture(scope="module")
def sheaf(tmp_path_factory):
    s = Sheaf.start(data_dir=tmp_path_factory.mktemp("browser"))
    yield s
    s.stop()
