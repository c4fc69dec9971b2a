"""Server memory over thousands of mixed requests, against a fresh process per request.

Replays every operation on every shared sample (plus two generated images),
shuffled and repeated to ``--requests`` requests, from ``--clients`` threads,
against a real ``--server`` with two workers. While it runs, each worker's
resident memory is read from ``/proc`` several times a second; its peak
(``VmHWM``) is printed at the end with how many requests it answered.

The reference is the same requests, each in a fresh process: a parent that has
imported Sheaf (and nothing else) forks one child per distinct request; the
child makes the app, answers that one request through the test client and
reports its own peak. The largest of those peaks is what a worker needs for
any one request; anything a worker holds above it was kept or fragmented by
the requests before. Goal: every worker under 300 MB, whatever ran before.

Linux only (``/proc``, ``fork``). Usage::

    uv run python benchmarks/memory.py [--requests 3000] [--env MALLOC_ARENA_MAX=8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import REPO, first_200
from helpers.support import Sheaf

MB = 1024 * 1024
SAMPLES = REPO.parent / "shared" / "pdf-samples"
LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
LOCKED_PASSWORD = "openpassword"  # the sample's README
GOAL_MB = 300


@dataclass(frozen=True)
class Case:
    op: str
    files: tuple[tuple[str, str], ...]  # (form field, path)
    data: tuple[tuple[str, str], ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.op} {Path(self.files[0][1]).name}"


def _images(work: Path) -> tuple[Path, Path]:
    """A photo-like PNG and JPEG (gradients and noise), made once."""
    from PIL import Image

    rng = random.Random(17)
    noise = Image.frombytes("L", (1200, 900), bytes(rng.randrange(256) for _ in range(1200 * 900)))
    photo = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((1200, 900)),
            noise,
            Image.radial_gradient("L").resize((1200, 900)),
        ),
    )
    png, jpg = work / "photo.png", work / "photo.jpg"
    photo.save(png)
    photo.save(jpg, quality=85)
    return png, jpg


def cases(work: Path) -> list[Case]:
    """Every operation on every sample it can take (options shaped by the page count)."""
    png, jpg = _images(work)
    listed = [
        entry
        for entry in json.loads((SAMPLES / "files.json").read_text())["data"]
        if (SAMPLES / entry["path"]).exists()
    ]
    found: list[Case] = [
        Case("images-to-pdf", (("files", str(png)), ("files", str(jpg)))),
        Case("images-to-pdf", (("files", str(jpg)),), (("page_size", "a4"),)),
    ]
    levels = ("lossless", "low", "medium", "high")
    for n, entry in enumerate(listed):
        path = str(SAMPLES / entry["path"])
        pages = int(entry["pages"])
        pw: tuple[tuple[str, str], ...] = (
            (("password", LOCKED_PASSWORD),) if entry["path"] == LOCKED else ()
        )
        one = (("file", path),)
        area = '[{"page": 1, "x": 0.1, "y": 0.1, "width": 0.3, "height": 0.1}]'
        per_op: list[tuple[str, tuple, tuple]] = [
            ("compress", one, (("level", levels[n % 4]),)),
            ("protect", one, (("new_password", "new"),)),
            ("metadata", one, ()),
            ("metadata/edit", one, (("title", "Memory 内存"),)),
            ("metadata/strip", one, ()),
            ("crop", one, (("left", "0.05"), ("top", "0.05"))),
            ("crop", one, (("mode", "auto"), ("pages", "1"))),
            ("flatten", one, ()),
            ("repair", one, ()),
            ("redact", one, (("areas", area),)),
            ("redact", one, (("text", "the"),)),
            ("forms", one, ()),
            ("forms/fill", one, (("values", "{}"),)),
            ("pdf-to-images", one, (("pages", "1"),)),
            ("pdf-to-images", one, (("pages", "1-2"), ("format", "jpeg"), ("dpi", "100"))),
            ("thumbnails", one, ()),
            ("preview", one, ()),
            ("merge", (("files", path), ("files", str(SAMPLES / listed[0]["path"]))), ()),
            ("split", one, ()),
            ("organize", one, (("order", ",".join(str(p) for p in range(pages, 0, -1))),)),
            ("select", one, (("pages", "last,1"),)),
            ("rotate", one, (("angle", "90"),)),
            ("page-numbers", one, (("format", "{n} / {total}"),)),
            ("watermark", one, (("text", "Draft 草稿"),)),
            ("watermark", (("file", path), ("image", str(png))), (("layer", "under"),)),
            ("sign", one, (("text", "Ada Lovelace"),)),
            ("sign", (("file", path), ("image", str(jpg))), ()),
        ]
        if pages > 1:
            per_op.append(("remove", one, (("pages", "1"),)))
        if entry["path"] == LOCKED:
            per_op.append(("unlock", one, ()))
        for op, files, data in per_op:
            if op == "merge" and pw:
                data = (("passwords", LOCKED_PASSWORD),)
            elif op == "protect" and pw:
                data = (*data, ("current_password", LOCKED_PASSWORD))
            elif op != "merge":
                data = (*data, *pw)
            found.append(Case(op, files, data))
    return found


def _post(base: str, case: Case, session) -> int:
    handles = [(name, open(path, "rb")) for name, path in case.files]  # noqa: SIM115
    try:
        r = session.post(
            f"{base}/api/v1/{case.op}",
            files=[(name, (Path(f.name).name, f)) for name, f in handles],
            data=list(case.data),
            timeout=600,
        )
        return r.status_code
    finally:
        for _, f in handles:
            f.close()


def status(pid: int, key: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in text.splitlines() if x.startswith(key)), None)
    return int(line.split()[1]) * 1024 if line else 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Watcher(threading.Thread):
    """Each worker's peak resident memory, read from /proc until stopped."""

    def __init__(self, supervisor: int) -> None:
        super().__init__(daemon=True)
        self.supervisor = supervisor
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            for pid in _children(self.supervisor):
                peak = status(pid, "VmHWM")
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)


def replay(all_cases: list[Case], requests_total: int, clients: int, env: dict[str, str]) -> int:
    import requests

    order = [all_cases[i % len(all_cases)] for i in range(requests_total)]
    random.Random(3900).shuffle(order)
    sheaf = Sheaf.start(  # the tests' launcher helper: real process, its output kept
        ["--server", "--host", "127.0.0.1", "--port", "0", "--log-level", "info"],
        data_dir=None,
        env={"SHEAF_WORKERS": "2", "SHEAF_LOG_FORMAT": "json", **env},
    )
    proc, base = sheaf.proc, sheaf.base
    first_200(base + "/healthz", proc)
    watcher = Watcher(proc.pid)
    watcher.start()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    slowest: list[tuple[float, str]] = []
    lock = threading.Lock()
    queue = list(reversed(order))
    started = time.perf_counter()

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                case = queue.pop()
            t0 = time.perf_counter()
            try:
                code = _post(base, case, session)
            except requests.RequestException as exc:
                with lock:
                    failures.append(f"{case.label}: {type(exc).__name__}")
                continue
            with lock:
                statuses[code] += 1
                slowest.append((time.perf_counter() - t0, case.label))
                done = sum(statuses.values()) + len(failures)
                if done % 500 == 0:
                    peaks = ", ".join(f"{p / MB:.0f}" for p in watcher.peaks.values())
                    print(f"  {done} requests, worker peaks so far (MB): {peaks}", flush=True)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    time.sleep(0.5)  # one more reading of every worker (a cadence, not a wait for a result)
    watcher.done.set()
    watcher.join()
    sheaf.stop()
    served: Counter[int] = Counter()
    for line in sheaf.lines:
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("path", "").startswith("/api/v1/"):
                served[entry["pid"]] += 1
    print(
        f"replay: {requests_total} requests from {clients} clients in {took:.0f} s;"
        f" statuses {dict(sorted(statuses.items()))}; failed connections {len(failures)}"
    )
    for line in failures[:5]:
        print(f"  failed: {line}")
    for pid, peak in sorted(watcher.peaks.items()):
        verdict = "ok" if peak < GOAL_MB * MB else "OVER"
        print(
            f"  worker {pid}: {served.get(pid, 0):5d} requests, peak RSS {peak / MB:6.0f} MB"
            f"  ({verdict}; goal < {GOAL_MB} MB)"
        )
    slowest.sort(reverse=True)
    print("  slowest: " + "; ".join(f"{label} {s:.1f} s" for s, label in slowest[:3]))
    return max(watcher.peaks.values(), default=0)


FRESH = """
import json, os, sys
from pathlib import Path
import app, app.api.ops, flask, pikepdf, pypdfium2, PIL.Image  # what a worker has imported
cases = json.loads(sys.stdin.read())
for op, files, data in cases:
    pid = os.fork()
    if pid == 0:
        from app import create_app
        from app.settings import Settings
        client = create_app(Settings(mode="server")).test_client()
        form = {k: v for k, v in data}
        handles = {}
        for name, path in files:
            handles.setdefault(name, []).append((open(path, "rb"), Path(path).name))
        form.update(handles)
        r = client.post("/api/v1/" + op, data=form, content_type="multipart/form-data")
        r.close()
        peak = next(x for x in Path("/proc/self/status").read_text().splitlines()
                    if x.startswith("VmHWM")).split()[1]
        print(json.dumps([op, files[0][1], r.status_code, int(peak) * 1024]), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
"""


def fresh(all_cases: list[Case], env: dict[str, str]) -> int:
    """Each distinct request in a process of its own: the largest peak."""
    payload = json.dumps([[c.op, list(c.files), list(c.data)] for c in all_cases])
    out = subprocess.run(
        [sys.executable, "-c", FRESH],
        input=payload,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        check=True,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("[")]
    rows.sort(key=lambda r: r[3], reverse=True)
    print(f"fresh process per request: {len(rows)} distinct requests")
    for op, path, code, peak in rows[:3]:
        print(f"  {op} {Path(path).name} ({code}): peak RSS {peak / MB:6.0f} MB")
    return rows[0][3] if rows else 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    p.add_argument("--skip-fresh", action="store_true")
    args = p.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        all_cases = cases(Path(tmp))
        print(f"{len(all_cases)} distinct requests (every operation, {SAMPLES.name})")
        reference = 0 if args.skip_fresh else fresh(all_cases, env)
        worst = replay(all_cases, args.requests, args.clients, env)
    if reference:
        print(f"ratio worst worker peak / fresh-process peak  {worst / reference:5.2f}")


if __name__ == "__main__":
    main()
