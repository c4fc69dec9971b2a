"""Fuzz the API against its own OpenAPI document with schemathesis: no 5xx, no
undocumented status codes or content types, no traceback in Sheaf's log."""

from __future__ import annotations

import subprocess
import sys

from helpers.support import Sheaf


def test_api_survives_schemathesis(tmp_path):
    sheaf = Sheaf.start(data_dir=tmp_path / "root")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{sheaf.base}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {sheaf.token}",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance",
                "--max-examples",
                "30",
                "--generation-deterministic",
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "2",
            ],
            capture_output=True,
            cwd=tmp_path,  # schemathesis writes a .schemathesis folder where it runs
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        assert "passed" in result.stdout
    finally:
        sheaf.stop()
    log = (tmp_path / "root" / "logs" / "sheaf.log").read_text()
    assert "Traceback" not in log
    assert " ERROR " not in log
    # Every request cleaned up after itself, whatever it was sent.
    # The server stopped: its scratch folder went with it.
    assert not list((tmp_path / "root" / "cache").glob("sheaf-scratch-*"))
