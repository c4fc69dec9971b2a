"""Server mode under pressure: probes that do not queue behind PDF work, and slow clients
that cannot lock everyone out."""

from __future__ import annotations

import io
import signal
import socket
import threading

import requests
from helpers.hostile_inputs import blank_pages
from helpers.support import Sheaf, free_port, wait_until

SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]


def test_liveness_answers_while_every_worker_is_busy_and_readiness_drops_at_stop(tmp_path):
    health = free_port()
    env = {"SHEAF_HEALTH_PORT": str(health), "SHEAF_THREADS": "1", "TMPDIR": str(tmp_path)}
    sheaf = Sheaf.start(SERVER, data_dir=None, env=env)
    probe = f"http://127.0.0.1:{health}"
    try:
        assert requests.get(probe + "/readyz", timeout=5).status_code == 200
        data = blank_pages(4000)
        done: list[int] = []

        def busy() -> None:
            try:
                r = requests.post(
                    sheaf.base + "/api/v1/thumbnails",
                    files=[("file", ("long.pdf", io.BytesIO(data), "application/pdf"))],
                    timeout=120,
                )
                done.append(r.status_code)
            except requests.RequestException:
                done.append(0)

        worker = threading.Thread(target=busy)
        worker.start()
        wait_until(lambda: list(tmp_path.glob("sheaf-scratch-*/req-*")), 30, "the job to start")
        # The only worker thread renders 4,000 pages; the probes do not wait for it.
        for _ in range(5):
            assert requests.get(probe + "/livez", timeout=2).status_code == 200
        assert not done  # the job was still running all along
        sheaf.proc.send_signal(signal.SIGTERM)
        wait_until(
            lambda: _status(probe + "/readyz") in (503, None), 10, "readiness to drop at the stop"
        )
        worker.join(60)
        assert sheaf.proc.wait(30) == 0
    finally:
        sheaf.stop()


def _status(url: str) -> int | None:
    try:
        return requests.get(url, timeout=2).status_code
    except requests.RequestException:
        return None  # the process has already gone: not ready either


def test_health_check_answers_with_150_slow_clients_connected(open_server: Sheaf):
    # The crowd comes from another address than the probe: one address gets only so
    # many connections (tests/core/test_slow_clients.py).
    crowd = []
    try:
        for _ in range(150):
            conn = socket.create_connection(
                ("127.0.0.1", open_server.port), timeout=5, source_address=("127.0.0.2", 0)
            )
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and then nothing more
            crowd.append(conn)
        r = requests.get(open_server.base + "/healthz", timeout=10)
        assert r.status_code == 200
    finally:
        for conn in crowd:
            conn.close()
