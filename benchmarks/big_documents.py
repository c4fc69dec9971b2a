"""Page jobs on 10,000 to 40,000 pages: growth per doubling, against qpdf, and memory.

The documents are the shared samples (every readable one with pages, GeoTopo's
117 linked, bookmarked pages among them) concatenated into one "cycle", and the
cycle concatenated with itself until a document has about 10k, 20k and 40k
pages. Each copy is a distinct file to qpdf, so every page owns its objects as in
a real concatenation. They are cached under ``~/.cache/sheaf-bench/big-documents``
(``--clean`` removes that folder's files this script made, and nothing else).

Every job runs through the HTTP API of a real Sheaf (desktop mode: one
process, a fresh one per job, its page and upload limits raised for this
server only) and as the
qpdf command line doing the same job. Printed per job: Sheaf's seconds at each
size, its worst growth per doubling, qpdf's seconds at 20k, the ratio there, and
the server's peak resident memory at the largest size against the input's size.
Goals (issue 18): growth <= 2.1x per doubling, <= 1.3x qpdf at 20k, peak RSS <=
input + 300 MB.

Run with ``uv run python benchmarks/big_documents.py`` (``--sizes 10000,20000``
for fewer); it takes about half an hour on two cores.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from _common import REPO
from stamps import make_stamp

sys.path.insert(0, str(REPO / "tests"))
import itertools

from helpers.support import Sheaf, samples_dir

CACHE = Path.home() / ".cache" / "sheaf-bench" / "big-documents"
MB = 2**20
SIZES = (10_000, 20_000, 40_000)
#: Samples left out of the cycle: protected; without a page qpdf can count; one big
#: image on one page (they would make the document mostly pixels, ~36 KB a page
#: instead of ~13 KB, the issue's documents having ~16 KB); forms (a form repeated
#: thousands of times makes ``qpdf --overlay`` grow with the square of its fields:
#: 500 copies of one form took 14.7 s against 3.7 s for 250, no fair reference).
SKIP = {
    "005-libreoffice-writer-password",
    "010-pdflatex-forms",
    "012-libreoffice-form",
    "017-unreadable-meta-data",
    "018-base64-image",
    "023-cmyk-image",
}


def _pages(path: Path) -> int:
    out = subprocess.run(["qpdf", "--show-npages", str(path)], capture_output=True, text=True)
    return int(out.stdout.strip() or 0) if out.returncode in (0, 3) else 0


def cycle() -> tuple[Path, int]:
    """Every readable sample once, in order: one concatenation of real files."""
    path = CACHE / "cycle.pdf"
    if not path.exists():
        files = [
            p
            for p in sorted(samples_dir().glob("*/*.pdf"))
            if p.parent.name not in SKIP and _pages(p) > 0
        ]
        _qpdf_made(["--empty", "--pages", *map(str, files), "--", str(path)])
    return path, _pages(path)


def big(pages: int) -> tuple[Path, int]:
    """About ``pages`` pages: whole cycles, each copy read by qpdf as its own file."""
    base, per_cycle = cycle()
    copies = math.ceil(pages / per_cycle)
    path = CACHE / f"big-{copies}x.pdf"
    if not path.exists():
        links = Path(tempfile.mkdtemp(prefix="sheaf-big-", dir=CACHE))
        try:
            names = []
            for i in range(copies):
                link = links / f"c{i:04d}.pdf"
                link.symlink_to(base)
                names.append(str(link))
            _qpdf_made(["--empty", "--pages", *names, "--", str(path)])
        finally:
            shutil.rmtree(links)
    return path, copies * per_cycle


def _qpdf_made(args: list[str]) -> None:
    """qpdf exits 3 after warnings about damaged samples; the output is still whole."""
    done = subprocess.run(["qpdf", "--warning-exit-0", *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"qpdf failed: {done.stderr[-2000:]}")
    made = Path(args[-1])
    (made.parent / ".made-by-big-documents").open("a").write(made.name + "\n")


def clean() -> None:
    marker = CACHE / ".made-by-big-documents"
    if not marker.exists():
        return
    for name in set(marker.read_text().split()):
        (CACHE / name).unlink(missing_ok=True)
    marker.unlink()


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak(pid: int) -> bool:
    """Linux resets VmHWM to the current RSS on "5" (root or the owner may)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def sheaf_job(sheaf: Sheaf, op: str, files: list[Path], data: dict, out: Path) -> tuple[float, int]:
    """Seconds and the server's peak RSS for one request (upload and download included)."""
    pid = sheaf.proc.pid
    if not _reset_peak(pid):
        sys.exit("cannot reset the server's peak RSS (/proc/PID/clear_refs)")
    field = "files" if op == "merge" else "file"
    handles = [open(f, "rb") for f in files]  # noqa: SIM115 - closed below
    start = time.perf_counter()
    try:
        with requests.post(
            f"{sheaf.base}/api/v1/{op}",
            headers=sheaf.bearer(),
            files=[
                (field, (f.name, h, "application/pdf"))
                for f, h in zip(files, handles, strict=False)
            ],
            data=data,
            timeout=3600,
            stream=True,
        ) as r:
            if r.status_code != 200:
                sys.exit(f"{op}: {r.status_code} {r.text[:500]}")
            with open(out, "wb") as sink:
                for chunk in r.iter_content(1 << 20):
                    sink.write(chunk)
    finally:
        for h in handles:
            h.close()
    return time.perf_counter() - start, _status(pid, "VmHWM")


def qpdf_job(args: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS of one qpdf run (its own rusage, not a running maximum)."""
    start = time.perf_counter()
    proc = subprocess.Popen(["qpdf", "--warning-exit-0", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"qpdf {' '.join(args[:4])}... exited {proc.returncode}")
    return took, usage.ru_maxrss * 1024


Job = tuple[str, list[Path], dict, Callable[[Path, Path], list[str]]]


def jobs(doc: Path, pages: int, small: Path, stamp: Path, work: Path) -> dict[str, Job]:
    step = pages // 100
    hundred = ",".join(str(1 + i * step) for i in range(100))
    split_dir = work / "qpdf-split"

    def split_args(src: Path, out: Path) -> list[str]:
        shutil.rmtree(split_dir, ignore_errors=True)
        split_dir.mkdir()
        return ["--split-pages=1000", str(src), str(split_dir / "part-%d.pdf")]

    return {
        "rotate all": (
            "rotate",
            [doc],
            {"angle": "90"},
            lambda s, o: [str(s), "--rotate=+90", str(o)],
        ),
        "page numbers": (
            "page-numbers",
            [doc],
            {"format": "Page {n} of {total}"},
            lambda s, o: [str(s), "--overlay", str(stamp), "--repeat=1", "--", str(o)],
        ),
        "select 100 pages": (
            "select",
            [doc],
            {"pages": hundred},
            lambda s, o: [str(s), "--pages", ".", hundred, "--", str(o)],
        ),
        "split every 1,000": ("split", [doc], {"mode": "every", "every": "1000"}, split_args),
        "compress lossless": (
            "compress",
            [doc],
            {"level": "lossless"},
            lambda s, o: [
                str(s),
                "--object-streams=generate",
                "--compress-streams=y",
                "--recompress-flate",
                "--decode-level=generalized",
                "--remove-unreferenced-resources=yes",
                str(o),
            ],
        ),
        "merge with a small file": (
            "merge",
            [doc, small],
            {},
            lambda s, o: ["--empty", "--pages", str(s), str(small), "--", str(o)],
        ),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(map(str, SIZES)))
    p.add_argument("--only", help="comma-separated job names (as printed)")
    p.add_argument("--clean", action="store_true", help="remove the cached documents and stop")
    p.add_argument("--json", type=Path, help="also write the figures here")
    p.add_argument(
        "--qpdf-at", default="20000", help="sizes at which qpdf runs too (all: every size)"
    )
    args = p.parse_args()
    if args.clean:
        clean()
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    docs = [big(n) for n in sizes]
    small = samples_dir() / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf"
    work = Path(tempfile.mkdtemp(prefix="sheaf-bench-big-"))
    results: dict[str, dict[str, list]] = {}
    env = {"SHEAF_MAX_PAGES": "1000000", "SHEAF_MAX_UPLOAD_MB": "8192"}
    stamp = work / "stamp.pdf"
    make_stamp(stamp)
    try:
        for doc, pages in docs:
            print(f"{pages:,} pages, {doc.stat().st_size / MB:,.0f} MB ({doc.name})", flush=True)
            for label, (op, files, data, qpdf_args) in jobs(doc, pages, small, stamp, work).items():
                if args.only and label not in args.only.split(","):
                    continue
                # A fresh server per job: what one job holds at its peak, not what the
                # allocator kept from the jobs before it.
                sheaf = Sheaf.start(["--log-level", "warning"], data_dir=work / "sheaf", env=env)
                try:
                    requests.get(sheaf.base + "/", headers=sheaf.bearer(), timeout=30)
                    ours = sheaf_job(sheaf, op, files, data, work / "sheaf-out")
                finally:
                    sheaf.stop()
                theirs = (float("nan"), 0)
                asked = min(sizes, key=lambda n: abs(n - pages))
                if args.qpdf_at == "all" or str(asked) in args.qpdf_at.split(","):
                    theirs = qpdf_job(qpdf_args(doc, work / "qpdf-out.pdf"))
                results.setdefault(label, {"sheaf": [], "qpdf": []})
                results[label]["sheaf"].append(ours)
                results[label]["qpdf"].append(theirs)
                print(
                    f"  {label:24s} Sheaf {ours[0]:7.1f} s {ours[1] / MB:6.0f} MB"
                    f"   qpdf {theirs[0]:7.1f} s {theirs[1] / MB:6.0f} MB",
                    flush=True,
                )
                for leftover in (work / "sheaf-out", work / "qpdf-out.pdf"):
                    leftover.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(sizes, docs, results)
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "results": results}, indent=1))


def report(sizes: list[int], docs: list[tuple[Path, int]], results: dict) -> None:
    counts = [pages for _, pages in docs]
    mid = counts.index(20_000) if 20_000 in counts else len(sizes) - 1
    heads = " | ".join(f"Sheaf {n // 1000}k" for n in sizes)
    print(
        f"\n| job | {heads} | growth per 2x | qpdf {sizes[mid] // 1000}k"
        f" | Sheaf / qpdf at {sizes[mid] // 1000}k | Sheaf peak RSS at {sizes[-1] // 1000}k"
        f" (input + 300 MB = {docs[-1][0].stat().st_size / MB + 300:,.0f} MB)"
        " | qpdf peak RSS |"
    )
    print("|---" * (len(sizes) + 6) + "|")
    for label, r in results.items():
        ours = [t for t, _ in r["sheaf"]]
        growth = max((b / a for a, b in itertools.pairwise(ours)), default=float("nan"))
        cells = " | ".join(f"{t:.1f} s" for t in ours)
        q = r["qpdf"][mid][0] if mid < len(r["qpdf"]) else float("nan")
        print(
            f"| {label} | {cells} | {growth:.2f}x | {q:.1f} s | {ours[mid] / q:.2f}x"
            f" | {r['sheaf'][-1][1] / MB:,.0f} MB | {max(q for _, q in r['qpdf']) / MB:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
