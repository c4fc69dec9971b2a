"""The tables a server's workers share: bounded, the same in every forked process, and
not stalled by a process killed while it held a lock."""

from __future__ import annotations

import os
import signal

import pytest

from app import shared
from app.shared import TABLES, WAYS

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _in_child(work) -> int:
    """Run ``work()`` in a forked process; its exit status."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work()
            code = 0
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_what_one_process_writes_every_other_reads():
    memory = shared.shared()
    table = memory.table("addresses")

    def write() -> None:
        with table.lock():
            table.put("198.51.100.7", (3.0, 10.0, 20.0))

    assert _in_child(write) == 0
    with table.lock():
        assert table.get("198.51.100.7") == (3.0, 10.0, 20.0)
        assert table.get("198.51.100.8") is None
    # ... and a private table is private: a child's writes stay in the child.
    alone = shared.private().table("addresses")
    assert _in_child(lambda: alone.put("x", (1.0, 1.0, 1.0))) == 0
    assert alone.get("x") is None


def test_a_table_never_grows_and_the_least_worth_keeping_goes():
    spec = next(s for s in TABLES if s.name == "revoked")
    table = shared.private().table("revoked")
    with table.lock():
        for n in range(spec.sets * WAYS * 4):  # four times what fits
            table.put(f"session-{n}", (float(n),))
        kept = [n for n in range(spec.sets * WAYS * 4) if table.get(f"session-{n}") is not None]
    assert len(kept) <= spec.sets * WAYS
    # Each full set gave up its smallest value: the newest entries stay, the oldest went.
    newest = range(spec.sets * WAYS * 4 - 1000, spec.sets * WAYS * 4)
    assert set(newest) <= set(kept)
    assert not set(range(1000)) & set(kept)


def test_a_process_killed_while_holding_a_lock_stalls_nobody():
    memory = shared.shared()
    table = memory.table("revoked")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # takes the lock and dies holding it
        os.close(read)
        with table.lock():
            table.put("dying", (1.0,))
            os.write(write, b"x")
            signal.pause()
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"x"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read)

    def use() -> None:
        with table.lock():
            assert table.get("dying") == (1.0,)

    signal.alarm(10)  # a stalled lock fails the test instead of hanging the suite
    try:
        assert _in_child(use) == 0
        with table.lock():
            table.delete("dying")
            assert table.get("dying") is None
    finally:
        signal.alarm(0)


def test_the_lock_holds_across_processes():
    """Two processes adding to one entry under the lock lose no update."""
    table = shared.shared().table("server")
    with table.lock():
        table.put("", (0.0, 0.0))

    def add() -> None:
        for _ in range(5000):
            with table.lock():
                count, _ = table.get("")
                table.put("", (count + 1, 0.0))

    pids = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            try:
                add()
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    with table.lock():
        assert table.get("") == (10000.0, 0.0)
