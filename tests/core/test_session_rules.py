"""Changes need Sheaf's own page (CSRF), and server sessions end: in-process, one rule
each, sessions dated by a test clock (Settings.clock) instead of sleeps. (Who may ask
at all: test_security_rules.py; against real servers: test_auth.py, test_sign_in.py.)
"""

from __future__ import annotations

import pytest
from helpers.apps import (
    DESKTOP,
    PASSWORD,
    PORT,
    SESSION_IDLE,
    SESSION_MAX_AGE,
    TOKEN,
    Tab,
    client_of,
    page_csrf,
)
from helpers.support import Clock

from app import create_app
from app.settings import Settings

REFUSED = "This form has expired or came from another site. Please reload the page and try again."
LANGUAGE = {"lang": "zh_Hans", "next": "/"}


def _refused_as_csrf(r) -> None:
    assert r.status_code == 403
    assert "came from another site" in r.get_data(as_text=True)


def _language_set(r) -> None:
    assert r.status_code == 303
    assert "sheaf_lang=zh_Hans" in r.headers["Set-Cookie"]


# --- CSRF on the desktop -------------------------------------------------------------


@pytest.fixture
def token(signed_in: Tab) -> str:
    """The CSRF token the signed-in desktop page hands its forms."""
    found = page_csrf(signed_in.get("/").get_data(as_text=True))
    assert len(found) >= 32
    return found


def test_a_change_without_the_token_is_refused_with_its_reason(signed_in: Tab):
    _refused_as_csrf(signed_in.post("/language", data=LANGUAGE))
    api = signed_in.post("/language", data=LANGUAGE, headers={"Accept": "application/json"})
    assert api.status_code == 403
    assert api.json == {"error": "csrf_failed", "message": REFUSED}


def test_a_change_with_a_wrong_token_is_refused(signed_in: Tab, token: str):
    _refused_as_csrf(signed_in.post("/language", data={**LANGUAGE, "csrf_token": "x" * 43}))
    _refused_as_csrf(signed_in.post("/language", data=LANGUAGE, headers={"X-CSRF-Token": "x"}))


def test_the_token_from_the_page_is_accepted_in_the_form_or_the_header(signed_in, token):
    _language_set(signed_in.post("/language", data={**LANGUAGE, "csrf_token": token}))
    _language_set(signed_in.post("/language", data=LANGUAGE, headers={"X-CSRF-Token": token}))


def test_pages_side_by_side_get_the_same_token(signed_in: Tab, token: str):
    assert page_csrf(signed_in.get("/tools").get_data(as_text=True)) == token


def test_a_page_for_someone_not_signed_in_hands_out_no_token(desktop_client: Tab):
    r = desktop_client.get("/")
    assert r.status_code == 401
    assert page_csrf(r.get_data(as_text=True)) == ""


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Sec-Fetch-Site": "same-origin"}, True),
        ({"Sec-Fetch-Site": "none"}, True),  # typed or bookmarked by the person
        ({"Sec-Fetch-Site": "same-site"}, False),  # another port of 127.0.0.1
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({"Origin": DESKTOP}, True),
        ({"Origin": "null"}, True),  # our own form under no-referrer: the token decides
        ({"Origin": f"http://127.0.0.1:{PORT + 1}"}, False),
        ({"Origin": f"http://localhost:{PORT}"}, False),  # another name is another origin
        ({"Referer": f"{DESKTOP}/tools"}, True),
        ({"Referer": "http://evil.example/"}, False),
        # The browser's own word beats what a page could put in Origin.
        ({"Sec-Fetch-Site": "cross-site", "Origin": DESKTOP}, False),
    ],
)
def test_where_a_change_comes_from(signed_in: Tab, token: str, headers, allowed: bool):
    r = signed_in.post("/language", data={**LANGUAGE, "csrf_token": token}, headers=headers)
    (_language_set if allowed else _refused_as_csrf)(r)


def test_a_planted_csrf_cookie_is_not_enough_when_signed_in(signed_in: Tab):
    planted = "p" * 43
    signed_in.set_cookie(f"sheaf_csrf_{PORT}", planted, domain="127.0.0.1")
    _refused_as_csrf(signed_in.post("/language", data={**LANGUAGE, "csrf_token": planted}))


def test_bearer_requests_are_exempt_since_browsers_never_add_them(desktop_client: Tab):
    r = desktop_client.post(
        "/language",
        data=LANGUAGE,
        headers={"Authorization": f"Bearer {TOKEN}", "Sec-Fetch-Site": "cross-site"},
    )
    _language_set(r)


def test_reading_is_never_refused_as_cross_site(signed_in: Tab):
    assert signed_in.get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


# --- CSRF on an open server and the sign-in form (double submit) ---------------------


def test_an_open_server_lets_scripts_change_things(open_client: Tab):
    _language_set(open_client.post("/language", data=LANGUAGE))


def test_an_open_server_refuses_a_browser_without_the_token(open_client: Tab):
    _refused_as_csrf(
        open_client.post("/language", data=LANGUAGE, headers={"Origin": "http://evil.example"})
    )
    _refused_as_csrf(
        open_client.post("/language", data=LANGUAGE, headers={"Origin": "http://localhost"})
    )


def test_an_open_server_takes_the_token_its_page_set_in_a_cookie(open_client: Tab):
    page = open_client.get("/")
    assert "sheaf_csrf=" in page.headers["Set-Cookie"]
    token = page_csrf(page.get_data(as_text=True))
    headers = {"Origin": "http://localhost"}
    other = {**LANGUAGE, "csrf_token": "o" * 43}
    _refused_as_csrf(open_client.post("/language", data=other, headers=headers))
    _language_set(
        open_client.post("/language", data={**LANGUAGE, "csrf_token": token}, headers=headers)
    )


def test_an_open_server_trusts_the_browser_saying_same_origin(open_client: Tab):
    open_client.set_cookie("sheaf_csrf", "c" * 43)
    _language_set(
        open_client.post("/language", data=LANGUAGE, headers={"Sec-Fetch-Site": "same-origin"})
    )


def test_a_short_planted_cookie_is_no_double_submit(open_client: Tab):
    open_client.set_cookie("sheaf_csrf", "short")
    form = {**LANGUAGE, "csrf_token": "short"}
    _refused_as_csrf(
        open_client.post("/language", data=form, headers={"Origin": "http://localhost"})
    )


def _sign_in(client: Tab) -> None:
    token = page_csrf(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"password": PASSWORD, "csrf_token": token, "next": "/tools"})
    assert r.status_code == 303 and r.headers["Location"] == "/tools"
    assert "sheaf_session=" in r.headers["Set-Cookie"]


def test_the_sign_in_form_needs_its_token_before_the_password_is_looked_at(password_client):
    r = password_client.post("/login", data={"password": PASSWORD})
    _refused_as_csrf(r)
    assert password_client.get_cookie("sheaf_session") is None
    _sign_in(password_client)


def test_after_signing_in_the_token_is_the_sessions_not_the_sign_in_pages(password_client):
    before = page_csrf(password_client.get("/login").get_data(as_text=True))
    _sign_in(password_client)
    after = page_csrf(password_client.get("/").get_data(as_text=True))
    assert after != before
    _refused_as_csrf(password_client.post("/language", data={**LANGUAGE, "csrf_token": before}))
    _language_set(password_client.post("/language", data={**LANGUAGE, "csrf_token": after}))


# --- Server sessions: idle and absolute limits, sign-out, the password as key ---------


def _session(client: Tab) -> str:
    return client.get_cookie("sheaf_session").value


def _refused_session(client: Tab) -> None:
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/"
    api = client.get("/", headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.json["message"] == "Please sign in to use Sheaf."


def test_a_session_unused_for_longer_than_the_idle_limit_ends(password_client, clock: Clock):
    _sign_in(password_client)
    clock.now += SESSION_IDLE + 1
    _refused_session(password_client)


def test_using_a_session_renews_it_past_the_idle_limit(password_client, clock: Clock):
    _sign_in(password_client)
    first = _session(password_client)
    clock.now += 100
    early = password_client.get("/")
    assert early.status_code == 200 and "Set-Cookie" not in early.headers  # too soon to renew
    clock.now += SESSION_IDLE - 101  # 599 s after sign-in: alive, and renewed
    renewed = password_client.get("/")
    assert renewed.status_code == 200 and "sheaf_session=" in renewed.headers["Set-Cookie"]
    assert _session(password_client) != first
    clock.now += SESSION_IDLE - 1  # the first cookie is long dead, the renewed one is not
    assert password_client.get("/").status_code == 200
    password_client.set_cookie("sheaf_session", first)
    _refused_session(password_client)


def test_every_session_ends_at_the_absolute_limit_however_much_it_is_used(
    password_client, clock: Clock
):
    _sign_in(password_client)
    start = clock.now
    while clock.now + 500 < start + SESSION_MAX_AGE:
        clock.now += 500
        assert password_client.get("/").status_code == 200
    clock.now = start + SESSION_MAX_AGE + 1  # 101 s after the last renewal
    _refused_session(password_client)


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(password_client):
    _sign_in(password_client)
    copy = _session(password_client)
    token = page_csrf(password_client.get("/").get_data(as_text=True))
    out = password_client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"] == "/login"
    assert password_client.get_cookie("sheaf_session") is None
    password_client.set_cookie("sheaf_session", copy)
    _refused_session(password_client)


def test_a_forged_session_cookie_is_refused(password_client):
    password_client.set_cookie("sheaf_session", "forged.1000000.abc")
    _refused_session(password_client)


def _server(tmp_path, clock: Clock, password: str) -> Tab:
    s = Settings(mode="server", password=password, temp_root=tmp_path, clock=clock)
    return client_of(create_app(s))


def test_a_replica_with_the_password_honours_the_session_and_a_new_password_ends_it(
    password_client, tmp_path, clock: Clock
):
    _sign_in(password_client)
    cookie = _session(password_client)
    replica = _server(tmp_path, clock, PASSWORD)
    replica.set_cookie("sheaf_session", cookie)
    assert replica.get("/").status_code == 200
    changed = _server(tmp_path, clock, "a new password entirely")
    changed.set_cookie("sheaf_session", cookie)
    _refused_session(changed)


def test_desktop_cookies_name_their_port_and_are_no_server_session(signed_in: Tab, tmp_path):
    assert signed_in.get_cookie(f"sheaf_session_{PORT}", domain="127.0.0.1") is not None
    value = signed_in.get_cookie(f"sheaf_session_{PORT}", domain="127.0.0.1").value
    server = _server(tmp_path, Clock(), TOKEN)  # even a server whose password is the token
    server.set_cookie("sheaf_session", value)
    _refused_session(server)
