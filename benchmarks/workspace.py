"""Five steps chained through the workspace against the same five through the API.

    uv run python benchmarks/workspace.py [--pages 1000] [--mb 100]

A desktop Sheaf, one document of ``--pages`` pages and about ``--mb`` MB (a distinct
photo-like picture on every page, so nothing shrinks by accident), and five steps:
rotate, page numbers, watermark, remove metadata, compress (lossless, so the time is
Sheaf's work and not the picture encoder's). The reference calls the five operations
one after the other with ``requests``, each on the previous result. The workspace run
is a real Chromium pressing the buttons: choose the file once, run, "Continue with
another tool", run... until the fifth result is shown (its pictures included).

Prints both times, their ratio (goal: at most 1.2) and the longest task Chromium's
performance timeline saw on the page while results arrived (goal: none over 200 ms).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

STEPS = [
    ("rotate", "rotate", {}),
    ("page-numbers", "page-numbers", {}),
    ("watermark", "watermark", {"text": "DRAFT"}),
    ("strip-metadata", "metadata/strip", {}),
    ("compress", "compress", {"level": "lossless"}),
]


def document(pages: int, megabytes: float) -> bytes:
    """Pages that each carry their own noisy picture, about ``megabytes`` in all."""
    import pikepdf
    from PIL import Image

    per_page = megabytes * 1024 * 1024 / pages
    side = max(64, int((per_page / 0.87) ** 0.5))  # grey noise: ~0.87 bytes a pixel as JPEG
    rng = random.Random(7)
    pdf = pikepdf.new()
    for n in range(pages):
        noise = bytes(rng.getrandbits(8) for _ in range(side * side))
        buffer = io.BytesIO()
        Image.frombytes("L", (side, side), noise).save(buffer, "JPEG", quality=92)
        image = pikepdf.Stream(pdf, buffer.getvalue())
        image.update(
            {
                "/Type": "/XObject",
                "/Subtype": "/Image",
                "/Width": side,
                "/Height": side,
                "/ColorSpace": "/DeviceGray",
                "/BitsPerComponent": 8,
                "/Filter": "/DCTDecode",
            }
        )
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj["/Resources"] = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj["/Contents"] = pdf.make_stream(f"q 400 0 0 400 97 221 cm /Im0 Do Q % {n}".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def direct(sheaf, data: bytes) -> float:
    import requests

    start = time.perf_counter()
    name = "report.pdf"
    for _, op, fields in STEPS:
        r = requests.post(
            f"{sheaf.base}/api/v1/{op}",
            headers=sheaf.bearer(),
            files=[("file", (name, data, "application/pdf"))],
            data=fields,
            timeout=1800,
        )
        r.raise_for_status()
        data = r.content
    return time.perf_counter() - start


#: Long tasks from the press of the button on (not the page's own loading).
LONG_TASKS = """() => {
  window.__long = [];
  const since = performance.now();
  new PerformanceObserver(list => list.getEntries().forEach(e => {
    if (e.startTime >= since) window.__long.push(e.duration);
  })).observe({type: 'longtask', buffered: true});
}"""


def through_workspace(sheaf, path: Path) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/rotate", wait_until="load")
        page.set_input_files("#file-input", str(path))
        page.wait_for_selector("#file-list .file-item", timeout=600_000)
        longest = 0.0
        start = time.perf_counter()
        for i, (slug, _, fields) in enumerate(STEPS):
            if i:  # "Continue with another tool", or the home page's list for the rest
                offered = page.locator(f"#continue a[data-tool={slug}]")
                if offered.count():
                    offered.click()
                else:
                    page.goto(f"{sheaf.base}/tools/{slug}")
                page.wait_for_selector("#file-list .file-item", timeout=600_000)
            for name, value in fields.items():
                target = page.locator(f"#opt-{name}")
                if target.evaluate("e => e.tagName") == "SELECT":
                    target.select_option(value)
                else:
                    target.fill(value)
            page.evaluate(LONG_TASKS)
            page.click("#run-button")
            page.wait_for_selector("#result .result-page img", timeout=1_800_000)
            longest = max([longest, *page.evaluate("window.__long")])
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed, longest


def main() -> int:
    from helpers.support import Sheaf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--mb", type=float, default=100.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(document(args.pages, args.mb))
        size = path.stat().st_size / 1024 / 1024
        steps = ", ".join(slug for slug, _, _ in STEPS)
        print(f"document: {args.pages} pages, {size:.1f} MB; steps: {steps}")
        sheaf = Sheaf.start(data_dir=Path(tmp) / "data")
        try:
            api = direct(sheaf, path.read_bytes())
            ui, longest = through_workspace(sheaf, path)
        finally:
            sheaf.stop()
    print(f"API, five calls:          {api:7.1f} s")
    print(f"workspace, five steps:    {ui:7.1f} s")
    print(f"ratio workspace / API:    {ui / api:7.2f}  (goal <= 1.2)")
    print(f"longest task on the page: {longest:7.0f} ms (goal <= 200)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
