"""Server-mode sign-in a sysadmin can trust: guessing is slowed, sessions end, the proxy's
word counts only from the proxy, and no redirect target can cause a 500.

The rules run with a fake clock; the behaviour runs against a real server. Other
client addresses come from 127.0.0.2 (all of 127.0.0.0/8 is this machine).
"""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest
import requests
from helpers.support import Clock, Sheaf, on_both_workers, wait_until

from app import shared
from app.security.redirects import safe_next
from app.security.sessions import Sessions

SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]


def test_sessions_expire_when_idle_and_absolutely_and_can_be_revoked():
    clock = Clock()
    s = Sessions(b"k" * 32, shared.private(), idle=600, max_age=3600, renew_after=60, clock=clock)
    cookie = s.issue()
    assert s.check(cookie) == (True, None)
    clock.now += 120
    ok, renewed = s.check(cookie)
    assert ok and renewed and renewed != cookie
    clock.now += 599  # the old cookie is now 719 s old, the renewed one 599 s
    assert s.check(cookie) == (False, None)
    assert s.check(renewed)[0]
    for _ in range(10):  # renewed every 5 minutes, still ends an hour after sign-in
        clock.now += 300
        ok, fresh = s.check(renewed)
        renewed = fresh or renewed
    assert not s.check(renewed)[0]
    other = s.issue()
    s.revoke(other)
    assert s.check(other) == (False, None)
    assert not s.check("forged.123.abc")[0]
    other_key = Sessions(b"x" * 32, shared.private(), idle=600, max_age=3600, clock=clock)
    assert not other_key.check(s.issue())[0]


@pytest.mark.parametrize(
    "target", ["/\r\nSet-Cookie: a=b", "/tools\n", "//evil.example", "https://evil.example", "\\x"]
)
def test_redirect_targets_with_controls_or_hosts_go_home(target):
    assert safe_next(target) == "/"


def test_safe_redirect_targets_are_kept():
    assert safe_next("/tools/merge?x=1") == "/tools/merge?x=1"


def _request(sheaf: Sheaf, method: str, path: str, source: str, headers=None, body=None):
    conn = http.client.HTTPConnection(
        "127.0.0.1", sheaf.port, timeout=10, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.fixture
def guarded(tmp_path: Path):
    # No --port: the port comes from the environment, as in a Kubernetes pod.
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1"],
        data_dir=None,
        env={
            "SHEAF_PASSWORD": "correct horse",
            "SHEAF_PORT": "tcp://10.96.0.12:80",
            "PORT": "0",
            "SHEAF_WORKERS": "2",  # sign-out and attempts hold for every worker
            "SHEAF_LOG_FORMAT": "json",  # the access log names the worker (pid)
        },
    )
    yield sheaf
    sheaf.stop()


def test_kubernetes_service_link_in_sheaf_port_is_ignored_with_a_warning(guarded):
    # The fixture's server was given SHEAF_PORT=tcp://... and PORT=0: it runs, and says why.
    assert "ignoring SHEAF_PORT='tcp://10.96.0.12:80'" in guarded.output()


def test_guessing_gets_429_while_others_still_sign_in(guarded):
    wrong = {"Authorization": "Bearer guess"}
    statuses = [_request(guarded, "GET", "/", "127.0.0.1", wrong)[0] for _ in range(8)]
    assert statuses[:5] == [401] * 5 and 429 in statuses[5:]
    status, headers, body = _request(guarded, "GET", "/", "127.0.0.1", wrong)
    assert status == 429 and int(headers["Retry-After"]) >= 1
    assert b"too_many_attempts" in body
    # Even the right password waits on this address; another address is not affected.
    right = {"Authorization": "Bearer correct horse"}
    assert _request(guarded, "GET", "/", "127.0.0.1", right)[0] == 429
    assert _request(guarded, "GET", "/", "127.0.0.2", right)[0] == 200


def _sign_in(sheaf: Sheaf) -> requests.Session:
    s = requests.Session()
    page = s.get(sheaf.base + "/login", timeout=10)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    r = s.post(
        sheaf.base + "/login",
        data={"password": "correct horse", "csrf_token": token, "next": "/\r\nX-Evil: 1"},
        headers={"Origin": sheaf.base},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 303 and r.headers["Location"] == "/"
    return s


def test_sign_out_ends_the_session_on_every_worker_even_for_a_copied_cookie(guarded):
    s = _sign_in(guarded)
    cookie = s.cookies.get("sheaf_session")
    assert s.get(guarded.base + "/", allow_redirects=False, timeout=10).status_code == 200
    page = s.get(guarded.base + "/", timeout=10).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    out = s.post(
        guarded.base + "/logout",
        data={"csrf_token": token},
        headers={"Origin": guarded.base},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 303
    s.close()
    copied = {"Cookie": f"sheaf_session={cookie}"}
    statuses = on_both_workers(guarded, "/", copied)  # until both workers have answered
    assert statuses == [302] * len(statuses)  # back to the sign-in page, from every worker


def test_language_form_with_a_crlf_next_is_not_a_500(open_server: Sheaf):
    r = requests.post(
        open_server.base + "/language",
        data={"lang": "zh_Hans", "next": "/tools/merge\r\nSet-Cookie: x=1"},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 303 and r.headers["Location"] == "/"


def test_sign_in_proxy_header_counts_only_from_the_proxy(tmp_path: Path):
    sheaf = Sheaf.start(
        SERVER,
        data_dir=None,
        env={"SHEAF_AUTH_HEADER": "Remote-User", "SHEAF_TRUSTED_PROXY": "127.0.0.2"},
    )
    try:
        user = {"Remote-User": "wang.fang"}
        assert _request(sheaf, "GET", "/", "127.0.0.1", user)[0] == 401  # not the proxy
        assert _request(sheaf, "GET", "/", "127.0.0.2", {})[0] == 401  # the proxy, no user
        assert _request(sheaf, "GET", "/", "127.0.0.2", user)[0] == 200
        assert _request(sheaf, "GET", "/healthz", "127.0.0.1")[0] == 200
        wait_until(lambda: "GET /" in sheaf.output(), 10, "the access log")
        assert "wang.fang" not in sheaf.output()
    finally:
        sheaf.stop()


def test_secure_cookies_and_hsts_by_setting(tmp_path: Path):
    sheaf = Sheaf.start(
        SERVER,
        data_dir=None,
        env={"SHEAF_PASSWORD": "correct horse", "SHEAF_COOKIE_SECURE": "1", "SHEAF_HSTS": "1"},
    )
    try:
        page = requests.get(sheaf.base + "/login", timeout=10)
        assert "Secure" in page.headers["Set-Cookie"]
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        sheaf.stop()
