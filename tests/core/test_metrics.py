"""Metrics for the cluster and logs for collectors: counted across workers, no file names."""

from __future__ import annotations

import io
import json
import re

import pikepdf
import requests
from helpers.support import Sheaf, free_port, wait_until

SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]


def _count(text: str, route: str, status: int) -> int:
    found = re.search(
        rf'^sheaf_requests_total{{route="{re.escape(route)}",status="{status}"}} (\d+)$', text, re.M
    )
    return int(found.group(1)) if found else 0


def test_metrics_add_up_every_worker_and_logs_are_json(tmp_path):
    health = free_port()
    sheaf = Sheaf.start(
        SERVER,
        data_dir=None,
        env={
            "SHEAF_WORKERS": "2",
            "SHEAF_METRICS": "1",
            "SHEAF_HEALTH_PORT": str(health),
            "SHEAF_LOG_FORMAT": "json",
            "TMPDIR": str(tmp_path),
        },
    )
    try:
        for _ in range(12):  # spread over both workers by the kernel
            assert requests.get(sheaf.base + "/", timeout=10).status_code == 200
        pdf = pikepdf.new()
        pdf.add_blank_page()
        data = io.BytesIO()
        pdf.save(data)
        r = requests.post(
            sheaf.base + "/api/v1/rotate",
            files=[("file", ("季度报告-secret.pdf", data.getvalue(), "application/pdf"))],
            timeout=30,
        )
        assert r.status_code == 200
        url = f"http://127.0.0.1:{health}/metrics"

        def complete() -> str | None:
            text = requests.get(url, timeout=5).text
            done = _count(text, "/", 200) == 12 and _count(text, "/api/v1/rotate", 200) == 1
            return text if done else None

        text = wait_until(complete, 15, "every worker's counts")
        assert "sheaf_workers 2" in text
        assert "sheaf_requests_in_flight 0" in text
        assert 'sheaf_request_duration_seconds_count{route="/api/v1/rotate"} 1' in text
        assert "secret" not in text and "季度" not in text  # never a file name
        lines = [line for line in sheaf.lines if line.startswith("{")]
        entries = [json.loads(line) for line in lines]
        access = [e for e in entries if e.get("path") == "/api/v1/rotate"]
        assert access and access[0]["status"] == 200 and access[0]["method"] == "POST"
        assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    finally:
        sheaf.stop()
    assert not list(tmp_path.glob("sheaf-metrics-*"))  # gone with the server


def test_metrics_are_off_unless_asked_for():
    health = free_port()
    sheaf = Sheaf.start(
        SERVER, data_dir=None, env={"SHEAF_WORKERS": "1", "SHEAF_HEALTH_PORT": str(health)}
    )
    try:
        assert requests.get(f"http://127.0.0.1:{health}/metrics", timeout=5).status_code == 404
        assert requests.get(sheaf.base + "/metrics", timeout=5).status_code == 404
    finally:
        sheaf.stop()
