"""API tests share one desktop Sheaf per module and talk to it with the Bearer token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from helpers.support import Sheaf


@pytest.fixture(scope="module")
def api(desktop_shared: Sheaf) -> Callable[..., requests.Response]:
    def post(op: str, files: list, data: dict | None = None, lang: str = "en"):
        return requests.post(
            f"{desktop_shared.base}/api/v1/{op}",
            headers={**desktop_shared.bearer(), "Accept-Language": lang},
            files=files,
            data=data or {},
            timeout=120,
        )

    return post


@pytest.fixture
def pdf_file(samples: Path):
    """A multipart file tuple for a shared sample, opened read-only."""
    opened = []

    def make(relative: str, name: str | None = None, field: str = "file"):
        handle = open(samples / relative, "rb")  # noqa: SIM115 - closed below
        opened.append(handle)
        return (field, (name or Path(relative).name, handle, "application/pdf"))

    yield make
    for handle in opened:
        handle.close()
