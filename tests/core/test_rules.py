"""Pure rules with no process around them: option parsing and page presence."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.support import Clock

from app.desktop.presence import Presence
from app.runtime.cli import UsageError, parse


def test_presence_counts_pages_and_expires_silent_ones():
    clock = Clock()
    p = Presence(stale_after=150, clock=clock)
    assert p.live_pages() == 0 and not p.ever_seen
    p.beat("a")
    p.beat("b")
    assert p.idle_for() is None
    p.leave("a")
    assert p.idle_for() is None  # b still open
    clock.now += 149
    assert p.live_pages() == 1
    clock.now += 2  # b went silent (a background tab frozen or closed without a beacon)
    assert p.live_pages() == 0
    assert p.idle_for() == pytest.approx(1)


def test_presence_reload_is_leave_then_hello():
    clock = Clock()
    p = Presence(clock=clock)
    p.beat("old")
    clock.now += 5
    p.leave("old")
    clock.now += 0.2
    assert p.idle_for() == pytest.approx(0.2)
    p.beat("new")
    assert p.idle_for() is None


def test_server_port_from_environment():
    assert parse(["--server"], {}).port == 8080
    assert parse(["--server"], {"PORT": "9000"}).port == 9000
    assert parse(["--server"], {"PORT": "9000", "SHEAF_PORT": "9100"}).port == 9100
    assert parse(["--server", "--port", "7000"], {"PORT": "9000"}).port == 7000
    with pytest.raises(UsageError, match="PORT must be a number"):
        parse(["--server"], {"PORT": "eighty"})
    # Kubernetes' service link for a Service named "sheaf" is not a port: ignored, said.
    injected = parse(["--server"], {"SHEAF_PORT": "tcp://10.96.0.12:80", "PORT": "8080"})
    assert injected.port == 8080
    assert "SHEAF_PORT" in injected.warnings[0] and "enableServiceLinks" in injected.warnings[0]


def test_desktop_defaults():
    o = parse([], {})
    assert o.host == "127.0.0.1" and o.port is None and o.open_browser and not o.server
    assert o.idle_timeout == 60
    assert parse(["--no-browser", "--idle-timeout", "0"], {}).idle_timeout == 0
    with pytest.raises(UsageError):
        parse(["--host", "0.0.0.0"], {})


def test_password_file_wins_and_must_not_be_empty(tmp_path: Path):
    f = tmp_path / "pw"
    f.write_text("  s3cret\n")
    o = parse(["--server"], {"SHEAF_PASSWORD": "other", "SHEAF_PASSWORD_FILE": str(f)})
    assert o.password == "s3cret"
    f.write_text("\n")
    with pytest.raises(UsageError, match="is empty"):
        parse(["--server"], {"SHEAF_PASSWORD_FILE": str(f)})
    with pytest.raises(UsageError, match="cannot read"):
        parse(["--server"], {"SHEAF_PASSWORD_FILE": str(tmp_path / "missing")})


def test_allowed_hosts_and_proxy_settings():
    o = parse(
        ["--server"],
        {
            "SHEAF_ALLOWED_HOSTS": "PDF.example.org, intranet",
            "SHEAF_TRUSTED_PROXY": "10.0.0.1",
            "SHEAF_TRUSTED_PROXY_HEADERS": "x-forwarded-for,x-forwarded-proto",
        },
    )
    assert o.allowed_hosts == ("pdf.example.org", "intranet")
    assert o.trusted_proxy == "10.0.0.1"
    assert o.trusted_proxy_headers == ("x-forwarded-for", "x-forwarded-proto")
    assert parse(["--server"], {}).allowed_hosts == ("*",)


def test_starting_sheaf_loads_no_pdf_or_font_library():
    """Start-up time is the desktop's first impression: pikepdf, pypdfium2, Pillow and
    fontTools load on first use, inside app.pdf, not when the app is built."""
    import subprocess
    import sys

    code = (
        "import sys; from app import create_app; create_app(); "
        "print(sorted(m for m in ('pikepdf', 'pypdfium2', 'PIL', 'fontTools') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_option_is_in_the_readme():
    """The option table is the one declaration; the README must name each flag or
    environment variable it declares (a new option without documentation fails here)."""
    from app.runtime.options import OPTIONS

    readme = (Path(__file__).resolve().parents[2] / "README.rst").read_text(encoding="utf-8")
    missing = [
        o.flag or o.environment
        for o in OPTIONS
        if not any(f"``{name}" in readme for name in (o.flag, *o.env) if name)
    ]
    assert missing == []


def test_a_flag_wins_over_the_environment_which_wins_over_the_default():
    assert parse([], {}).log_level == "info"
    assert parse([], {"SHEAF_LOG_LEVEL": "debug"}).log_level == "debug"
    assert parse(["--log-level", "error"], {"SHEAF_LOG_LEVEL": "debug"}).log_level == "error"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SHEAF_MAX_PAGES", "0"),
        ("SHEAF_MAX_FILES", "0"),
        ("SHEAF_THREADS", "0"),
        ("SHEAF_RECEIVE_TIMEOUT", "0"),
        ("SHEAF_MAX_UPLOAD_MB", "-5"),
        ("SHEAF_LOG_FORMAT", "xml"),
    ],
)
def test_a_value_out_of_bounds_is_refused_not_replaced(name, value):
    with pytest.raises(UsageError, match=name):
        parse(["--server"], {name: value})
