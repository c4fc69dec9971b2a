"""The project's version for tests, from the same reader the build scripts use."""

from __future__ import annotations


def version() -> str:
    from build_scripts.project import project

    return project().version
