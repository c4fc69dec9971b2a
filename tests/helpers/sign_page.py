"""What the Sign page's browser tests share: opening the page with a file, drawing
on the pad, dragging on the page picture, and reading ink and numbers back."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
from playwright.sync_api import expect

from helpers.browser import choose
from helpers.browser import download as take

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
EMPTY = {
    "en-US": "Draw, type or choose your signature first.",
    "zh-CN": "请先手写、输入或选择您的签名。",
}
FONTS = {
    "caveat": "Caveat-Regular",
    "dancing-script": "DancingScript-Regular",
    "great-vibes": "GreatVibes-Regular",
}


def opener(chromium, sheaf, samples, contexts: list):
    """open_page(locale, pick): the Sign page, with the 4-page sample chosen."""

    def open_page(locale: str = "en-US", pick: bool = True):
        context = chromium.new_context(accept_downloads=True, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/sign", wait_until="load")
        if pick:
            choose(page, str(samples / FOUR))
            expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
            expect(page.locator("#page-label")).to_have_text(re.compile("4"))  # the last page
            expect(page.locator(".mark-place")).to_have_count(1)
        return page

    return open_page


def download(page) -> bytes:
    return take(page)


def draw(page) -> None:
    page.locator("#pad").scroll_into_view_if_needed()
    pad = page.locator("#pad").bounding_box()
    page.mouse.move(pad["x"] + 40, pad["y"] + pad["height"] / 2)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(pad["x"] + 40 + i * 15, pad["y"] + pad["height"] / 2 + (i % 5) * 6)
    page.mouse.up()


def shown_ink(page) -> int:
    """Painted pixels of the signature in its box on the page preview."""
    return page.evaluate(
        """() => {
          const c = document.querySelector('.mark-place canvas.sign-shown');
          if (!c) return -1;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }"""
    )


def numbers(page) -> dict[str, float]:
    return {k: float(page.input_value(f"#opt-{k}")) for k in ("x", "y", "width")}


def ink(data: bytes, page: int, box: tuple[float, float, float, float]) -> int:
    """Dark blue pixels of the signed page inside box (fractions: left, top, right, bottom)."""
    rendered = pdfium.PdfDocument(io.BytesIO(data))[page].render(scale=1).to_pil().convert("RGB")
    w, h = rendered.size
    region = rendered.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    return len([p for p in region.get_flattened_data() if p[2] > p[0] + 30])


def type_name(page, name: str, font: str = "caveat") -> None:
    page.click("#way-type")
    page.fill("#opt-text", name)
    page.check(f"#opt-font-{font}")
