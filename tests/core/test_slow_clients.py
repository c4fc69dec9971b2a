"""One host with thousands of slow connections does not stop the site for everyone else.

A real server with two workers on loopback. The flood comes from 127.0.0.2, the
person from 127.0.0.3 (all of 127.0.0.0/8 is this machine): the cap is per
client address. The deadlines are shortened with ``SHEAF_RECEIVE_TIMEOUT`` so
the test does not wait long for them.
"""

from __future__ import annotations

import contextlib
import errno
import resource
import selectors
import socket
import time
from collections.abc import Iterator

import pytest
import requests
from helpers.support import Sheaf, wait_until

FLOOD = 5000
PER_CLIENT = 32
SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]


@contextlib.contextmanager
def enough_file_descriptors(count: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 1000
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"needs {wanted} file descriptors; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _flood(port: int, count: int) -> list[socket.socket]:
    """``count`` connections from 127.0.0.2 that start a request and never finish it."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        s.bind(("127.0.0.2", 0))
        s.connect_ex(("127.0.0.1", port))
        sockets.append(s)
    selector = selectors.DefaultSelector()
    for s in sockets:
        selector.register(s, selectors.EVENT_WRITE)
    pending = set(sockets)
    deadline = time.monotonic() + 60
    while pending and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            s = key.fileobj
            selector.unregister(s)
            pending.discard(s)
            with contextlib.suppress(OSError):  # refused or reset: that is an answer too
                s.send(b"GET /login HTTP/1.1\r\nHost: sheaf\r\n")
    selector.close()
    return sockets


def _held(sockets: list[socket.socket]) -> int:
    """How many of ``sockets`` the server still holds open without answering."""
    held = 0
    for s in sockets:
        try:
            if s.recv(4096, socket.MSG_PEEK) == b"":
                continue  # closed by the server
        except BlockingIOError:
            held += 1
            continue
        except OSError as exc:
            if exc.errno == errno.ENOTCONN:
                held += 1  # still in the backlog
            continue
        # Data: the server answered (429 or 408) before closing.
    return held


def _fresh(port: int, source: str) -> bytes:
    """What a new connection from ``source`` gets for a complete request."""
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as s:
        s.sendall(b"GET /login HTTP/1.1\r\nHost: sheaf\r\nConnection: close\r\n\r\n")
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := s.recv(65536):
                data += chunk
        return data


def test_five_thousand_slow_connections_from_one_host_leave_the_site_answering_others():
    with enough_file_descriptors(FLOOD):
        sheaf = Sheaf.start(
            SERVER,
            data_dir=None,
            env={"SHEAF_WORKERS": "2", "SHEAF_PASSWORD": "a long and unusual pass phrase"},
        )
        flood: list[socket.socket] = []
        try:
            flood = _flood(sheaf.port, FLOOD)
            # Every connection over the cap was answered and closed, not left in the backlog.
            wait_until(lambda: _held(flood) <= 2 * PER_CLIENT, 60, "the flood to be refused")
            # The person, from another address, gets the sign-in page.
            page = requests.get(sheaf.base + "/login", timeout=10, headers={"Connection": "close"})
            person = _fresh(sheaf.port, "127.0.0.3")
            assert page.status_code == 200 and person.startswith(b"HTTP/1.1 200")
            # The flooding address gets a quick, plain refusal in both languages.
            refused = _fresh(sheaf.port, "127.0.0.2")
            assert refused.startswith(b"HTTP/1.1 429")
            assert "Too many connections" in refused.decode() and "连接太多" in refused.decode()
        finally:
            for s in flood:
                s.close()
            sheaf.stop()


@pytest.fixture
def impatient() -> Iterator[Sheaf]:
    sheaf = Sheaf.start(SERVER, data_dir=None, env={"SHEAF_RECEIVE_TIMEOUT": "2"})
    yield sheaf
    sheaf.stop()


def _trickle(port: int, head: bytes, piece: bytes, every: float) -> bytes:
    """Send ``head``, then ``piece`` every ``every`` seconds until the server answers or
    closes; what it answered. (The pace is the client's behaviour, not a wait for a result.)"""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                s.sendall(piece)
            except OSError:
                break
            readable, _, _ = selectors.select.select([s], [], [], every)
            if readable:
                break
        else:
            raise AssertionError("the server kept a slow client for 30 s")
        data = b""
        with contextlib.suppress(OSError):
            while chunk := s.recv(65536):
                data += chunk
        return data


def test_headers_that_trickle_in_are_cut_off(impatient: Sheaf):
    answer = _trickle(impatient.port, b"GET / HTTP/1.1\r\nHost: sheaf\r\n", b"X", 0.25)
    assert answer.startswith(b"HTTP/1.1 408")
    assert requests.get(impatient.base + "/healthz", timeout=10).ok  # others unaffected


def test_a_body_that_trickles_in_is_cut_off_but_a_slow_steady_upload_is_not(impatient: Sheaf):
    head = (
        b"POST /api/v1/rotate HTTP/1.1\r\nHost: sheaf\r\nContent-Length: 1000000\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
    )
    assert _trickle(impatient.port, head, b"-" * 20, 0.25).startswith(b"HTTP/1.1 408")
    # 12 KB in about 3 s: longer than the 2 s grace, but faster than 500 bytes a second.
    size = 12_000
    body = b'--x\r\nContent-Disposition: form-data; name="angle"\r\n\r\n90\r\n--x--\r\n'
    body += b" " * (size - len(body))
    steady = head.replace(b"1000000", str(size).encode())
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=10) as s:
        s.sendall(steady)
        for offset in range(0, size, 1000):
            s.sendall(body[offset : offset + 1000])
            time.sleep(0.25)  # the client's pace
        answer = s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400")  # read to the end and answered: no file sent
