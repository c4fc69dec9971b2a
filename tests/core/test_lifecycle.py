"""The desktop process: one instance per data folder, quitting, signals, idle, no console."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import requests
from helpers.support import LAUNCHER, REPO, Sheaf, base_env, browser_env, wait_until


def _record(data_root: Path) -> dict:
    return json.loads((data_root / "data" / "instance.json").read_text())


def test_record_is_private_and_removed_on_quit(desktop: Sheaf):
    root = desktop.data_dir
    path = root / "data" / "instance.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _record(root)["pid"] == desktop.proc.pid
    s = desktop.session()
    token = desktop.csrf(s)
    r = s.post(
        desktop.base + "/quit",
        data={"csrf_token": token},
        headers={"Origin": desktop.base},
        timeout=10,
    )
    assert r.status_code == 200
    assert "Sheaf has stopped" in r.text
    assert desktop.wait_exit(20) == 0
    assert not path.exists()


def test_quit_needs_csrf(desktop: Sheaf):
    s = desktop.session()
    r = s.post(desktop.base + "/quit", headers={"Origin": desktop.base}, timeout=10)
    assert r.status_code == 403
    assert desktop.proc.poll() is None


def test_second_launch_reuses_the_first_and_opens_the_browser(tmp_path: Path):
    root = tmp_path / "root"
    log = tmp_path / "browser.log"
    first = Sheaf.start(data_dir=root)
    try:
        second = subprocess.run(
            [sys.executable, str(LAUNCHER), "--data-dir", str(root)],
            env=base_env(browser_env(log)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert f"Sheaf is already running at {first.url}" in second.stdout
        opened = log.read_text().split()
        assert len(opened) == 1
        # The token travels in a private file, never on a command line.
        assert opened[0].startswith("file://")
        assert first.token not in opened[0]
        page = Path(opened[0].removeprefix("file://"))
        assert stat.S_IMODE(page.stat().st_mode) == 0o600
        assert first.url in page.read_text()
        assert first.proc.poll() is None
    finally:
        assert first.stop() == 0


def test_first_launch_opens_the_browser_on_the_token_url(tmp_path: Path):
    log = tmp_path / "browser.log"
    sheaf = Sheaf.start(data_dir=tmp_path / "root", env=browser_env(log), browser=True)
    try:
        opened = wait_until(lambda: log.exists() and log.read_text().split(), 30, "the browser")
        target = Path(opened[0].removeprefix("file://")).read_text()
        assert sheaf.url in target
    finally:
        sheaf.stop()


def test_two_simultaneous_launches_give_one_server(tmp_path: Path):
    root = tmp_path / "root"
    cmd = [sys.executable, str(LAUNCHER), "--no-browser", "--data-dir", str(root)]
    procs = [
        subprocess.Popen(
            cmd, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    try:
        # Exactly one exits 0 after finding the other; the other keeps serving.
        exited = wait_until(
            lambda: [p for p in procs if p.poll() is not None], 60, "one launch to step aside"
        )
        assert len(exited) == 1
        loser = exited[0]
        winner = next(p for p in procs if p is not loser)
        out = loser.stdout.read()
        assert loser.returncode == 0, out
        url = re.search(r"already running at (\S+)", out).group(1)
        assert _record(root)["pid"] == winner.pid
        assert requests.get(url, timeout=10).status_code == 200
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                assert p.wait(20) == 0


def test_stale_record_after_kill_9_is_taken_over(tmp_path: Path):
    root = tmp_path / "root"
    first = Sheaf.start(data_dir=root)
    first.stop(signal.SIGKILL)
    assert _record(root)["pid"] == first.proc.pid  # left behind
    second = Sheaf.start(data_dir=root)
    try:
        assert "already running" not in second.output()
        assert _record(root)["pid"] == second.proc.pid
        assert second.session().get(second.base + "/", timeout=10).status_code == 200
    finally:
        assert second.stop() == 0


def test_preferred_port_is_used_or_another_found(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        sheaf = Sheaf.start(["--port", str(taken)], data_dir=tmp_path / "a")
        try:
            assert sheaf.port != taken
            assert requests.get(sheaf.base + "/healthz", timeout=10).ok
        finally:
            sheaf.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    sheaf = Sheaf.start(["--port", str(free)], data_dir=tmp_path / "b")
    try:
        assert sheaf.port == free
    finally:
        sheaf.stop()


def _start_slow_request(sheaf: Sheaf, session: requests.Session) -> tuple[socket.socket, bytes]:
    """Send headers and half the body of a POST, so a request is in flight."""
    token = sheaf.csrf(session)
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    body = f"page=p1&event=beat&csrf_token={token}".encode()
    head = (
        f"POST /presence HTTP/1.1\r\nHost: 127.0.0.1:{sheaf.port}\r\n"
        f"Origin: {sheaf.base}\r\nCookie: {cookies}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    conn = socket.create_connection(("127.0.0.1", sheaf.port), timeout=20)
    # A full request first proves the server has accepted this connection.
    conn.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{sheaf.port}\r\n\r\n".encode())
    first = b""
    while not first.endswith(b"}\n"):
        first += conn.recv(65536)
    assert first.startswith(b"HTTP/1.1 200")
    half = len(body) // 2
    conn.sendall(head + body[:half])
    return conn, body[half:]


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return True
    return False


def test_sigterm_lets_the_request_in_flight_finish(desktop: Sheaf):
    conn, rest = _start_slow_request(desktop, desktop.session())
    desktop.proc.send_signal(signal.SIGTERM)
    # New connections are refused at once; the one in flight still gets its answer.
    wait_until(lambda: _refuses_connections(desktop.port), 20, "the listener to close")
    conn.sendall(rest)
    reply = b""
    while chunk := conn.recv(65536):  # the server closes the connection after answering
        reply += chunk
    conn.close()
    assert reply.startswith(b"HTTP/1.1 204"), reply[:200]
    assert desktop.wait_exit(20) == 0
    assert not (desktop.data_dir / "data" / "instance.json").exists()


def test_sigint_stops_gracefully(desktop: Sheaf):
    assert desktop.stop(signal.SIGINT) == 0


def _presence(sheaf: Sheaf, s: requests.Session, token: str, page: str, event: str) -> None:
    r = s.post(
        sheaf.base + "/presence",
        data={"page": page, "event": event, "csrf_token": token},
        headers={"Origin": sheaf.base},
        timeout=10,
    )
    assert r.status_code == 204


def test_idle_shutdown_after_the_last_tab_closes(tmp_path: Path):
    sheaf = Sheaf.start(["--idle-timeout", "1"], data_dir=tmp_path / "root")
    try:
        s = sheaf.session()
        token = sheaf.csrf(s)
        _presence(sheaf, s, token, "tab-1", "hello")
        _presence(sheaf, s, token, "tab-2", "hello")
        _presence(sheaf, s, token, "tab-1", "bye")
        # A tab is still open: Sheaf stays, however long we look.
        sheaf.stays_running(3)
        _presence(sheaf, s, token, "tab-2", "bye")
        assert sheaf.wait_exit(30) == 0
        assert "quitting" in (sheaf.data_dir / "logs" / "sheaf.log").read_text()
    finally:
        sheaf.stop()


def test_idle_timeout_zero_never_quits(tmp_path: Path):
    sheaf = Sheaf.start(["--idle-timeout", "0"], data_dir=tmp_path / "root")
    try:
        s = sheaf.session()
        token = sheaf.csrf(s)
        _presence(sheaf, s, token, "tab", "hello")
        _presence(sheaf, s, token, "tab", "bye")
        sheaf.stays_running(3)
    finally:
        assert sheaf.stop() == 0


def _close_std_streams() -> None:
    os.close(1)
    os.close(2)


def test_runs_without_stdout_and_stderr(tmp_path: Path):
    """A windowed build has no console: Sheaf must serve and log to its file."""
    root = tmp_path / "root"
    proc = subprocess.Popen(
        [sys.executable, str(LAUNCHER), "--no-browser", "--data-dir", str(root)],
        cwd=REPO,
        env=base_env(),
        stdin=subprocess.DEVNULL,
        preexec_fn=_close_std_streams,
    )
    try:
        record = wait_until(
            lambda: (root / "data" / "instance.json").exists() and _record(root), 60, "record"
        )
        bearer = {"Authorization": f"Bearer {record['token']}"}
        r = requests.get(record["url"] + "/", headers=bearer, timeout=10)
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
        log = (root / "logs" / "sheaf.log").read_text()
        assert "started on" in log and "stopped" in log
    finally:
        if proc.poll() is None:
            proc.kill()


def test_unwritable_data_dir_gives_one_clear_line(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    result = subprocess.run(
        [sys.executable, str(LAUNCHER), "--no-browser", "--data-dir", str(blocker)],
        env=base_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Sheaf cannot write to its folder")
    assert blocker.read_text().startswith("a file")


def test_version_and_help():
    version = subprocess.run(
        [sys.executable, str(LAUNCHER), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0
    assert re.fullmatch(r"Sheaf \d+\.\d+\.\d+\S*\n", version.stdout)
    helptext = subprocess.run(
        [sys.executable, str(LAUNCHER), "--help"], capture_output=True, text=True, timeout=60
    )
    assert helptext.returncode == 0
    for flag in ("--server", "--port", "--no-browser", "--data-dir", "--idle-timeout"):
        assert flag in helptext.stdout


def test_bad_arguments_exit_2_without_traceback():
    r = subprocess.run(
        [sys.executable, str(LAUNCHER), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "--server" in r.stderr
    assert "Traceback" not in r.stderr
