"""Starting the real launcher in a subprocess, for every test that needs a server.

``Sheaf.start(...)`` runs ``launcher.py`` exactly as a person would (desktop)
or as Docker would (``--server``), with a temporary data folder, and reads
the ``Sheaf is running at <URL>`` line from its stdout with a deadline.
Nothing here sleeps its way to green: every wait polls until a deadline.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "launcher.py"
RECORD_BROWSER = Path(__file__).resolve().parent / "record_browser.py"
URL_LINE = re.compile(r"Sheaf is (?:already )?running at (\S+)")
START_DEADLINE = 60.0


def samples_dir() -> Path:
    """The shared real-world PDFs (read-only): ``<repo>/../shared/pdf-samples``."""
    env = os.environ.get("SHEAF_PDF_SAMPLES")
    return Path(env) if env else REPO.parent / "shared" / "pdf-samples"


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> object:
    """Poll ``predicate`` until it returns something truthy, or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEAF_")}
    env.pop("PORT", None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def browser_env(log: Path, home: Path | None = None) -> dict[str, str]:
    """Make ``webbrowser`` run a script that records the URL it was asked to open.

    ``HOME`` is the log's folder unless given: a data folder beside the log is then a
    visible part of the home folder, where even a sandboxed browser reads Sheaf's
    redirect file (app.runtime.browser)."""
    return {
        "BROWSER": f"{sys.executable} {RECORD_BROWSER} %s",
        "SHEAF_TEST_BROWSER_LOG": str(log),
        "HOME": str(home or log.parent),
    }


@dataclass
class Sheaf:
    """A running launcher process and what it printed."""

    proc: subprocess.Popen
    url: str  # as printed: with ?token= in desktop mode
    data_dir: Path | None
    lines: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    @property
    def token(self) -> str | None:
        return parse_qs(urlsplit(self.url).query).get("token", [None])[0]

    @classmethod
    def start(
        cls,
        args: Sequence[str] = (),
        *,
        data_dir: Path | None,
        env: dict[str, str] | None = None,
        browser: bool = False,
        command: Sequence[str] | None = None,
    ) -> Sheaf:
        cmd = list(command or [sys.executable, str(LAUNCHER)])
        if data_dir is not None:
            cmd += ["--data-dir", str(data_dir)]
        if not browser and "--server" not in args:
            cmd.append("--no-browser")
        cmd += list(args)
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=base_env(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        return cls.follow(proc, data_dir)

    @classmethod
    def follow(
        cls, proc: subprocess.Popen, data_dir: Path | None, deadline: float = START_DEADLINE
    ) -> Sheaf:
        """Read a started Sheaf's output (text) until it prints its URL line."""
        lines: list[str] = []
        found: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                match = URL_LINE.search(line)
                if match:
                    found.put(match.group(1))
            found.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            url = found.get(timeout=deadline)
        except queue.Empty:
            proc.kill()
            raise AssertionError("Sheaf printed no URL line:\n" + "\n".join(lines)) from None
        if url is None:
            proc.wait(timeout=10)
            raise AssertionError(
                f"Sheaf exited with {proc.returncode} before serving:\n" + "\n".join(lines)
            )
        return cls(proc=proc, url=url, data_dir=data_dir, lines=lines, _reader=reader)

    def session(self) -> requests.Session:
        """A logged-in browser-like session: token exchanged for the cookie (desktop)."""
        s = requests.Session()
        if self.token:
            r = s.get(self.url, timeout=10)
            r.raise_for_status()
        return s

    def csrf(self, session: requests.Session) -> str:
        """Load the home page and return the CSRF token it carries."""
        r = session.get(self.base + "/", timeout=10)
        r.raise_for_status()
        match = re.search(r'name="csrf-token" content="([^"]+)"', r.text)
        assert match, "no CSRF token on the home page"
        return match.group(1)

    def bearer(self) -> dict[str, str]:
        assert self.token
        return {"Authorization": f"Bearer {self.token}"}

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self._reader:
                self._reader.join(timeout=5)

    def stays_running(self, seconds: float) -> None:
        """Assert the process keeps running for ``seconds``: the one place where a test
        must watch the clock, because it checks that something does *not* happen."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            time.sleep(0.2)

    def wait_exit(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def output(self) -> str:
        return "\n".join(self.lines)


def served_by(sheaf: Sheaf, path: str, count: int) -> list[int]:
    """The pids of the workers that answered the last ``count`` requests for ``path``
    (from the access log of a server started with ``SHEAF_LOG_FORMAT=json``)."""
    import json

    def found() -> list[int] | None:
        entries = [json.loads(x) for x in list(sheaf.lines) if x.startswith("{")]
        pids = [e["pid"] for e in entries if e.get("path") == path]
        return pids[-count:] if len(pids) >= count else None

    return wait_until(found, 10, f"{count} access log lines for {path}")  # type: ignore[return-value]


def sign_in(sheaf: Sheaf, session: requests.Session, password: str) -> requests.Response:
    """Sign in through the server's sign-in page, as a browser does (its CSRF token)."""
    page = session.get(sheaf.base + "/login", timeout=10)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    return session.post(
        sheaf.base + "/login",
        data={"password": password, "csrf_token": token.group(1)},
        headers={"Origin": sheaf.base},
        allow_redirects=False,
        timeout=10,
    )


def status_from(port: int, source: str, headers: dict[str, str], path: str = "/") -> int:
    """The status of a GET on a new connection from ``source`` (any 127.x.y.z is this
    machine: a client address of the test's choosing)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def on_both_workers(
    sheaf: Sheaf, path: str, headers: dict[str, str], source: str = "127.0.0.1"
) -> list[int]:
    """Statuses of GET requests for ``path`` made in pairs, the two of a pair on
    connections open at the same time, until both workers have answered some (for up
    to 30 s: a worker may still be starting; the server must log JSON). The least busy
    worker takes each new connection, so while one holds the first the other takes the
    second; one after another, a single worker may take them all."""
    import http.client
    import time

    statuses: list[int] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        held = []
        try:
            for _ in range(2):
                conn = http.client.HTTPConnection(
                    "127.0.0.1", sheaf.port, timeout=10, source_address=(source, 0)
                )
                held.append(conn)
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                statuses.append(resp.status)
        finally:
            for conn in held:
                conn.close()
        if len(set(served_by(sheaf, path, len(statuses)))) == 2:
            return statuses
    raise AssertionError(f"one worker answered all {len(statuses)} requests for {path}")


def scratch_entries(temp_root: Path) -> list[Path]:
    """What requests left in the scratch folders below ``temp_root`` (Sheaf's own
    lock file aside)."""
    return [
        entry
        for folder in temp_root.glob("sheaf-scratch-*")
        for entry in folder.iterdir()
        if entry.name != "instance.lock"
    ]


def free_port() -> int:
    """A loopback port nobody listens on right now (for a second port, like health)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clock:
    """A clock for rules that take one: it says ``now`` until a test moves it."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
