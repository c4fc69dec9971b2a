"""In-place page operations against the qpdf command line, and memory under hostile input.

1. On a 2,340-page document with links and bookmarks (the GeoTopo sample 20 times):
   rotate all, remove 99 pages, extract 1,000, reverse the order, through Sheaf's HTTP
   API and with ``qpdf`` for the same job; then split 1,000 pages into single files.
   Goals: page jobs <= 1.5x qpdf, split <= 1.3x.
2. Peak and settled server memory (VmHWM, VmRSS) for each hostile input of the
   fidelity issue, one fresh server each. Goal: peak < 600 MB, after < 250 MB.

Run with ``uv run python benchmarks/page_ops.py``; prints times and ratios.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
import requests
from _common import REPO, median
from PIL import Image

sys.path.insert(0, str(REPO / "tests"))
from helpers.hostile_inputs import flate_bomb, huge_page
from helpers.support import Sheaf, samples_dir

SOURCE = "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"
MB = 2**20


def make_big(work: Path) -> tuple[Path, Path]:
    with pikepdf.open(samples_dir() / SOURCE) as src, pikepdf.new() as big:
        for _ in range(20):
            big.add_pages_from(src)  # links, named destinations and bookmarks come along
        path = work / "big.pdf"
        big.save(path)
    thousand = work / "thousand.pdf"
    subprocess.run(["qpdf", str(path), "--pages", ".", "1-1000", "--", str(thousand)], check=True)
    return path, thousand


def api(sheaf: Sheaf, op: str, path: Path, data: dict, out: Path) -> requests.Response:
    with open(path, "rb") as f:
        r = requests.post(
            f"{sheaf.base}/api/v1/{op}",
            headers=sheaf.bearer(),
            files=[("file", (path.name, f, "application/pdf"))],
            data=data,
            timeout=600,
        )
    if out is not None:
        r.raise_for_status()
        out.write_bytes(r.content)
    return r


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def speed(work: Path, runs: int) -> None:
    big, thousand = make_big(work)
    n = 2340
    jobs = {
        "rotate all": ("rotate", {"angle": "90"}, ["--rotate=+90"]),
        "remove 2-100": ("remove", {"pages": "2-100"}, ["--pages", ".", "1,101-z", "--"]),
        "extract 1-1000": ("select", {"pages": "1-1000"}, ["--pages", ".", "1-1000", "--"]),
        "reverse order": (
            "organize",
            {"order": ",".join(str(i) for i in range(n, 0, -1))},
            ["--pages", ".", "z-1", "--"],
        ),
    }
    sheaf = Sheaf.start(["--log-level", "warning"], data_dir=work / "sheaf")
    try:
        out = work / "out.pdf"
        for label, (op, data, qpdf_args) in jobs.items():
            ours = median(
                [
                    timed(lambda op=op, data=data: api(sheaf, op, big, data, out))
                    for _ in range(runs)
                ]
            )
            theirs = median(
                [
                    timed(
                        lambda args=qpdf_args: subprocess.run(
                            ["qpdf", str(big), *args, str(out)], check=True
                        )
                    )
                    for _ in range(runs)
                ]
            )
            print(
                f"{label:16s} 2,340 pages: Sheaf API {ours:6.2f} s, qpdf CLI {theirs:6.2f} s,"
                f" ratio {ours / theirs:5.2f} (goal <= 1.5)"
            )

        def qpdf_split() -> None:
            folder = work / "split"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            subprocess.run(
                ["qpdf", "--split-pages", str(thousand), str(folder / "p-%d.pdf")], check=True
            )

        ours = median(
            [timed(lambda: api(sheaf, "split", thousand, {}, work / "s.zip")) for _ in range(runs)]
        )
        theirs = median([timed(qpdf_split) for _ in range(runs)])
        print(
            f"split 1,000 pages: Sheaf API {ours:6.2f} s, qpdf CLI {theirs:6.2f} s,"
            f" ratio {ours / theirs:5.2f} (goal <= 1.3)"
        )
    finally:
        sheaf.stop()


def big_png(work: Path, side: int) -> Path:
    path = work / f"big-{side}.png"
    Image.linear_gradient("L").resize((side, side)).convert("RGB").save(path, compress_level=1)
    return path


def rss(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith(field)).split()[1]) * 1024


def memory(work: Path) -> None:
    bomb = work / "bomb.pdf"
    bomb.write_bytes(flate_bomb(2048))
    poster = work / "poster.pdf"
    poster.write_bytes(huge_page())
    png = big_png(work, 6900)  # 47.6 million pixels: just under the default limit
    cases = [
        ("2 GiB flate bomb, compress", "compress", "file", bomb, {}),
        ("2 GiB flate bomb, pdf-to-images", "pdf-to-images", "file", bomb, {}),
        ("2 GiB flate bomb, thumbnails", "thumbnails", "file", bomb, {}),
        ("200-inch page at 150 dpi", "pdf-to-images", "file", poster, {"dpi": "150"}),
        ("200-inch page, thumbnails", "thumbnails", "file", poster, {}),
        ("6900x6900 PNG to PDF", "images-to-pdf", "files", png, {}),
    ]
    print(f"bomb {bomb.stat().st_size / MB:.1f} MB, poster {poster.stat().st_size} bytes")
    for label, op, field, path, data in cases:
        sheaf = Sheaf.start(["--log-level", "warning"], data_dir=work / "mem")
        try:
            requests.get(sheaf.base + "/", headers=sheaf.bearer(), timeout=30)
            before = rss(sheaf.proc.pid, "VmRSS")
            start = time.perf_counter()
            with open(path, "rb") as f:
                r = requests.post(
                    f"{sheaf.base}/api/v1/{op}",
                    headers=sheaf.bearer(),
                    files=[(field, (path.name, f, "application/octet-stream"))],
                    data=data,
                    timeout=600,
                )
            took = time.perf_counter() - start
            peak, after = rss(sheaf.proc.pid, "VmHWM"), rss(sheaf.proc.pid, "VmRSS")
            print(
                f"{label:34s} {r.status_code} in {took:5.1f} s: RSS before {before / MB:4.0f} MB,"
                f" peak {peak / MB:4.0f} MB, after {after / MB:4.0f} MB"
            )
        finally:
            sheaf.stop()
            shutil.rmtree(work / "mem", ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--only", choices=("speed", "memory"))
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sheaf-bench-"))
    try:
        if args.only != "memory":
            speed(work, args.runs)
        if args.only != "speed":
            memory(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
