"""The server image, built with buildah from a local Debian base and run for real."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
import requests

from support import REPO, wait_until

pytestmark = [
    pytest.mark.image,
    pytest.mark.skipif(sys.platform != "linux", reason="buildah runs on Linux"),
]
BUILDAH = ["buildah", "--storage-driver", "vfs"]
UID = 10001


def _script(name: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(REPO / "build_scripts" / name), *args],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def image() -> str:
    base = _script("base_image.py")
    return _script("image.py", "--base", base)


def _inspect(image: str) -> dict:
    out = subprocess.run(
        [*BUILDAH, "inspect", "--type", "image", image], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_image_config_and_labels(image: str):
    sys.path.insert(0, str(REPO / "build_scripts"))
    from project import git_commit, project

    info = _inspect(image)
    config = info["Docker"]["config"]
    assert config["User"] == f"{UID}:{UID}"
    assert config["Entrypoint"] == ["python", "/app/launcher.py", "--server"]
    assert "8080/tcp" in config["ExposedPorts"]
    assert config["Healthcheck"]["Test"][0] == "CMD"
    labels = config["Labels"]
    assert labels["org.opencontainers.image.version"] == project().version
    assert labels["org.opencontainers.image.revision"] == git_commit()
    assert labels["org.opencontainers.image.licenses"] == "MIT"
    assert labels["org.opencontainers.image.created"].endswith("Z")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_pid(port: int) -> int | None:
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            cmd = status.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"/app/launcher.py" in cmd and str(port).encode() in cmd and cmd[0].endswith(b"python"):
            return int(status.parent.name)
    return None


def test_container_serves_as_non_root_and_stops_on_sigterm(image: str):
    container = subprocess.run(
        [*BUILDAH, "from", image], capture_output=True, text=True, check=True
    ).stdout.strip()
    port, health = _free_port(), _free_port()
    run = subprocess.Popen(
        [
            *BUILDAH,
            "run",
            "--isolation",
            "chroot",
            "--network",
            "host",
            container,
            "--",
            "env",
            f"SHEAF_HEALTH_PORT={health}",  # the image's 8081 may be taken on this host
            "SHEAF_WORKERS=1",  # one process to find by its port; workers: test_workers.py
            "python",
            "/app/launcher.py",
            "--server",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(base), 60, "the container's /healthz")
        livez = requests.get(f"http://127.0.0.1:{health}/livez", timeout=5)
        assert livez.status_code == 200  # the probe port of the manifests and HEALTHCHECK
        pid = wait_until(lambda: _server_pid(port), 10, "the server process")
        uids = next(
            line
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("Uid:")
        ).split()[1:]
        assert {int(u) for u in uids} == {UID}

        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.add_blank_page()
        buffer = io.BytesIO()
        pdf.save(buffer)
        r = requests.post(
            base + "/api/v1/rotate",
            files=[("file", ("a.pdf", buffer.getvalue(), "application/pdf"))],
            data={"angle": "180"},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        with pikepdf.open(io.BytesIO(r.content)) as out:
            assert [int(p.obj.get("/Rotate", 0)) for p in out.pages] == [180, 180]

        started = time.monotonic()
        os.kill(pid, signal.SIGTERM)  # what a container runtime sends on stop
        assert run.wait(timeout=20) == 0
        assert time.monotonic() - started < 15
        assert "stopped" in run.stdout.read()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        subprocess.run([*BUILDAH, "rm", container], capture_output=True)


def _healthy(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=2).json()["status"] == "ok"
    except (requests.RequestException, ValueError):
        return False
