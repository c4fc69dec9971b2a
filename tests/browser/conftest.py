"""What the browser tests share: one desktop Sheaf per test module."""

from __future__ import annotations

import pytest
from helpers.support import Sheaf


@pytest.fixture(scope="module")
def sheaf(tmp_path_factory):
    s = Sheaf.start(data_dir=tmp_path_factory.mktemp("browser"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def axe():
    """axe-core's script, fetched with npm once (helpers.system)."""
    from helpers import system

    script = system.axe_script()
    if script is None:
        pytest.fail("npm is needed to fetch axe-core for the accessibility checks")
    return script


@pytest.fixture
def sign(chromium, sheaf, samples):
    """Opens the Sign page with a sample chosen (helpers.sign_page); closes what it opened."""
    from helpers.sign_page import opener

    contexts: list = []
    yield opener(chromium, sheaf, samples, contexts)
    for context in contexts:
        context.close()
