"""Page numbers and a text watermark on 1,000 pages, against ``qpdf --overlay``.

qpdf gets a ready-made one-page stamp PDF and lays it over every page; Sheaf
typesets each page's number (a different text per page) or the watermark,
embeds the font subset and saves, through its HTTP API. The goal: at most
2x qpdf's time. Run by ``pdf_ops.py`` (step 5) or on its own:
``uv run python benchmarks/stamps.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import requests
from _common import REPO, median

sys.path.insert(0, str(REPO / "tests"))
from helpers.support import Sheaf


def make_stamp(path: Path) -> None:
    """A one-page PDF with a line of Helvetica text: what qpdf overlays."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[0]
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(b"BT /F1 10 Tf 290 28 Td (Page 1 of 1000) Tj ET")
        pdf.save(path)


def sheaf_stamp(sheaf: Sheaf, big: Path, op: str, form: dict, out: Path) -> None:
    with open(big, "rb") as f:
        r = requests.post(
            f"{sheaf.base}/api/v1/{op}",
            headers=sheaf.bearer(),
            files=[("file", ("big.pdf", f, "application/pdf"))],
            data=form,
            timeout=600,
        )
    r.raise_for_status()
    out.write_bytes(r.content)


def qpdf_overlay(big: Path, stamp: Path, out: Path) -> None:
    subprocess.run(
        ["qpdf", str(big), "--overlay", str(stamp), "--repeat=1", "--", str(out)], check=True
    )


def measure(sheaf: Sheaf, big: Path, work: Path, runs: int) -> None:
    stamp = work / "stamp.pdf"
    make_stamp(stamp)

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    reference = median(
        [timed(lambda: qpdf_overlay(big, stamp, work / "q.pdf")) for _ in range(runs)]
    )
    jobs = {
        "page numbers": ("page-numbers", {"format": "Page {n} of {total}"}),
        "text watermark": ("watermark", {"text": "CONFIDENTIAL 机密"}),
    }
    print(f"stamps on 1,000 pages (median of {runs}):")
    print(f"  qpdf --overlay   {reference:7.2f} s")
    for label, (op, form) in jobs.items():

        def run(op: str = op, form: dict = form) -> None:
            sheaf_stamp(sheaf, big, op, form, work / "s.pdf")

        took = median([timed(run) for _ in range(runs)])
        print(f"  Sheaf {label:15s} {took:7.2f} s   ratio Sheaf / qpdf {took / reference:5.2f}")


def main() -> None:
    import shutil
    import tempfile

    from pdf_ops import make_inputs

    work = Path(tempfile.mkdtemp(prefix="sheaf-bench-"))
    try:
        _, big = make_inputs(work)
        sheaf = Sheaf.start(["--log-level", "warning"], data_dir=work / "sheaf")
        try:
            measure(sheaf, big, work, 3)
        finally:
            sheaf.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
