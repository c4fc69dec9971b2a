"""The server image, built with buildah from a local Debian base and run for real.

Running it: podman's runtime is blocked by this machine's limits, so the test does
what a container runtime does for a read-only container: it mounts the image's
file system (``buildah mount``), binds it read-only in a private mount namespace
with a tmpfs ``/tmp`` and ``/proc``, and runs the entry point there as uid 10001
(``chroot --userspec``), on this machine's network.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
import requests
from helpers.support import REPO, free_port, wait_until

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
def image(request: pytest.FixtureRequest) -> str:
    given = os.environ.get("SHEAF_IMAGE")  # built once by the caller: reuse it
    if given:
        return given
    # The folder build made beside the one-file download (each binary is built once).
    onedir = request.getfixturevalue("built").parent / "Sheaf"
    base = _script("base_image.py")
    return _script("image.py", "--base", base, "--prebuilt", str(onedir))


@pytest.fixture(scope="module")
def rootfs(image: str):
    """The image's file system, mounted (read-only use only: see _run_read_only)."""
    container = subprocess.run(
        [*BUILDAH, "from", image], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        mounted = subprocess.run(
            [*BUILDAH, "mount", container], capture_output=True, text=True, check=True
        ).stdout.strip()
        yield Path(mounted)
    finally:
        subprocess.run([*BUILDAH, "umount", container], capture_output=True)
        subprocess.run([*BUILDAH, "rm", container], capture_output=True)


def _inspect(image: str) -> dict:
    out = subprocess.run(
        [*BUILDAH, "inspect", "--type", "image", image], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def test_image_config_and_labels(image: str):
    from build_scripts.project import git_commit, project

    info = _inspect(image)
    config = info["Docker"]["config"]
    assert config["User"] == f"{UID}:{UID}"
    assert config["Entrypoint"] == ["/app/Sheaf", "--server"]
    assert {"8080/tcp", "8081/tcp"} <= set(config["ExposedPorts"])
    assert config["Healthcheck"]["Test"] == ["CMD", "/app/Sheaf", "--healthcheck"]
    labels = config["Labels"]
    assert labels["org.opencontainers.image.version"] == project().version
    assert labels["org.opencontainers.image.revision"] == git_commit()
    assert labels["org.opencontainers.image.licenses"] == "MIT"
    assert labels["org.opencontainers.image.created"].endswith("Z")


def test_image_is_small_and_holds_no_distribution(image: str, rootfs: Path):
    size = sum(p.lstat().st_size for p in rootfs.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nimage file system: {size / 2**20:.1f} MB (goal < 100 MB; was 195 MB)")
    assert size < 100 * 2**20
    for absent in ("bin/sh", "usr/bin/python3", "usr/bin/apt-get", "bin/bash"):
        assert not (rootfs / absent).exists(), absent
    assert (rootfs / "app" / "Sheaf").is_file()


def _read_only_run(rootfs: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    """The entry point as a read-only container runs it (see the module docstring)."""
    script = (
        "set -e; "
        f'mount --bind "{rootfs}" "{rootfs}"; '
        f'mount -o remount,bind,ro "{rootfs}"; '
        f'mount -t tmpfs -o size=64m,mode=1777 tmpfs "{rootfs}/tmp"; '
        f'mkdir -p "{rootfs}/proc" 2>/dev/null || true; '
        f'mount -t proc proc "{rootfs}/proc" 2>/dev/null || true; '
        f'exec chroot --userspec={UID}:{UID} "{rootfs}" "$@"'
    )
    return subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *args],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_container_runs_read_only_as_non_root_and_stops_on_sigterm(rootfs: Path):
    port, health = free_port(), free_port()
    env = {
        "PORT": str(port),
        "SHEAF_HEALTH_PORT": str(health),
        "SHEAF_WORKERS": "2",
        "LANG": "C.UTF-8",
    }
    run = _read_only_run(rootfs, "/app/Sheaf", "--server", env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(base), 60, "the container's /healthz")
        # The image's own HEALTHCHECK command, run the same way.
        check = _read_only_run(rootfs, "/app/Sheaf", "--healthcheck", env=env)
        assert check.wait(30) == 0, check.stdout.read()
        pids = wait_until(lambda: _server_pids(port), 10, "the server processes")
        for pid in pids:
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
        os.killpg(run.pid, signal.SIGTERM)  # what a container runtime sends on stop
        assert run.wait(timeout=30) == 0
        assert time.monotonic() - started < 20
        output = run.stdout.read()
        assert "stopped" in output and "Read-only file system" not in output
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()


def _server_pids(port: int) -> list[int]:
    """Processes with a socket listening on ``port`` (the workers)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(fields[9])
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    found.append(int(proc.name))
                    break
        except OSError:
            continue
    return found


def _healthy(base: str) -> bool:
    try:
        return requests.get(base + "/healthz", timeout=2).json()["status"] == "ok"
    except (requests.RequestException, ValueError):
        return False
