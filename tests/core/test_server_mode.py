"""Server mode (the Docker image): open or behind a shared password, stops on SIGTERM."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest
import requests
from helpers.support import Sheaf, wait_until

SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]


def test_open_server_needs_no_token(open_server: Sheaf):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", open_server.url)
    r = requests.get(open_server.base + "/", timeout=10)
    assert r.status_code == 200
    assert "Quit Sheaf" not in r.text  # nobody quits a shared server from a browser
    assert requests.post(open_server.base + "/quit", timeout=10).status_code == 404
    assert requests.get(open_server.base + "/healthz", timeout=10).json()["status"] == "ok"


def test_server_logs_each_request_to_stdout_without_query(open_server: Sheaf):
    requests.get(open_server.base + "/healthz?secret=hunter2", timeout=10)
    line = wait_until(
        lambda: next((x for x in open_server.lines if '"GET /healthz"' in x), None),
        10,
        "the access log line",
    )
    assert " 200 " in line
    assert "hunter2" not in open_server.output()


def test_open_server_still_stops_cross_site_posts(open_server: Sheaf):
    evil = requests.post(
        open_server.base + "/language",
        data={"lang": "zh_Hans"},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
        timeout=10,
    )
    assert evil.status_code == 403
    # A script (no browser headers, no cookies) may post: there is no one to forge for.
    script = requests.post(
        open_server.base + "/language",
        data={"lang": "zh_Hans"},
        allow_redirects=False,
        timeout=10,
    )
    assert script.status_code == 303


def test_no_data_dir_is_created(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    sheaf = Sheaf.start(SERVER, data_dir=None, env={"HOME": str(home), "XDG_DATA_HOME": ""})
    try:
        assert requests.get(sheaf.base + "/healthz", timeout=10).ok
        assert list(home.iterdir()) == []  # stateless: nothing written for the user
    finally:
        assert sheaf.stop() == 0


@pytest.fixture(params=["env", "file"])
def password_server(request, tmp_path: Path):
    if request.param == "env":
        env = {"SHEAF_PASSWORD": "correct horse"}
    else:
        secret = tmp_path / "password"
        secret.write_text("correct horse\n")
        env = {"SHEAF_PASSWORD_FILE": str(secret)}
    sheaf = Sheaf.start(SERVER, data_dir=None, env=env)
    yield sheaf
    sheaf.stop()


def test_password_server_asks_for_the_password(password_server: Sheaf):
    base = password_server.base
    s = requests.Session()
    r = s.get(base + "/", allow_redirects=False, timeout=10)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login")
    login = s.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login.text).group(1)
    wrong = s.post(
        base + "/login",
        data={"password": "wrong", "csrf_token": token, "next": "/"},
        headers={"Origin": base},
        timeout=10,
    )
    assert wrong.status_code == 401
    assert "not right" in wrong.text
    assert s.get(base + "/", allow_redirects=False, timeout=10).status_code == 302
    right = s.post(
        base + "/login",
        data={"password": "correct horse", "csrf_token": token, "next": "//evil.example/"},
        headers={"Origin": base},
        allow_redirects=False,
        timeout=10,
    )
    assert right.status_code == 303
    assert right.headers["Location"] == "/"  # no open redirect
    assert "HttpOnly" in right.headers["Set-Cookie"]
    assert s.get(base + "/", timeout=10).status_code == 200
    api = requests.post(base + "/api/v1/anything", timeout=10)
    assert api.status_code == 401
    assert api.json()["error"] == "unauthorized"
    bearer = requests.get(base + "/", headers={"Authorization": "Bearer correct horse"}, timeout=10)
    assert bearer.status_code == 200
    assert requests.get(base + "/healthz", timeout=10).status_code == 200


def test_allowed_hosts_are_enforced(tmp_path: Path):
    sheaf = Sheaf.start(SERVER, data_dir=None, env={"SHEAF_ALLOWED_HOSTS": "pdf.example.org"})
    try:
        ok = requests.get(sheaf.base + "/", headers={"Host": "pdf.example.org"}, timeout=10)
        assert ok.status_code == 200
        bad = requests.get(sheaf.base + "/", headers={"Host": "other.example"}, timeout=10)
        assert bad.status_code == 403
    finally:
        sheaf.stop()


def test_busy_port_is_a_clear_error_in_server_mode(open_server: Sheaf):
    import subprocess
    import sys

    from helpers.support import LAUNCHER, base_env

    r = subprocess.run(
        [
            sys.executable,
            str(LAUNCHER),
            "--server",
            "--host",
            "127.0.0.1",
            "--port",
            str(open_server.port),
        ],
        env=base_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{open_server.port}" in r.stderr
    assert "Traceback" not in r.stderr


def test_sigterm_stops_server_within_bounded_time(open_server: Sheaf):
    keepalive = requests.Session()  # an idle keep-alive connection must not hold us up
    assert keepalive.get(open_server.base + "/", timeout=10).ok
    started = time.monotonic()
    assert open_server.stop(signal.SIGTERM, timeout=15) == 0
    assert time.monotonic() - started < 15


def test_signed_in_person_can_use_the_api_from_the_page(password_server: Sheaf, samples):
    """The flow of the tool pages behind a password: cookie plus the page's CSRF token."""
    base = password_server.base
    s = requests.Session()
    login = s.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login.text).group(1)
    s.post(
        base + "/login",
        data={"password": "correct horse", "csrf_token": token},
        headers={"Origin": base},
        timeout=10,
    )
    page = s.get(base + "/tools/rotate", timeout=10)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    pdf = (samples / "004-pdflatex-4-pages/pdflatex-4-pages.pdf").read_bytes()
    files = [("file", ("a.pdf", pdf, "application/pdf"))]
    ok = s.post(
        base + "/api/v1/rotate",
        files=files,
        data={"angle": "90"},
        headers={"X-CSRF-Token": csrf, "Origin": base},
        timeout=60,
    )
    assert ok.status_code == 200
    assert ok.headers["Content-Type"] == "application/pdf"
    forged = s.post(
        base + "/api/v1/rotate",
        files=files,
        data={"angle": "90"},
        headers={"X-CSRF-Token": "x" * 64, "Origin": base},
        timeout=60,
    )
    assert forged.status_code == 403
