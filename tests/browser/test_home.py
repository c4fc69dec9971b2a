"""The home page's filter: a tool is found by its words in either language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _visible(page) -> list[str]:
    return page.locator("#tool-grid li:visible a").evaluate_all(
        "links => links.map(a => a.dataset.tool)"
    )


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_filter_finds_a_tool_in_either_language(chromium, sheaf, locale):
    context = chromium.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        everything = _visible(page)
        assert len(everything) > 15
        for typed in ("水印", "watermark", "WaterMark"):
            page.fill("#tool-filter", typed)
            assert _visible(page) == ["watermark"], typed
        page.fill("#tool-filter", "压缩")
        assert _visible(page) == ["compress"]
        # Groups with nothing left say nothing: their headings go too.
        assert page.locator("#tool-grid h3:visible").count() == 1
        page.fill("#tool-filter", "zzzz-no-such-tool")
        assert _visible(page) == []
        assert "zzzz-no-such-tool" in page.inner_text("#tool-filter-status")
        page.press("#tool-filter", "Escape")
        assert _visible(page) == everything
        page.fill("#tool-filter", "水印")
        with page.expect_navigation():
            page.press("#tool-filter", "Enter")  # one match: Enter opens it
        assert page.url.endswith("/tools/watermark")
    finally:
        context.close()
