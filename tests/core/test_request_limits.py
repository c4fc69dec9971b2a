"""A request over a limit is told which limit: its total size, its parts, or one field."""

from __future__ import annotations

import io

import pytest
import requests
from helpers.support import Sheaf

from app import create_app
from app.settings import Limits, Settings


@pytest.fixture(scope="module")
def client():
    return create_app(
        Settings(mode="server", limits=Limits(max_upload_bytes=8 * 1024 * 1024))
    ).test_client()


def _pdf() -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "a.pdf"


def test_many_parts_name_the_parts_limit(client):
    data = {f"f{n}": "x" for n in range(5000)}
    data["file"] = _pdf()
    r = client.post("/api/v1/rotate", data=data, content_type="multipart/form-data")
    assert r.status_code == 413
    message = r.get_json()["message"]
    assert "too many parts" in message and "1000" in message and "MB" not in message


def test_a_huge_field_names_the_field_and_its_limit(client):
    data = {"angle": "9" * (3 * 1024 * 1024), "file": _pdf()}
    r = client.post("/api/v1/rotate", data=data, content_type="multipart/form-data")
    assert r.status_code == 413
    assert r.get_json()["message"] == (
        "The field “angle” is too large. The limit is 1 MB for a field that is not a file."
    )


def test_a_huge_upload_names_the_total(client):
    data = {"file": (io.BytesIO(b"%PDF-1.7\n" + b" " * (9 * 1024 * 1024)), "big.pdf")}
    r = client.post("/api/v1/rotate", data=data, content_type="multipart/form-data")
    assert r.status_code == 413
    assert "The limit is 8 MB in total" in r.get_json()["message"]


def test_the_message_speaks_chinese(client):
    data = {f"f{n}": "x" for n in range(1200)}
    r = client.post(
        "/api/v1/rotate",
        data=data,
        content_type="multipart/form-data",
        headers={"Accept-Language": "zh-CN"},
    )
    assert r.status_code == 413 and "1000" in r.get_json()["message"]
    assert "部分" in r.get_json()["message"]


def test_a_real_server_names_the_parts_limit_of_a_small_request(open_server: Sheaf):
    parts = [(f"f{n}", (None, "x")) for n in range(5000)]
    r = requests.post(open_server.base + "/api/v1/rotate", files=parts, timeout=30)
    assert r.status_code == 413 and "too many parts" in r.json()["message"]
