"""Make the README's pictures from the real app: ``uv run python docs/screenshots.py``.

A desktop Sheaf with its own data folder, the system Chromium at a laptop's size, the
home page with a file in the workspace, and the page organizer with a shared sample.
The suite runs this (tests/browser/test_screenshots.py) so it keeps working; the
pictures in docs/ are made again by running it, never drawn by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

SAMPLE = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
VIEWPORT = {"width": 1280, "height": 800}


def make(out: Path, samples: Path) -> list[Path]:
    from helpers.support import Sheaf
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as data:
        sheaf = Sheaf.start(data_dir=Path(data))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
                page = browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
                page.goto(sheaf.url)
                page.wait_for_url(f"{sheaf.base}/")
                page.set_input_files("#workspace-input", str(samples / SAMPLE))
                page.wait_for_selector("#workspace-list .workspace-thumb[src^='data:']")
                made.append(out / "home.png")
                page.screenshot(path=str(made[-1]))
                page.goto(f"{sheaf.base}/tools/organize", wait_until="load")
                page.locator("#page-grid .page").nth(3).wait_for()
                page.locator("#page-grid .page-select").nth(1).click()
                made.append(out / "organizer.png")
                page.screenshot(path=str(made[-1]))
                browser.close()
        finally:
            sheaf.stop()
    return made


def main() -> int:
    from helpers.support import samples_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    for path in make(args.out, samples_dir()):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
