"""Redaction of a 100-page document through Sheaf's HTTP API, against poppler's renderer.

Redaction's cost is drawing the pages that become pictures; so the reference is
``pdftoppm`` drawing the same pages at the same resolution (150 dpi) in the
same run. Three cases on the first 100 pages of a shared pdflatex sample:

* ``text, every page``: a word on 93 of the 100 pages (searched, drawn twice to
  black what the word draws, scrubbed from the rest of the file);
* ``text, one page``: a word on one page (mostly the search and the scrub);
* ``areas, every page``: one box on each page.

Also printed: the server's peak memory (VmHWM) after each case, each case on a
fresh server, against the per-request memory budget. Run with
``uv run python benchmarks/redact.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import requests
from _common import REPO, median

sys.path.insert(0, str(REPO / "tests"))
from helpers.support import Sheaf, samples_dir

SOURCE = "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"
PAGES = 100
AREAS = json.dumps(
    [{"page": n, "x": 0.1, "y": 0.1, "width": 0.5, "height": 0.1} for n in range(1, PAGES + 1)]
)
CASES = (
    ("text, every page", {"text": "und"}),
    ("text, one page", {"text": "GeoTopo"}),
    ("areas, every page", {"areas": AREAS}),
)


def make_input(work: Path) -> Path:
    with pikepdf.open(samples_dir() / SOURCE) as src, pikepdf.new() as out:
        out.pages.extend(src.pages[:PAGES])
        path = work / "hundred.pdf"
        out.save(path)
    return path


def sheaf_redact(sheaf: Sheaf, path: Path, form: dict) -> dict:
    with open(path, "rb") as f:
        r = requests.post(
            f"{sheaf.base}/api/v1/redact",
            headers=sheaf.bearer(),
            files=[("file", ("hundred.pdf", f, "application/pdf"))],
            data=form,
            timeout=1200,
        )
    r.raise_for_status()
    return json.loads(unquote(r.headers["X-Sheaf-Report"]))


def peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        hundred = make_input(work)
        reference = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(
                ["pdftoppm", "-r", "150", "-png", str(hundred), str(work / "page")], check=True
            )
            reference.append(time.perf_counter() - start)
        ref = median(reference)
        print(f"pdftoppm -r 150, {PAGES} pages: {ref:.2f} s")
        for name, form in CASES:
            times, peaks, report = [], [], {}
            for run in range(args.runs):
                sheaf = Sheaf.start(data_dir=work / f"data-{name[:4]}-{run}")
                try:
                    start = time.perf_counter()
                    report = sheaf_redact(sheaf, hundred, form)
                    times.append(time.perf_counter() - start)
                    peaks.append(peak_mib(sheaf.proc.pid))
                finally:
                    sheaf.stop()
            took = median(times)
            print(
                f"Sheaf redact ({name}): {took:.2f} s, {len(report.get('pages', []))} pages"
                f" pictures, ratio {took / ref:.2f}x pdftoppm; server peak {max(peaks):.0f} MiB"
            )


if __name__ == "__main__":
    main()
