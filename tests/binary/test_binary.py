"""The real PyInstaller executable: smoke test, no console, names, checksums, reproducibility."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from helpers.binaries import build
from helpers.support import REPO, Sheaf, base_env, wait_until

pytestmark = [
    pytest.mark.binary,
    pytest.mark.skipif(sys.platform != "linux", reason="these run the Linux one-file binary"),
]


def test_smoke_test_passes(built: Path):
    result = subprocess.run(
        [sys.executable, str(REPO / "build_scripts" / "smoke_test.py"), str(built)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout


def test_name_checksums_and_build_info(built: Path):
    version = json.loads((built.parent / "build-info.json").read_text())
    assert re.fullmatch(rf"Sheaf-{re.escape(version['version'])}-linux-[a-z0-9_]+", built.name)
    sums = (built.parent / "SHA256SUMS").read_text().splitlines()
    digest = hashlib.sha256(built.read_bytes()).hexdigest()
    assert f"{digest}  {built.name}" in sums
    assert version["sha256"] == digest
    assert version["git_commit"] and version["pyinstaller"] and version["python"]
    assert os.access(built, os.X_OK)


def test_serves_the_ui_in_both_languages(built: Path, tmp_path: Path):
    sheaf = Sheaf.start(data_dir=tmp_path / "root", command=[str(built)])
    try:
        s = sheaf.session()
        zh = s.get(sheaf.base + "/", headers={"Accept-Language": "zh-CN"}, timeout=10)
        assert "合并 PDF" in zh.text  # compiled catalogues are in the bundle
        css = s.get(sheaf.base + "/static/css/sheaf.css", timeout=10)
        assert css.status_code == 200 and "--blue" in css.text
    finally:
        assert sheaf.stop() == 0


def _close_std_streams() -> None:
    os.close(1)
    os.close(2)


def test_runs_with_stdout_and_stderr_closed(built: Path, tmp_path: Path):
    """A windowed build has no console; the binary must not crash without one."""
    root = tmp_path / "root"
    proc = subprocess.Popen(
        [str(built), "--no-browser", "--data-dir", str(root)],
        env=base_env({"TMPDIR": str(tmp_path)}),
        stdin=subprocess.DEVNULL,
        preexec_fn=_close_std_streams,
    )
    record_file = root / "data" / "instance.json"
    try:
        record = wait_until(
            lambda: record_file.exists() and json.loads(record_file.read_text() or "{}"),
            90,
            "the instance record",
        )
        r = requests.get(
            record["url"] + "/",
            headers={"Authorization": f"Bearer {record['token']}"},
            timeout=10,
        )
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "started on" in (root / "logs" / "sheaf.log").read_text()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path):
    """The second build of the run (SHEAF_BINARY, given by CI, is the first)."""
    again = build(tmp_path / "dist", tmp_path / "work")
    assert again.name == built.name
    assert (
        hashlib.sha256(again.read_bytes()).hexdigest()
        == hashlib.sha256(built.read_bytes()).hexdigest()
    )
