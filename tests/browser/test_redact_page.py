"""The redaction page in a real Chromium: the hidden-information checkbox follows the
words until the person sets it, and the result says where else the words went."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from helpers.browser import choose, download
from helpers.redaction_docs import Doc
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def secret_pdf(tmp_path: Path) -> Path:
    doc = Doc.new("ZEBRA42")
    doc.write(0, "ZEBRA42", 40, 120)
    doc.pdf.docinfo["/Title"] = "ZEBRA42 plan"
    doc.pdf.attachments["plan.txt"] = pikepdf.AttachedFileSpec(
        doc.pdf, b"plan", filename="plan.txt"
    )
    path = tmp_path / "secret.pdf"
    path.write_bytes(doc.save())
    return path


def _run(page) -> bytes:
    return download(page)


def test_hidden_information_follows_the_words_until_set(chromium, sheaf, secret_pdf):
    context = chromium.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/redact", wait_until="load")
        choose(page, str(secret_pdf))
        expect(page.locator("#page-image")).to_have_attribute("src", re.compile("^data:"))
        hidden = page.locator("#opt-remove_hidden")
        expect(hidden).not_to_be_checked()  # nothing to remove yet: areas alone keep it
        page.fill("#opt-text", "ZEBRA42")
        expect(hidden).to_be_checked()
        hidden.uncheck()
        page.fill("#opt-text", "ZEBRA4")
        page.fill("#opt-text", "ZEBRA42")
        expect(hidden).not_to_be_checked()  # the person's choice stands
        kept = _run(page)
        with pikepdf.open(io.BytesIO(kept)) as pdf:
            assert list(pdf.attachments) == ["plan.txt"]
            assert "ZEBRA42" not in str(pdf.docinfo["/Title"])
        result = page.locator("#result")
        expect(result).to_contain_text("document details")
        expect(result).to_contain_text(": 1")
        expect(result).not_to_contain_text("Hidden information")
        hidden.check()
        removed = _run(page)
        with pikepdf.open(io.BytesIO(removed)) as pdf:
            assert not pdf.attachments and "/Info" not in pdf.trailer
        expect(result).to_contain_text("Hidden information")
    finally:
        context.close()
