"""Server mode on every core: worker processes share one listening socket and stop together."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
from pathlib import Path

import pikepdf
import pytest
import requests
from helpers.hostile_inputs import blank_pages
from helpers.support import Sheaf, free_port, wait_until

from app.runtime.server_mode import available_cpus, can_share_port
from app.runtime.supervisor import CRASH_WINDOW

pytestmark = pytest.mark.skipif(not can_share_port(), reason="needs fork")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_workers_share_the_port_and_stop_together_on_sigterm(tmp_path: Path):
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={"SHEAF_WORKERS": "3", "TMPDIR": str(tmp_path)},
    )
    try:
        assert "3 workers" in sheaf.output()
        workers = wait_until(lambda: len(_children(sheaf.proc.pid)) == 3, 30, "three workers")
        assert workers
        pids = _children(sheaf.proc.pid)
        # Every worker has its own scratch folder; all of them answer on one port.
        wait_until(lambda: len(list(tmp_path.glob("sheaf-scratch-*"))) == 3, 30, "scratch")
        for _ in range(30):
            assert requests.get(sheaf.base + "/healthz", timeout=10).status_code == 200
        pdf = pikepdf.new()
        for _ in range(400):
            pdf.add_blank_page()
        data = io.BytesIO()
        pdf.save(data)
        answers: list[int] = []

        def rotate() -> None:
            r = requests.post(
                sheaf.base + "/api/v1/rotate",
                files=[("file", ("a.pdf", io.BytesIO(data.getvalue()), "application/pdf"))],
                timeout=60,
            )
            answers.append(r.status_code)

        jobs = [threading.Thread(target=rotate) for _ in range(6)]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(60)
        assert answers == [200] * 6
        assert sheaf.stop(signal.SIGTERM) == 0
        for pid in pids:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)
        assert list(tmp_path.iterdir()) == []
    finally:
        sheaf.stop()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_a_worker_that_dies_is_replaced(tmp_path: Path):
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={"SHEAF_WORKERS": "2"},
    )
    try:
        wait_until(lambda: len(_children(sheaf.proc.pid)) == 2, 30, "two workers")
        first = _children(sheaf.proc.pid)[0]
        # Past the crash window, a worker that dies was unlucky, not broken: replaced.
        wait_until(lambda: _age(first) > CRASH_WINDOW, CRASH_WINDOW + 10, "the crash window")
        os.kill(first, signal.SIGKILL)
        wait_until(
            lambda: len(_children(sheaf.proc.pid)) == 2 and first not in _children(sheaf.proc.pid),
            30,
            "a new worker",
        )
        assert requests.get(sheaf.base + "/healthz", timeout=10).status_code == 200
    finally:
        sheaf.stop()


def _age(pid: int) -> float:
    ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def test_cpu_count_is_at_least_one():
    assert available_cpus() >= 1


def test_long_jobs_spread_over_the_workers(tmp_path: Path):
    """The least busy worker accepts: four long jobs at once run two per worker."""
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={"SHEAF_WORKERS": "2", "SHEAF_LOG_FORMAT": "json"},
    )
    try:
        data = io.BytesIO(blank_pages(1500, (200, 200)))
        barrier = threading.Barrier(4)

        def thumbnails() -> None:
            barrier.wait()
            requests.post(
                sheaf.base + "/api/v1/thumbnails",
                files=[("file", ("long.pdf", io.BytesIO(data.getvalue()), "application/pdf"))],
                data={"width": "40"},
                timeout=120,
            ).raise_for_status()

        jobs = [threading.Thread(target=thumbnails) for _ in range(4)]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(120)

        def served_by() -> list[int] | None:
            entries = [json.loads(x) for x in sheaf.lines if x.startswith("{")]
            pids = [e["pid"] for e in entries if e.get("path") == "/api/v1/thumbnails"]
            return pids if len(pids) == 4 else None

        pids = wait_until(served_by, 10, "four access log lines")
        assert sorted(pids.count(p) for p in set(pids)) == [2, 2]
    finally:
        sheaf.stop()


STARTER = """
import sys
from pathlib import Path
from flask import Flask
from app.api import workspace
from app.settings import Settings
from app.web import State
app = Flask("starter")
app.extensions["sheaf"] = State(Settings(temp_root=Path(sys.argv[1])))
print("ready", flush=True)
sys.stdin.readline()  # all start at the same moment
workspace.init_app(app)
print(app.extensions["sheaf"].scratch, flush=True)
sys.stdin.read()  # stay alive, folder locked, until the test is done
"""


def test_workers_starting_together_keep_their_own_scratch_folders(tmp_path: Path):
    """Each start cleans folders of dead processes; a sibling's new folder is not one."""
    import subprocess
    import sys

    starters = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[2],
        )
        for _ in range(12)
    ]
    try:
        assert [p.stdout.readline().strip() for p in starters] == ["ready"] * 12
        for p in starters:
            p.stdin.write("go\n")
        for p in starters:
            p.stdin.flush()
        folders = [Path(p.stdout.readline().strip()) for p in starters]
        assert len(set(folders)) == 12
        assert all(folder.is_dir() for folder in folders)
    finally:
        for p in starters:
            p.communicate("", timeout=30)
    assert not list(tmp_path.glob("sheaf-scratch-*/req-*"))


def _pids(sheaf: Sheaf, path: str) -> list[int]:
    entries = [json.loads(x) for x in list(sheaf.lines) if x.startswith("{")]
    return [e["pid"] for e in entries if e.get("path") == path]


def test_a_worker_past_its_request_limit_is_replaced_without_dropping_a_request(tmp_path: Path):
    health = free_port()
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={
            "SHEAF_WORKERS": "2",
            "SHEAF_WORKER_MAX_REQUESTS": "10",
            "SHEAF_LOG_FORMAT": "json",
            "SHEAF_METRICS": "1",
            "SHEAF_HEALTH_PORT": str(health),
            "TMPDIR": str(tmp_path),
        },
    )
    try:
        wait_until(lambda: len(_children(sheaf.proc.pid)) == 2, 30, "two workers")
        first = set(_children(sheaf.proc.pid))
        sessions = [requests.Session() for _ in range(4)]  # keep-alive, as browsers do
        for s in sessions:
            assert s.get(sheaf.base + "/", timeout=10).status_code == 200
        long_job: list[int] = []
        data = blank_pages(400, (200, 200))

        def images() -> None:  # about 20 s of rendering here
            r = requests.post(
                sheaf.base + "/api/v1/pdf-to-images",
                files=[("file", ("long.pdf", io.BytesIO(data), "application/pdf"))],
                data={"dpi": "300"},
                timeout=300,
            )
            long_job.append(r.status_code)

        job = threading.Thread(target=images)
        job.start()
        wait_until(lambda: list(tmp_path.glob("sheaf-scratch-*/req-*")), 30, "the job to start")
        statuses: list[int | str] = []
        enough = threading.Event()

        def hammer(s: requests.Session) -> None:
            while not enough.is_set():
                try:
                    statuses.append(s.get(sheaf.base + "/", timeout=30).status_code)
                except requests.RequestException as exc:
                    statuses.append(type(exc).__name__)

        clients = [threading.Thread(target=hammer, args=(s,)) for s in sessions]
        for c in clients:
            c.start()

        def retiring() -> set[int]:
            events = [json.loads(x) for x in list(sheaf.lines) if x.startswith("{")]
            return {e["pid"] for e in events if "replaced by a fresh" in str(e.get("message"))}

        try:  # until both first workers were replaced, and successors answered
            wait_until(lambda: retiring() >= first, 90, "both first workers to be replaced")
            assert not long_job  # ... while the long job was still running on one of them
            wait_until(lambda: set(_pids(sheaf, "/")) - first, 30, "a successor's answer")
        finally:
            enough.set()
            for c in clients:
                c.join(60)
        job.join(300)
        assert statuses == [200] * len(statuses)  # no request was dropped
        assert long_job == [200]  # the job was finished, not cut
        assert "asking for a fresh one" in sheaf.output()
        # Every worker that retired is gone; the supervisor keeps two.
        wait_until(lambda: len(_children(sheaf.proc.pid)) == 2, 60, "two workers again")
        assert first - set(_children(sheaf.proc.pid))
        # Their counts were kept: one file per live worker plus the retired ones' sum.
        metrics = requests.get(f"http://127.0.0.1:{health}/metrics", timeout=10).text
        total = sum(
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith('sheaf_requests_total{route="/",')
        )
        assert total >= len(statuses) + 4
        files = list(tmp_path.glob("sheaf-metrics-*/worker-*.json"))
        assert len(files) <= 3
    finally:
        sheaf.stop()


def test_a_worker_over_its_memory_ceiling_is_replaced_and_serving_goes_on():
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        # Every worker is over 1 MB: each asks to be replaced a second after it starts.
        env={"SHEAF_WORKERS": "2", "SHEAF_WORKER_MAX_RSS_MB": "1", "SHEAF_LOG_FORMAT": "json"},
    )
    try:
        wait_until(lambda: len(_children(sheaf.proc.pid)) == 2, 30, "two workers")
        first = set(_children(sheaf.proc.pid))
        session = requests.Session()
        statuses = []

        def replaced() -> set[int]:
            statuses.append(session.get(sheaf.base + "/", timeout=30).status_code)
            return set(_children(sheaf.proc.pid)) - first

        wait_until(replaced, 60, "a worker to be replaced, while serving goes on")
        assert statuses == [200] * len(statuses)
        assert "resident memory" in sheaf.output()
    finally:
        sheaf.stop()
