"""Start-up time and throughput of Sheaf's own launcher, against references run alongside.

1. Start-up: process start to first 200 from /healthz for ``launcher.py --no-browser``
   (desktop mode), against a minimal Flask app on waitress started the same way.
2. Throughput: requests/s and p99 latency for the home page at 32 connections (wrk),
   Sheaf's server mode with 1 and 2 workers against the same app under gunicorn
   (2 workers, gthread). Goal: 2 workers >= gunicorn.
3. CPU-heavy jobs: 8 concurrent ``compress level=high`` requests with 1 and with 2
   workers. Goal: 2 workers at least 1.8x faster.

Prints ratios (Sheaf / reference). The machine is shared and noisy, so only ratios
measured in the same run mean anything. Usage: ``uv run python benchmarks/launcher.py``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, first_200, free_port, median, start_time, stop, wrk

HELLO = """
import socket, sys
from flask import Flask
from waitress import serve
app = Flask(__name__)
@app.get("/healthz")
def healthz():
    return {"status": "ok"}
serve(app, host="127.0.0.1", port=int(sys.argv[1]), _quiet=True)
"""


def time_sheaf_start(tmp: Path) -> float:
    return start_time([sys.executable, str(REPO / "launcher.py")], tmp)


def time_hello_start() -> float:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", HELLO, str(port)], cwd=REPO)
    try:
        return first_200(f"http://127.0.0.1:{port}/healthz", proc)
    finally:
        stop(proc)


def startup(runs: int) -> None:
    sheaf, hello = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):  # interleaved, so drift on the machine hits both alike
            sheaf.append(time_sheaf_start(Path(tmp)))
            hello.append(time_hello_start())
    s, h = median(sheaf), median(hello)
    print(f"start-up to first 200 (median of {runs}):")
    print(f"  Sheaf launcher.py --no-browser  {s * 1000:7.0f} ms")
    print(f"  hello Flask on waitress (ref)   {h * 1000:7.0f} ms")
    print(f"  ratio Sheaf / reference         {s / h:7.2f}")


def _sheaf_server(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "SHEAF_LOG_LEVEL": "warning", "SHEAF_WORKERS": str(workers)}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "launcher.py"),
            "--server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        env=env,
        cwd=REPO,
    )
    first_200(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def _gunicorn(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=REPO,
    )
    first_200(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def throughput(seconds: int, rounds: int = 3) -> None:
    """Rounds of all three servers, interleaved. gunicorn's two gthread workers often
    split keep-alive connections unevenly (one worker gets most of them), so single
    runs swing by 2x; the median of rounds is what a client sees, and the spread is
    printed beside it."""
    starters = {
        "Sheaf --server, 1 worker ": lambda port: _sheaf_server(port, 1),
        "Sheaf --server, 2 workers": lambda port: _sheaf_server(port, 2),
        "gunicorn 2 gthread (ref) ": _gunicorn,
    }
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in starters}
    for _ in range(rounds):
        for name, start in starters.items():
            port = free_port()
            proc = start(port)
            try:
                wrk(f"http://127.0.0.1:{port}/", seconds=2)  # warm-up
                found[name].append(wrk(f"http://127.0.0.1:{port}/", seconds=seconds))
            finally:
                stop(proc)
    print(f"home page, 32 connections, {seconds} s x {rounds} rounds (wrk):")
    medians = {}
    for name, runs in found.items():
        rps = sorted(r for r, _ in runs)
        p99 = median([p for _, p in runs])
        medians[name] = (median(rps), p99)
        print(
            f"  {name}  {median(rps):8.0f} req/s (runs {rps[0]:.0f}-{rps[-1]:.0f})"
            f"   p99 {p99:7.1f} ms"
        )
    (ours, our_p99), (ref, ref_p99) = (
        medians["Sheaf --server, 2 workers"],
        medians["gunicorn 2 gthread (ref) "],
    )
    print(f"  ratio req/s Sheaf 2 / ref (medians)   {ours / ref:6.2f}   (goal >= 1)")
    best = max(r for r, _ in found["gunicorn 2 gthread (ref) "])
    print(f"  ratio req/s Sheaf 2 / ref's best run  {ours / best:6.2f}")
    print(f"  ratio p99   Sheaf 2 / ref             {our_p99 / ref_p99:6.2f}")


def heavy_jobs(jobs: int = 8) -> None:
    import threading
    import time

    import requests

    sample = REPO.parent / "shared/pdf-samples/018-base64-image/base64image.pdf"
    data = sample.read_bytes()
    took = {}
    for workers in (1, 2):
        port = free_port()
        sheaf = _sheaf_server(port, workers)
        try:

            def one(port: int = port) -> None:
                r = requests.post(
                    f"http://127.0.0.1:{port}/api/v1/compress",
                    files=[("file", ("a.pdf", data, "application/pdf"))],
                    data={"level": "high"},
                    timeout=600,
                )
                r.raise_for_status()

            threads = [threading.Thread(target=one) for _ in range(jobs)]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            took[workers] = time.perf_counter() - start
        finally:
            stop(sheaf)
    print(f"{jobs} concurrent compress level=high ({sample.name}):")
    print(
        f"  1 worker {took[1]:6.2f} s, 2 workers {took[2]:6.2f} s,"
        f" speed-up {took[1] / took[2]:4.2f}x (goal >= 1.8)"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--seconds", type=int, default=10)
    args = p.parse_args()
    startup(args.runs)
    throughput(args.seconds)
    heavy_jobs()


if __name__ == "__main__":
    main()
