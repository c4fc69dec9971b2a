"""Sheaf's HTTP API against the qpdf command line and pypdf, on the same files in one run.

1. Merge 100 ten-page PDFs.
2. Split a 1,000-page PDF into single pages.
3. Peak memory (VmHWM) of the Sheaf server while 8 clients upload 100 MB each at
   once: uploads must stream to disk, so the peak should stay far below 800 MB.
4. Page numbers and a text watermark on the 1,000 pages against ``qpdf --overlay``
   (``stamps.py``).
5. With ``--all``: the in-place page jobs on 2,340 pages against qpdf and the memory
   under hostile inputs, from ``page_ops.py``.

Prints times and ratios (Sheaf / reference); run with
``uv run python benchmarks/pdf_ops.py``. Inputs are made from a shared sample.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pikepdf
import pypdf
import requests
from _common import REPO, median

sys.path.insert(0, str(REPO / "tests"))
from helpers.support import Sheaf, samples_dir

SOURCE = "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"


def make_inputs(work: Path) -> tuple[list[Path], Path]:
    with pikepdf.open(samples_dir() / SOURCE) as src:
        tens = []
        for i in range(100):
            with pikepdf.new() as ten:
                start = (i * 10) % (len(src.pages) - 10)
                ten.pages.extend(src.pages[start : start + 10])  # plain copies suffice here
                path = work / f"ten-{i:03d}.pdf"
                ten.save(path)
                tens.append(path)
        with pikepdf.new() as big:
            while len(big.pages) < 1000:
                big.pages.extend(src.pages[: min(len(src.pages), 1000 - len(big.pages))])
            thousand = work / "thousand.pdf"
            big.save(thousand)
    return tens, thousand


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sheaf_merge(sheaf: Sheaf, tens: list[Path], out: Path) -> None:
    handles = [open(p, "rb") for p in tens]  # noqa: SIM115
    try:
        files = [
            ("files", (p.name, h, "application/pdf")) for p, h in zip(tens, handles, strict=True)
        ]
        r = requests.post(
            sheaf.base + "/api/v1/merge", headers=sheaf.bearer(), files=files, timeout=600
        )
        r.raise_for_status()
        out.write_bytes(r.content)
    finally:
        for h in handles:
            h.close()


def sheaf_split(sheaf: Sheaf, big: Path, out: Path) -> None:
    with open(big, "rb") as f:
        r = requests.post(
            sheaf.base + "/api/v1/split",
            headers=sheaf.bearer(),
            files=[("file", (big.name, f, "application/pdf"))],
            timeout=600,
        )
    r.raise_for_status()
    out.write_bytes(r.content)


def qpdf_merge(tens: list[Path], out: Path) -> None:
    subprocess.run(["qpdf", "--empty", "--pages", *map(str, tens), "--", str(out)], check=True)


def qpdf_split(big: Path, out_dir: Path) -> None:
    subprocess.run(["qpdf", "--split-pages", str(big), str(out_dir / "page-%d.pdf")], check=True)


def pypdf_merge(tens: list[Path], out: Path) -> None:
    writer = pypdf.PdfWriter()
    for p in tens:
        writer.append(str(p))
    writer.write(str(out))


def pypdf_split(big: Path, out_dir: Path) -> None:
    reader = pypdf.PdfReader(str(big))
    for i, page in enumerate(reader.pages):
        writer = pypdf.PdfWriter()
        writer.add_page(page)
        writer.write(str(out_dir / f"page-{i}.pdf"))


def peak_rss_under_uploads(sheaf: Sheaf, work: Path, clients: int, mb: int) -> int:
    blob = work / "upload.pdf"
    with open(blob, "wb") as f:
        f.write(b"%PDF-1.4\n")
        chunk = os.urandom(1 << 20)
        for _ in range(mb):
            f.write(chunk)

    def upload() -> None:
        with open(blob, "rb") as fh:
            requests.post(
                sheaf.base + "/api/v1/compress",
                headers=sheaf.bearer(),
                files=[("file", ("big.pdf", fh, "application/pdf"))],
                timeout=600,
            )

    threads = [threading.Thread(target=upload) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return rss(sheaf.proc.pid, "VmHWM")


def rss(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith(field)).split()[1]) * 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--upload-mb", type=int, default=100)
    p.add_argument("--all", action="store_true", help="also run page_ops.py's measurements")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sheaf-bench-"))
    try:
        tens, big = make_inputs(work)
        sheaf = Sheaf.start(
            ["--log-level", "warning"],
            data_dir=work / "sheaf",
            env={"SHEAF_MAX_UPLOAD_MB": str(args.upload_mb + 10)},
        )
        try:
            results: dict[str, dict[str, float]] = {"merge": {}, "split": {}}
            for name, fn in {
                "Sheaf API": lambda: sheaf_merge(sheaf, tens, work / "m1.pdf"),
                "qpdf CLI": lambda: qpdf_merge(tens, work / "m2.pdf"),
                "pypdf": lambda: pypdf_merge(tens, work / "m3.pdf"),
            }.items():
                results["merge"][name] = median([timed(fn) for _ in range(args.runs)])

            def fresh(name: str) -> Path:
                d = work / name
                shutil.rmtree(d, ignore_errors=True)
                d.mkdir()
                return d

            for name, fn in {
                "Sheaf API": lambda: sheaf_split(sheaf, big, work / "s1.zip"),
                "qpdf CLI": lambda: qpdf_split(big, fresh("s2")),
                "pypdf": lambda: pypdf_split(big, fresh("s3")),
            }.items():
                results["split"][name] = median([timed(fn) for _ in range(args.runs)])
            for task, label in (("merge", "merge 100 x 10 pages"), ("split", "split 1,000 pages")):
                r = results[task]
                print(f"{label} (median of {args.runs}):")
                for name, seconds in r.items():
                    print(f"  {name:10s} {seconds:7.2f} s")
                print(f"  ratio Sheaf / qpdf   {r['Sheaf API'] / r['qpdf CLI']:6.2f}")
                print(f"  ratio Sheaf / pypdf  {r['Sheaf API'] / r['pypdf']:6.2f}")
            import stamps

            stamps.measure(sheaf, big, work, args.runs)
        finally:
            sheaf.stop()
        # A fresh server, so the peak is the uploads' and not the merges' above.
        sheaf = Sheaf.start(
            ["--log-level", "warning"],
            data_dir=work / "sheaf2",
            env={"SHEAF_MAX_UPLOAD_MB": str(args.upload_mb + 10)},
        )
        try:
            requests.get(sheaf.base + "/", headers=sheaf.bearer(), timeout=30)
            before = rss(sheaf.proc.pid, "VmRSS")
            peak = peak_rss_under_uploads(sheaf, work, 8, args.upload_mb)
            total = 8 * args.upload_mb
            print(f"8 clients x {args.upload_mb} MB uploads at once:")
            print(
                f"  server RSS before {before / 2**20:5.0f} MB, peak {peak / 2**20:5.0f} MB "
                f"for {total} MB uploaded "
                f"(growth / uploaded = {(peak - before) / (total * 2**20):.3f})"
            )
        finally:
            sheaf.stop()
        if args.all:
            import page_ops

            page_ops.speed(work, args.runs)
            page_ops.memory(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
