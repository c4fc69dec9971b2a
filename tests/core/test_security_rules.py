"""The rules of who may talk to Sheaf, one request each, in-process: the Host check, who
is asking in each mode, the desktop's token-for-cookie trade, the sign-in proxy's
header, and the headers on every answer. (CSRF and sessions: test_session_rules.py;
the same rules against a real server: test_auth.py, test_server_mode.py, test_sign_in.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.apps import DESKTOP, PASSWORD, PORT, PROXY, TOKEN, USER_HEADER, Tab, client_of

from app import create_app
from app.security.headers import CSP
from app.settings import Settings
from app.web import PEER_KEY, state_of

BEARER = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Accept": "application/json"}


def _refused_host(r, secret: str = TOKEN) -> None:
    assert r.status_code == 403
    assert r.mimetype == "text/plain"
    assert r.get_data(as_text=True) == "Unknown host\n"
    assert secret not in r.get_data(as_text=True)
    assert "Set-Cookie" not in r.headers


# --- Host ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"LocalHost:{PORT}", f"[::1]:{PORT}"]
)
def test_desktop_answers_its_loopback_names_with_its_port(desktop_client: Tab, host: str):
    assert desktop_client.get("/", headers={"Host": host, **BEARER}).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        f"evil.example:{PORT}",  # DNS rebinding: the page's own name, now resolving to us
        f"localhost.evil.example:{PORT}",
        f"127.0.0.1.nip.io:{PORT}",
        f"127.0.0.1:{PORT}.evil.example",
        "127.0.0.1",  # no port: the default port's origin, not ours
        "[::1]",
        f"127.0.0.1:{PORT + 1}",  # another port is another origin
        f"0.0.0.0:{PORT}",
        f"[::ffff:127.0.0.1]:{PORT}",
        "",
    ],
)
def test_desktop_refuses_other_hosts_even_with_the_token(desktop_client: Tab, host: str):
    _refused_host(desktop_client.get("/", headers={"Host": host, **BEARER}))


def test_a_refused_host_learns_nothing_even_of_public_pages(desktop_client: Tab):
    _refused_host(desktop_client.get("/healthz", headers={"Host": "evil.example"}))
    _refused_host(desktop_client.get(f"/?token={TOKEN}", headers={"Host": "evil.example"}))


@pytest.fixture
def named_server(tmp_path: Path) -> Tab:
    s = Settings(
        mode="server", allowed_hosts=("pdf.example.org", "[2001:db8::7]"), temp_root=tmp_path
    )
    return client_of(create_app(s))


@pytest.mark.parametrize(
    "host", ["pdf.example.org", "pdf.example.org:8443", "PDF.Example.ORG", "[2001:db8::7]:8080"]
)
def test_server_answers_its_names_on_any_port(named_server: Tab, host: str):
    assert named_server.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "pdf.example.org.evil.example", "evil.pdf.example.org", "[2001:db8::8]"],
)
def test_server_refuses_names_it_was_not_given(named_server: Tab, host: str):
    _refused_host(named_server.get("/", headers={"Host": host}))


def test_a_server_given_no_names_answers_any_host(open_client: Tab):
    assert open_client.get("/", headers={"Host": "anything.example"}).status_code == 200


# --- Who is asking: Bearer ---------------------------------------------------------


def test_desktop_bearer_right_wrong_and_absent(desktop_client: Tab):
    assert desktop_client.get("/", headers=BEARER).status_code == 200
    assert desktop_client.get("/", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200
    wrong = desktop_client.get("/", headers={"Authorization": "Bearer nope", **JSON})
    assert wrong.status_code == 401
    assert wrong.json == {"error": "unauthorized", "message": "That access token is not valid."}
    absent = desktop_client.get("/")
    assert absent.status_code == 401
    assert "Please start Sheaf from its icon" in absent.get_data(as_text=True)
    # Another scheme is no Bearer: the token in it counts for nothing.
    basic = desktop_client.get("/", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401


def test_desktop_wrong_bearer_is_not_rescued_by_a_good_cookie(signed_in: Tab):
    assert signed_in.get("/").status_code == 200
    assert signed_in.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_password_server_bearer_right_wrong_and_absent(password_client: Tab):
    assert (
        password_client.get("/", headers={"Authorization": f"Bearer {PASSWORD}"}).status_code == 200
    )
    wrong = password_client.get("/", headers={"Authorization": "Bearer guess", **JSON})
    assert wrong.status_code == 401
    assert wrong.json["message"] == "That access token is not valid."
    page = password_client.get("/tools")
    assert page.status_code == 302
    assert page.headers["Location"] == "/login?next=/tools"
    api = password_client.get("/", headers=JSON)
    assert api.status_code == 401
    assert api.json == {"error": "unauthorized", "message": "Please sign in to use Sheaf."}
    assert password_client.post("/language", data={"lang": "en"}).status_code == 401


def test_the_launch_token_is_no_password_and_the_password_no_launch_token(
    password_client: Tab, desktop_client: Tab
):
    assert password_client.get("/", headers={**BEARER, **JSON}).status_code == 401
    pw = {"Authorization": f"Bearer {PASSWORD}"}
    assert desktop_client.get("/", headers=pw).status_code == 401


def test_an_open_server_asks_nobody_and_ignores_a_bearer(open_client: Tab):
    assert open_client.get("/").status_code == 200
    assert open_client.get("/", headers={"Authorization": "Bearer anything"}).status_code == 200


def test_health_needs_nobody_in_every_mode(
    desktop_client: Tab, open_client: Tab, password_client: Tab, proxy_client: Tab
):
    for client in (desktop_client, open_client, password_client, proxy_client):
        r = client.get("/healthz")
        assert r.status_code == 200
        assert r.json["status"] == "ok"


# --- The desktop's token-for-cookie trade -------------------------------------------


def test_the_launch_token_buys_a_strict_cookie_and_leaves_the_address_bar(desktop_client: Tab):
    r = desktop_client.get(f"/?token={TOKEN}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="0;url=/">' in page
    assert TOKEN not in page
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith(f"sheaf_session_{PORT}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    home = desktop_client.get("/")  # the cookie alone from now on
    assert home.status_code == 200
    assert TOKEN not in home.get_data(as_text=True)


def test_the_trade_keeps_the_rest_of_the_address(desktop_client: Tab):
    r = desktop_client.get(f"/tools?lang=zh_Hans&token={TOKEN}")
    assert 'content="0;url=/tools?lang=zh_Hans"' in r.get_data(as_text=True)


def test_a_wrong_launch_token_buys_nothing(desktop_client: Tab):
    r = desktop_client.get("/?token=not-the-token")
    assert r.status_code == 401
    assert "This Sheaf link has expired" in r.get_data(as_text=True)
    assert "Set-Cookie" not in r.headers
    assert desktop_client.get("/").status_code == 401


def test_the_token_is_traded_only_on_a_get(desktop_client: Tab):
    r = desktop_client.post(f"/presence?token={TOKEN}", data={"page": "p"})
    assert r.status_code == 401
    assert "Set-Cookie" not in r.headers


def test_the_cookie_is_secure_on_https(desktop_client: Tab):
    r = desktop_client.get(f"/?token={TOKEN}", base_url=DESKTOP.replace("http:", "https:"))
    assert "; Secure" in r.headers["Set-Cookie"]


def test_a_ticket_buys_the_cookie_once(desktop_app, desktop_client: Tab):
    ticket = state_of(desktop_app).tickets.issue()
    first = desktop_client.get(f"/?ticket={ticket}")
    assert first.status_code == 200
    assert first.headers["Set-Cookie"].startswith(f"sheaf_session_{PORT}=")
    other = client_of(desktop_app, DESKTOP)
    again = other.get(f"/?ticket={ticket}")
    assert again.status_code == 401
    assert "This Sheaf link has expired" in again.get_data(as_text=True)


# --- The sign-in proxy ----------------------------------------------------------------


def _via(client: Tab, peer: str, headers: dict[str, str] | None = None, **environ: str):
    return client.get("/", headers=headers or {}, environ_base={PEER_KEY: peer, **environ})


def test_the_proxy_user_header_counts_from_the_proxy(proxy_client: Tab):
    assert _via(proxy_client, PROXY, {USER_HEADER: "wang.fang"}).status_code == 200


def test_the_proxy_user_header_counts_for_nothing_from_anyone_else(proxy_client: Tab):
    r = _via(proxy_client, "10.0.0.9", {USER_HEADER: "wang.fang"})
    assert r.status_code == 401
    assert "sign in through your organisation’s sign-in page" in r.get_data(as_text=True)


def test_a_forwarded_address_does_not_make_a_client_the_proxy(proxy_client: Tab):
    # REMOTE_ADDR is what X-Forwarded-For made it; the peer (PEER_KEY) is who connected.
    r = _via(proxy_client, "10.0.0.9", {USER_HEADER: "wang.fang"}, REMOTE_ADDR=PROXY)
    assert r.status_code == 401


def test_the_proxy_without_a_user_or_with_another_header_is_refused(proxy_client: Tab):
    assert _via(proxy_client, PROXY).status_code == 401
    assert _via(proxy_client, PROXY, {USER_HEADER: "   "}).status_code == 401
    assert _via(proxy_client, PROXY, {"X-Remote-User": "wang.fang"}).status_code == 401
    assert _via(proxy_client, PROXY, {"Authorization": "Bearer x"}).status_code == 401


def test_a_proxy_trusted_as_star_is_believed_from_anywhere(tmp_path: Path):
    s = Settings(mode="server", auth_header=USER_HEADER, trusted_proxy="*", temp_root=tmp_path)
    client = client_of(create_app(s))
    assert _via(client, "192.0.2.1", {USER_HEADER: "li.lei"}).status_code == 200


# --- Headers on every answer ---------------------------------------------------------


def _has_page_headers(r) -> None:
    h = r.headers
    assert h["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert "object-src 'none'" in CSP and "unsafe-inline" not in CSP
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_and_refusals_carry_the_security_headers(signed_in: Tab, desktop_client: Tab):
    page = signed_in.get("/")
    _has_page_headers(page)
    assert page.headers["Cache-Control"] == "no-store"
    refused = client_of(desktop_client.application, DESKTOP).get("/")
    assert refused.status_code == 401
    _has_page_headers(refused)
    _has_page_headers(desktop_client.get("/", headers={"Host": "evil.example"}))


def test_static_files_may_be_cached(open_client: Tab):
    r = open_client.get("/static/css/sheaf.css")
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in r.headers.get("Cache-Control", "")


def test_no_hsts_unless_asked_for(open_client: Tab):
    assert "Strict-Transport-Security" not in open_client.get("/", base_url="https://x").headers


@pytest.mark.parametrize(
    ("cookie_secure", "base", "sent"),
    [
        (False, "http://pdf.example.org", False),  # HSTS over plain http means nothing
        (False, "https://pdf.example.org", True),
        (True, "http://pdf.example.org", True),  # TLS ends at the proxy in front
    ],
)
def test_hsts_when_asked_for_and_on_https(tmp_path: Path, cookie_secure, base, sent):
    s = Settings(mode="server", hsts=True, cookie_secure=cookie_secure, temp_root=tmp_path)
    r = client_of(create_app(s), base).get("/")
    assert r.headers.get("Strict-Transport-Security") == ("max-age=31536000" if sent else None)
