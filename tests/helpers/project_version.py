"""The project's version for tests, from the same reader the build scripts use."""

from __future__ import annotations

import sys

from helpers.support import REPO


def version() -> str:
    sys.path.insert(0, str(REPO / "build_scripts"))
    from project import project

    return project().version
