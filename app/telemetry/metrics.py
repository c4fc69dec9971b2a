"""Prometheus metrics for server mode (``SHEAF_METRICS=1``), served on the health port.

Each worker process counts its requests by route pattern (``/api/v1/rotate``,
``/tools/<slug>``: never a path with a file name in it) and status, with
durations and bytes in and out, and how many requests are in flight. Each
worker writes its counts to a file in a folder private to the server (at
most once a second, from a small thread, and once more as it stops) and
``/metrics`` adds up every worker's file. When a worker has gone (replaced,
or died), the supervisor folds its file into one of retired workers' counts
(:func:`fold`), so counters never go down while the server runs and the
folder holds one file per live worker, however often workers are replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

from flask import Flask, Response, g, request

FLUSH_SECONDS = 1.0
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class WorkerMetrics:
    """This worker's request counts, flushed to its own file for ``/metrics`` to fold."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / f"worker-{os.getpid()}.json"
        self._lock = threading.Lock()
        self._requests: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0])
        self._buckets: dict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self._in_flight = 0
        self._dirty = True
        threading.Thread(target=self._flusher, name="metrics", daemon=True).start()

    def started(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._dirty = True

    def finished(
        self, route: str, status: int, seconds: float, bytes_in: int, bytes_out: int
    ) -> None:
        key = f"{route}\t{status}"
        with self._lock:
            self._in_flight -= 1
            entry = self._requests[key]
            entry[0] += 1
            entry[1] += seconds
            entry[2] += bytes_in
            entry[3] += bytes_out
            counts = self._buckets[route]
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[i] += 1
            self._dirty = True

    def flush(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            data = {
                "requests": dict(self._requests),
                "buckets": dict(self._buckets),
                "in_flight": self._in_flight,
            }
            self._dirty = False
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, self.file)

    def _flusher(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)  # a background cadence, not a wait for a condition
            with contextlib.suppress(OSError):  # a full disk: the next flush may succeed
                self.flush()


RETIRED = "worker-retired.json"


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def fold(folder: Path, pid: int) -> None:
    """Add a gone worker's counts to the retired ones and remove its file. (The
    supervisor runs this and ``/metrics`` in one thread: no reader sees both.)"""
    gone = folder / f"worker-{pid}.json"
    data = _read(gone)
    if data is None:
        return
    retired = _read(folder / RETIRED) or {"requests": {}, "buckets": {}, "in_flight": 0}
    for key, values in data["requests"].items():
        old = retired["requests"].get(key, [0] * len(values))
        retired["requests"][key] = [a + b for a, b in zip(old, values, strict=True)]
    for route, counts in data["buckets"].items():
        old = retired["buckets"].get(route, [0] * len(counts))
        retired["buckets"][route] = [a + b for a, b in zip(old, counts, strict=True)]
    retired["in_flight"] = 0  # a gone worker works on nothing
    tmp = folder / (RETIRED + ".tmp")
    tmp.write_text(json.dumps(retired), encoding="utf-8")
    os.replace(tmp, folder / RETIRED)
    gone.unlink(missing_ok=True)


def render(folder: Path, workers: int) -> str:
    """Every worker's counts, added up, in Prometheus' text format."""
    requests: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0])
    buckets: dict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
    in_flight = 0
    for path in sorted(folder.glob("worker-*.json")):
        data = _read(path)
        if data is None:
            continue
        for key, values in data["requests"].items():
            for i, v in enumerate(values):
                requests[key][i] += v
        for route, counts in data["buckets"].items():
            for i, v in enumerate(counts):
                buckets[route][i] += v
        in_flight += int(data["in_flight"])
    out = [
        "# HELP sheaf_requests_total Requests answered, by route pattern and status.",
        "# TYPE sheaf_requests_total counter",
    ]
    sections = {
        "sheaf_request_bytes_in_total": (2, "Bytes received in request bodies."),
        "sheaf_request_bytes_out_total": (3, "Bytes sent in response bodies."),
    }
    for key, values in sorted(requests.items()):
        route, status = key.split("\t")
        out.append(f'sheaf_requests_total{{route="{route}",status="{status}"}} {int(values[0])}')
    for name, (index, text) in sections.items():
        out += [f"# HELP {name} {text}", f"# TYPE {name} counter"]
        for key, values in sorted(requests.items()):
            route, status = key.split("\t")
            out.append(f'{name}{{route="{route}",status="{status}"}} {int(values[index])}')
    out += [
        "# HELP sheaf_request_duration_seconds Time to answer, by route pattern.",
        "# TYPE sheaf_request_duration_seconds histogram",
    ]
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for key, values in requests.items():
        route = key.split("\t")[0]
        totals[route][0] += values[0]
        totals[route][1] += values[1]
    for route, (count, seconds) in sorted(totals.items()):
        for bound, n in zip(BUCKETS, buckets[route], strict=True):
            out.append(f'sheaf_request_duration_seconds_bucket{{route="{route}",le="{bound}"}} {n}')
        out.append(
            f'sheaf_request_duration_seconds_bucket{{route="{route}",le="+Inf"}} {int(count)}'
        )
        out.append(f'sheaf_request_duration_seconds_sum{{route="{route}"}} {seconds:.6f}')
        out.append(f'sheaf_request_duration_seconds_count{{route="{route}"}} {int(count)}')
    out += [
        "# HELP sheaf_requests_in_flight Requests being worked on now.",
        "# TYPE sheaf_requests_in_flight gauge",
        f"sheaf_requests_in_flight {in_flight}",
        "# HELP sheaf_workers Server processes configured.",
        "# TYPE sheaf_workers gauge",
        f"sheaf_workers {workers}",
    ]
    return "\n".join(out) + "\n"


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def _start() -> None:
    g.metrics_started = time.perf_counter()
    _metrics().started()


def _answered(resp: Response) -> Response:
    g.metrics_answer = (resp.status_code, resp.content_length or 0)
    return resp


def _finish(_exc: BaseException | None) -> None:
    """Runs however the request ended, so nothing stays "in flight" for ever."""
    started = g.pop("metrics_started", None)
    if started is None:
        return
    status, size = g.pop("metrics_answer", (500, 0))
    _metrics().finished(
        _route(), status, time.perf_counter() - started, request.content_length or 0, size
    )


def _metrics() -> WorkerMetrics:

    from app.web import need, state

    return need(state().metrics, "metrics")


def init_app(app: Flask, folder: Path) -> None:
    """Register first, so requests the security checks turn away are counted too."""
    from app.web import state_of

    state_of(app).metrics = WorkerMetrics(folder)
    app.before_request(_start)
    app.after_request(_answered)
    app.teardown_request(_finish)
