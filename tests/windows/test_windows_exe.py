"""The Windows one-file exe, run under Wine as a person would run it: it starts, answers,
does real PDF work through its API with pikepdf and pdfium inside it, opens a file with a
Chinese name given on its command line, quits through its own Quit, and leaves nothing
unpacked behind."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest
import requests
from helpers.binaries import exercise
from helpers.wine_support import (
    leftover_unpack_folders,
    quit_through_its_page,
    run_to_end,
    start,
    top_windows,
    virtual_display,
    winpath,
)

pytestmark = pytest.mark.windows

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


def test_names_checksums_and_build_info(windows_dist):

    from build_scripts.project import project

    info, exe = windows_dist.info, windows_dist.exe
    assert re.fullmatch(rf"Sheaf-{re.escape(info['version'])}-windows-x86_64\.exe", exe.name)
    assert re.fullmatch(r"Sheaf-.+-windows-x86_64-setup\.exe", windows_dist.setup.name)
    assert exe.read_bytes()[:2] == b"MZ"
    digest = hashlib.sha256(exe.read_bytes()).hexdigest()
    assert info["sha256"] == digest
    assert f"{digest}  {exe.name}" in (windows_dist.folder / "SHA256SUMS").read_text()
    # The interpreter every release bundles, with its exact patch release.
    assert info["python"].rsplit(".", 1)[0] == project().release_python
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["python"]) and info["os"] == "windows"


def test_the_exe_works_opens_a_chinese_named_file_and_quits_cleanly(
    windows_dist, prefix, samples, tmp_path: Path
):
    folder = tmp_path / "我的 文件"
    folder.mkdir()
    report = folder / "季度 报告.pdf"
    shutil.copy(samples / FOUR, report)
    data = tmp_path / "data"
    sheaf = start(prefix, windows_dist.exe, ["--data-dir", winpath(data), winpath(report)])
    try:
        # Rotate and compress (qpdf), Chinese page numbers (fontTools and the CJK font),
        # redact and pages to images (pdfium, Pillow): every native part of the exe.
        exercise(sheaf, samples)

        # The file given on the command line is open, under its Chinese name.
        page = requests.get(f"{sheaf.base}/opened", headers=sheaf.bearer(), timeout=30).text
        assert "季度 报告.pdf" in page and "我的 文件" in page
        file_id = re.search(r'id="file-([^"]+)"', page).group(1)
        got = requests.get(
            f"{sheaf.base}/opened/{file_id}/file", headers=sheaf.bearer(), timeout=30
        )
        assert got.content == report.read_bytes()
        assert leftover_unpack_folders(prefix), "a one-file exe runs from an unpacked folder"
    except BaseException:
        prefix.stop()
        raise
    assert quit_through_its_page(sheaf) == 0, sheaf.output()
    assert leftover_unpack_folders(prefix) == []
    assert (data / "logs" / "sheaf.log").is_file()


def test_version_and_help_reach_a_console(windows_dist, prefix):
    """With standard handles (a console, a pipe) the windowed exe prints as anywhere;
    without them it shows a message box (the next test). The one-file download, then
    the installed program (the onedir build), which starts faster."""
    done = run_to_end(prefix, [str(windows_dist.exe), "--version"])
    assert done.returncode == 0 and f"Sheaf {windows_dist.info['version']}" in done.stdout
    assert leftover_unpack_folders(prefix) == []
    installed = windows_dist.onedir / "Sheaf.exe"
    done = run_to_end(prefix, [str(installed), "--help"])
    assert done.returncode == 0 and "--no-browser" in done.stdout
    done = run_to_end(prefix, [str(installed), "--no-such-option"])
    assert done.returncode == 2 and "unrecognized arguments" in done.stdout


def _box(prefix, display: str, exe, *args: str):
    """Start the exe as Explorer or a shortcut does (no standard handles), wait for its
    message box, and return the box's place and a picture of it."""
    from helpers.support import wait_until
    from PIL import ImageGrab

    def box():
        return next((w for w in top_windows(display) if w[0] == "Sheaf"), None)

    wait_until(lambda: box() is None, 30, "no box of an earlier start")
    launcher = prefix.popen(["start", "/unix", str(exe), *args], {"DISPLAY": display})
    launcher.stdin.close()  # start.exe hands over and ends; Sheaf keeps the pipe open
    launcher.wait(timeout=60)
    launcher.stdout.close()

    since: dict[object, float] = {}

    def settled():
        """The box, once it has kept its place and size for a second (Wine shows it, then
        sizes it to its text and draws it)."""
        now = box()
        since.setdefault(now, time.monotonic())
        return now if now and time.monotonic() - since[now] > 1.0 else None

    try:
        # Generous: a one-file exe unpacks itself under Wine first, slowly on a busy machine.
        _, x, y, w, h = wait_until(settled, 300, "Sheaf's message box")
        shot = ImageGrab.grab(xdisplay=display).crop((x, y, x + w, y + h)).convert("RGB")
        return (w, h), shot
    finally:
        prefix.stop()  # closes the box: the person would press OK


def _reddish(image) -> int:
    colours = image.getcolors(image.width * image.height)
    return sum(n for n, (r, g, b) in colours if r > 180 and g < 90 and b < 90)


def test_without_a_console_help_version_and_errors_show_a_message_box(windows_dist, prefix):
    if not (shutil.which("Xvfb") and shutil.which("xwininfo")):
        reason = "needs Xvfb and xwininfo (Debian: xvfb, x11-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run it")
        pytest.skip(reason)
    with virtual_display() as display:
        (_, h), version = _box(prefix, display, windows_dist.exe, "--version")
        assert h < 200 and _reddish(version) == 0, (h, _reddish(version))  # information
        (_, h), _ = _box(prefix, display, windows_dist.exe, "--help")
        assert h > 300, h  # the whole option list
        _, error = _box(prefix, display, windows_dist.exe, "--no-such-option")
        assert _reddish(error) > 50, _reddish(error)  # the error icon
        assert not [t for t in top_windows(display) if t[0] == "Sheaf"]
