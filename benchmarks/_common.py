"""Shared pieces for benchmarks: start a process, time its first healthy answer, run wrk."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from helpers.support import free_port as free_port  # noqa: E402 - the tests' helper, one for both


def first_200(url: str, proc: subprocess.Popen, deadline: float = 60.0) -> float:
    """Seconds from now until ``url`` answers 200 (call right after starting ``proc``)."""
    start = time.perf_counter()
    while time.perf_counter() - start < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} did not answer within {deadline} s")


def median(values: list[float]) -> float:
    return statistics.median(values)


def wrk(url: str, connections: int = 32, seconds: int = 10) -> tuple[float, float]:
    """Requests per second and p99 latency in ms, measured by wrk."""
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx responses from {url}")
    return rps, p99


def stop(proc: subprocess.Popen) -> None:
    import signal

    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_time(command: list[str], data_dir: Path) -> float:
    """Seconds from starting ``command --no-browser`` to its first 200 from /healthz."""
    port = free_port()
    proc = subprocess.Popen(
        [*command, "--no-browser", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )
    try:
        return first_200(f"http://127.0.0.1:{port}/healthz", proc)
    finally:
        stop(proc)
