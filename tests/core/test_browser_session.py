"""The desktop session in a real headless Chromium: sign-in through the private
redirect file, reloads that must not stop Sheaf, and quitting when the last tab closes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers.support import Sheaf, browser_env, wait_until

pytestmark = pytest.mark.browser


def test_redirect_file_signs_in_and_hides_the_token(chromium, tmp_path: Path):
    log = tmp_path / "browser.log"
    sheaf = Sheaf.start(data_dir=tmp_path / "root", env=browser_env(log), browser=True)
    context = chromium.new_context()
    try:
        opened = wait_until(lambda: log.exists() and log.read_text().split(), 30, "browser")
        page = context.new_page()
        # What the person's browser does: open the private file, follow it to Sheaf.
        page.goto(opened[0])
        page.wait_for_url(f"{sheaf.base}/", timeout=15000)
        assert page.locator("#quit-button").is_visible()
        assert "token" not in page.url
        cookies = {c["name"]: c for c in context.cookies()}
        session = cookies[f"sheaf_session_{sheaf.port}"]
        assert session["httpOnly"] and session["sameSite"] == "Strict"
    finally:
        context.close()
        sheaf.stop()


def test_reload_keeps_sheaf_and_closing_the_last_tab_quits(chromium, tmp_path: Path):
    sheaf = Sheaf.start(["--idle-timeout", "2"], data_dir=tmp_path / "root")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        for _ in range(3):
            page.reload()
        second = context.new_page()
        second.goto(sheaf.base + "/")
        page.close()  # one tab left: Sheaf stays
        sheaf.stays_running(4)  # twice the idle timeout
        second.close(run_before_unload=True)
        assert sheaf.wait_exit(30) == 0
    finally:
        context.close()
        sheaf.stop()


def test_quit_asks_first_mentions_other_tabs_and_leaves_no_controls(chromium, tmp_path: Path):
    sheaf = Sheaf.start(data_dir=tmp_path / "root")
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        other = context.new_page()  # a second Sheaf tab, e.g. with files chosen
        other.goto(f"{sheaf.base}/tools/merge")
        other.wait_for_load_state("load")
        asked: list[str] = []

        def answer(accept: bool):
            def handle(dialog) -> None:
                asked.append(dialog.message)
                dialog.accept() if accept else dialog.dismiss()

            return handle

        page.once("dialog", answer(False))
        page.click("#quit-button", no_wait_after=True)
        deadline = time.monotonic() + 10
        while not asked and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # lets Playwright deliver the dialog event
        assert asked and "1 other Sheaf tab" in asked[0]
        sheaf.stays_running(1.0)  # "no" means no
        page.once("dialog", answer(True))
        page.click("#quit-button", no_wait_after=True)
        page.wait_for_selector("#stopped")
        assert sheaf.wait_exit(30) == 0
        # The stopped page offers nothing that would lead to "site can't be reached".
        assert page.locator("header form, header button, header select").count() == 0
    finally:
        context.close()
        sheaf.stop()
