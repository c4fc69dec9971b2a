"""Work that nobody waits for stops; a stop mid-request leaves nothing; a full disk is 507.

Server mode runs with its own ``TMPDIR``, so its private scratch folder can be
watched (and, for the disk-full case, put on a 6 MB tmpfs).
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from helpers.hostile_inputs import blank_pages
from helpers.pdfcheck import error_of
from helpers.support import Sheaf, wait_until

SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]
GEO = "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"
FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


def _multipart(field: str, name: str, data: bytes, boundary: str = "sheafboundary") -> bytes:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode()


@pytest.fixture
def server(tmp_path: Path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    sheaf = Sheaf.start(SERVER, data_dir=None, env={"TMPDIR": str(temp)})
    sheaf.temp = temp
    yield sheaf
    sheaf.stop()


def test_work_stops_when_the_client_goes_away(server):
    body = _multipart("file", "long.pdf", blank_pages(8000))
    request = (
        f"POST /api/v1/thumbnails HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        "Content-Type: multipart/form-data; boundary=sheafboundary\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port)) as conn:
        conn.sendall(request + body)
        wait_until(lambda: list(server.temp.glob("sheaf-scratch-*/req-*")), 30, "work to begin")
    wait_until(
        lambda: "thumbnails stopped early: the client went away" in server.output(),
        60,
        "the thumbnails to stop",
    )
    wait_until(lambda: not list(server.temp.glob("sheaf-scratch-*/req-*")), 30, "cleanup")
    assert requests.get(server.base + "/healthz", timeout=10).ok


def test_a_stop_in_the_middle_of_a_split_leaves_nothing(server):
    data = blank_pages(6000)
    answer: list[requests.Response] = []

    def split() -> None:
        answer.append(
            requests.post(
                server.base + "/api/v1/split",
                files=[("file", ("long.pdf", io.BytesIO(data), "application/pdf"))],
                data={"mode": "every", "every": "4"},  # 1,500 parts: under the file limit
                timeout=120,
            )
        )

    worker = threading.Thread(target=split)
    worker.start()
    wait_until(lambda: list(server.temp.glob("sheaf-scratch-*/req-*/out/part-*")), 60, "parts")
    assert server.stop(signal.SIGTERM) == 0
    worker.join(60)
    assert answer and answer[0].status_code == 503
    assert "stopped early: the server is stopping" in server.output()
    assert list(server.temp.iterdir()) == []  # no scratch folder, no upload, no part


def test_renders_from_many_threads_at_once_agree(server, samples):
    """pdfium is called under one lock; concurrent requests get the same pictures."""
    data = (samples / GEO).read_bytes()
    results: list[bytes] = []

    def render() -> None:
        r = requests.post(
            server.base + "/api/v1/pdf-to-images",
            files=[("file", ("geo.pdf", io.BytesIO(data), "application/pdf"))],
            data={"pages": "1-6", "dpi": "50"},
            timeout=120,
        )
        results.append(r.content if r.status_code == 200 else b"")

    threads = [threading.Thread(target=render) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 6 and all(results) and len(set(results)) == 1


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mounts a tmpfs")
def test_a_full_disk_is_507_not_damaged(tmp_path: Path, samples):
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(small)], check=True)
    try:
        sheaf = Sheaf.start(SERVER, data_dir=None, env={"TMPDIR": str(small)})
        try:
            # A small upload whose pictures do not fit: 4 pages at 600 dpi.
            with open(samples / FOUR, "rb") as f:
                r = requests.post(
                    sheaf.base + "/api/v1/pdf-to-images",
                    files=[("file", ("four.pdf", f, "application/pdf"))],
                    data={"dpi": "600"},
                    timeout=60,
                )
            assert "disk space" in error_of(r, 507, "disk_full")
            assert "Traceback" not in sheaf.output()
        finally:
            sheaf.stop()
    finally:
        subprocess.run(["umount", str(small)], check=True)
