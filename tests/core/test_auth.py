"""Desktop mode keeps other users and web pages out: token, cookie, Host, CSRF, headers."""

from __future__ import annotations

import re

import requests
from helpers.support import Sheaf


def test_url_line_carries_a_fresh_token(desktop: Sheaf, tmp_path):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}", desktop.url)
    other = Sheaf.start(data_dir=tmp_path / "other")
    try:
        assert other.token != desktop.token
    finally:
        other.stop()


def test_without_token_the_person_is_told_to_use_the_icon(desktop: Sheaf):
    r = requests.get(desktop.base + "/", timeout=10)
    assert r.status_code == 401
    assert "start Sheaf from its icon" in r.text
    assert "Quit Sheaf" not in r.text  # no forms for someone who is not signed in
    api = requests.post(desktop.base + "/api/v1/anything", timeout=10)
    assert api.status_code == 401
    assert api.json()["error"] == "unauthorized"


def test_wrong_token_is_refused(desktop: Sheaf):
    r = requests.get(desktop.base + "/?token=not-the-token", timeout=10)
    assert r.status_code == 401
    assert "sheaf_session" not in r.headers.get("Set-Cookie", "")
    bad = requests.get(desktop.base + "/", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert bad.status_code == 401


def test_token_is_exchanged_for_a_strict_httponly_cookie(desktop: Sheaf):
    s = requests.Session()
    r = s.get(desktop.url, timeout=10, allow_redirects=False)
    assert r.status_code == 200
    # The page refreshes to the clean URL: the token leaves the address bar.
    assert 'http-equiv="refresh" content="0;url=/"' in r.text
    cookie = r.headers["Set-Cookie"]
    assert f"sheaf_session_{desktop.port}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    home = s.get(desktop.base + "/", timeout=10)
    assert home.status_code == 200
    assert desktop.token not in home.text


def test_bearer_token_works_for_scripts(desktop: Sheaf):
    r = requests.get(desktop.base + "/", headers=desktop.bearer(), timeout=10)
    assert r.status_code == 200


def test_healthz_needs_no_token_and_says_little(desktop: Sheaf):
    r = requests.get(desktop.base + "/healthz", timeout=10)
    assert r.status_code == 200
    assert set(r.json()) == {"status", "version"}
    assert r.json()["status"] == "ok"


def test_foreign_host_header_is_rejected(desktop: Sheaf):
    # DNS rebinding: the request reaches 127.0.0.1 but names the attacker's host.
    # (Bearer, not the cookie: requests matches cookies against the Host header.)
    for host in (f"evil.example:{desktop.port}", "127.0.0.1", f"127.0.0.1:{desktop.port + 1}"):
        r = requests.get(desktop.base + "/", headers={"Host": host, **desktop.bearer()}, timeout=10)
        assert r.status_code == 403, host
        assert desktop.token not in r.text
    for host in (f"localhost:{desktop.port}", f"127.0.0.1:{desktop.port}", f"[::1]:{desktop.port}"):
        r = requests.get(desktop.base + "/", headers={"Host": host, **desktop.bearer()}, timeout=10)
        assert r.status_code == 200, host


def test_state_changes_need_csrf_token_and_same_origin(desktop: Sheaf):
    s = desktop.session()
    token = desktop.csrf(s)
    form = {"lang": "zh_Hans", "next": "/"}
    no_token = s.post(desktop.base + "/language", data=form, allow_redirects=False, timeout=10)
    assert no_token.status_code == 403
    assert "came from another site" in no_token.text  # the CSRF refusal, not another 403
    wrong = s.post(
        desktop.base + "/language",
        data={**form, "csrf_token": "x" * 43},
        allow_redirects=False,
        timeout=10,
    )
    assert wrong.status_code == 403
    # A page on another localhost port is same-site, so cookies go along; Origin stops it.
    other_port = s.post(
        desktop.base + "/language",
        data={**form, "csrf_token": token},
        headers={"Origin": f"http://127.0.0.1:{desktop.port + 1}"},
        allow_redirects=False,
        timeout=10,
    )
    assert other_port.status_code == 403
    cross_site = s.post(
        desktop.base + "/language",
        data={**form, "csrf_token": token},
        headers={"Sec-Fetch-Site": "cross-site"},
        allow_redirects=False,
        timeout=10,
    )
    assert cross_site.status_code == 403
    ok = s.post(
        desktop.base + "/language",
        data={**form, "csrf_token": token},
        headers={"Origin": desktop.base},
        allow_redirects=False,
        timeout=10,
    )
    assert ok.status_code == 303
    assert "sheaf_lang=zh_Hans" in ok.headers["Set-Cookie"]


def test_a_planted_csrf_cookie_is_not_enough(desktop: Sheaf):
    """A page on another localhost port can set cookies for 127.0.0.1 (cookies ignore
    ports) and hide its origin; the token must still be one Sheaf signed."""
    s = desktop.session()
    planted = "p" * 43
    s.cookies.set(f"sheaf_csrf_{desktop.port}", planted, domain="127.0.0.1", path="/")
    r = s.post(
        desktop.base + "/language",
        data={"lang": "zh_Hans", "csrf_token": planted},
        headers={"Origin": "null"},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 403


def test_security_headers(desktop: Sheaf):
    r = desktop.session().get(desktop.base + "/", timeout=10)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    # No inline script anywhere on the page, so the CSP holds.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) is None
    assert " on" + "click=" not in r.text


def test_pages_speak_chinese_when_asked(desktop: Sheaf):
    r = requests.get(desktop.base + "/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}, timeout=10)
    assert r.status_code == 401
    assert 'lang="zh-Hans"' in r.text
    assert "图标" in r.text  # "icon": start Sheaf from its icon
