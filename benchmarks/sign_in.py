"""Guessing and slow clients against a real server with a password and two workers.

1. Wrong passwords checked (401, not 429) in ``--seconds`` from one address, and
   from addresses rotating through 1,555 of 127.0.0.0/8 (standing in for an
   IPv6 /64 or a botnet); then whether the right password gets in, from a
   browser with a device cookie and from one without.
2. 5,000 slow connections from 127.0.0.2: how long the sign-in page takes for
   another address, and how long the flooding address waits for its answer.

Run it on this tree and on an older one to compare (the figures are counts,
not times, except the last two). Usage: ``uv run python benchmarks/sign_in.py``
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import socket
import time

import requests
from _common import first_200
from helpers.support import Sheaf, sign_in, status_from

PASSWORD = "a long and unusual pass phrase"
SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]
ADDRESSES = [f"127.{n // 250 + 1}.{n % 250 // 50}.{n % 50 + 2}" for n in range(1555)]


def guesses(port: int, seconds: float, rotate: bool) -> tuple[int, int]:
    """(checked, refused) wrong passwords in ``seconds``."""
    checked = refused = n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        source = ADDRESSES[n % len(ADDRESSES)] if rotate else "127.0.0.1"
        status = status_from(port, source, {"Authorization": "Bearer guess"})
        checked += status == 401
        refused += status == 429
        n += 1
    return checked, refused


def flood(sheaf: Sheaf, count: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1000)), hard))
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.setblocking(False)
            s.bind(("127.0.0.2", 0))
            s.connect_ex(("127.0.0.1", sheaf.port))
            sockets.append(s)
        time.sleep(2)  # let the connections land (the flood's pace, not a wait for a result)
        for s in sockets:
            with contextlib.suppress(OSError):  # refused at once: that is the point
                s.send(b"GET /login HTTP/1.1\r\nHost: sheaf\r\n")
        for label, source in (("another address", "127.0.0.3"), ("the flooding one", "127.0.0.2")):
            start = time.monotonic()
            try:
                with socket.create_connection(
                    ("127.0.0.1", sheaf.port), timeout=30, source_address=(source, 0)
                ) as c:
                    c.sendall(b"GET /login HTTP/1.1\r\nHost: sheaf\r\nConnection: close\r\n\r\n")
                    head = c.recv(64).split(b"\r\n")[0].decode() or "closed"
            except OSError as exc:
                head = type(exc).__name__
            took = time.monotonic() - start
            print(f"  {count} slow connections: {label} got {head!r} in {took * 1000:.0f} ms")
    finally:
        for s in sockets:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=20)
    args = p.parse_args()
    env = {"SHEAF_PASSWORD": PASSWORD, "SHEAF_WORKERS": "2", "SHEAF_LOG_LEVEL": "warning"}
    for rotate in (False, True):
        sheaf = Sheaf.start(SERVER, data_dir=None, env=env)
        try:
            first_200(sheaf.base + "/healthz", sheaf.proc)
            known = requests.Session()
            assert sign_in(sheaf, known, PASSWORD).status_code == 303
            known.cookies.pop("sheaf_session", None)  # signed out, device cookie kept
            checked, refused = guesses(sheaf.port, args.seconds, rotate)
            where = "1,555 rotating addresses" if rotate else "one address"
            print(
                f"wrong passwords from {where} in {args.seconds:.0f} s: {checked} checked"
                f" ({checked / args.seconds:.1f}/s), {refused} refused with 429"
            )
            again = sign_in(sheaf, known, PASSWORD).status_code
            new = sign_in(sheaf, requests.Session(), PASSWORD).status_code
            print(
                f"  then the right password: {again} from a browser that signed in before,"
                f" {new} from a new one"
            )
        finally:
            sheaf.stop()
    sheaf = Sheaf.start(SERVER, data_dir=None, env=env)
    try:
        first_200(sheaf.base + "/healthz", sheaf.proc)
        flood(sheaf, 5000)
    finally:
        sheaf.stop()


if __name__ == "__main__":
    main()
