"""Opening files with the desktop Sheaf: ``Sheaf FILE...``, a second launch handing files
over (through a dead proxy), the page that shows them, and saving next to the original.
Real launcher processes; the browser is the recording stand-in or a real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from helpers.browser import download
from helpers.support import LAUNCHER, Sheaf, base_env, browser_env, wait_until
from playwright.sync_api import expect

from app.runtime.browser import sandbox_readable
from app.runtime.instance import read_record
from app.security.tickets import Tickets

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"


def _folder_with_files(tmp_path: Path, samples: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "我的 文件"  # Chinese and a space, as people name folders
    folder.mkdir()
    report = folder / "季度 报告.pdf"
    shutil.copy(samples / FOUR, report)
    other = folder / "second.pdf"
    shutil.copy(samples / OUTLINE, other)
    return folder, report, other


def _signed_in(url_opened: str) -> requests.Session:
    """Follow what the browser was given (redirect file or ticket link) into Sheaf."""
    s = requests.Session()
    if url_opened.startswith("file://"):
        page = Path(url_opened.removeprefix("file://")).read_text(encoding="utf-8")
        url_opened = re.search(r'url=([^"]+)"', page).group(1).replace("&amp;", "&")
    s.get(url_opened, timeout=10).raise_for_status()
    return s


def _opened(session: requests.Session, base: str) -> str:
    r = session.get(base + "/opened", timeout=10)
    r.raise_for_status()
    return r.text


def test_sandbox_readable_folders():
    home = Path("/home/ada")
    assert sandbox_readable(home / "Sheaf", home, "linux")
    assert not sandbox_readable(home / ".local/share/Sheaf", home, "linux")
    assert not sandbox_readable(Path("/tmp/sheaf"), home, "linux")
    assert sandbox_readable(home / ".local/share/Sheaf", home, "darwin")
    assert sandbox_readable(Path("C:/Users/ada/AppData/Local/Sheaf"), Path("C:/Users/ada"), "win32")


def test_a_ticket_works_once_and_not_for_long():
    now = [0.0]
    tickets = Tickets(clock=lambda: now[0])
    first, second = tickets.issue(), tickets.issue()
    assert first != second
    assert tickets.redeem(first) and not tickets.redeem(first)
    now[0] = 121.0
    assert not tickets.redeem(second)


def test_launch_with_files_opens_a_page_that_shows_them(tmp_path: Path, samples):
    folder, report, _ = _folder_with_files(tmp_path, samples)
    log = tmp_path / "browser.log"
    missing = folder / "gone.pdf"
    not_pdf = folder / "notes.txt"
    not_pdf.write_text("hello")
    sheaf = Sheaf.start(
        [str(report), str(missing), str(folder), str(not_pdf)],
        data_dir=tmp_path / "root",
        env=browser_env(log),
        browser=True,
    )
    try:
        opened = wait_until(lambda: log.exists() and log.read_text().split(), 30, "the browser")
        assert sheaf.token not in opened[0]
        session = _signed_in(opened[0])
        page = _opened(session, sheaf.base)
        assert "季度 报告.pdf" in page and str(folder) in page
        assert "does not exist" in page and "is a folder" in page and "not a PDF" in page
        file_id = re.search(r'id="file-([^"]+)"', page).group(1)
        preview = session.get(f"{sheaf.base}/opened/{file_id}/preview", timeout=30).json()
        assert preview["pages"] == 4 and preview["image"].startswith("data:image/png")
        data = session.get(f"{sheaf.base}/opened/{file_id}/file", timeout=30)
        assert data.content == report.read_bytes()
        assert f"/tools/rotate?opened={file_id}" in page
    finally:
        sheaf.stop()


def test_a_sandboxed_browser_gets_a_ticket_link_instead_of_the_token(tmp_path: Path):
    log = tmp_path / "browser.log"
    hidden = tmp_path / ".local" / "share" / "Sheaf"  # the default place on Linux
    sheaf = Sheaf.start(data_dir=hidden, env=browser_env(log, home=tmp_path), browser=True)
    try:
        opened = wait_until(lambda: log.exists() and log.read_text().split(), 30, "the browser")
        assert opened[0].startswith(f"{sheaf.base}/?ticket=")
        assert sheaf.token not in opened[0]
        assert not list(hidden.rglob("open-sheaf.html"))
        session = requests.Session()
        assert session.get(opened[0], timeout=10).status_code == 200
        assert session.get(sheaf.base + "/", timeout=10).status_code == 200  # signed in
        assert requests.get(opened[0], timeout=10).status_code == 401  # spent
    finally:
        sheaf.stop()


def test_a_second_launch_hands_its_files_over_through_a_dead_proxy(tmp_path: Path, samples):
    _, report, other = _folder_with_files(tmp_path, samples)
    root = tmp_path / "root"
    log = tmp_path / "browser.log"
    first = Sheaf.start([str(report)], data_dir=root)
    try:
        dead = "http://127.0.0.1:9"  # nothing listens: every proxied request fails
        env = {**browser_env(log), "http_proxy": dead, "HTTP_PROXY": dead, "no_proxy": ""}
        second = subprocess.run(
            [sys.executable, str(LAUNCHER), "--data-dir", str(root), other.name],
            cwd=other.parent,  # a relative path, as a file manager may pass
            env=base_env(env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stdout + second.stderr
        opened = log.read_text().split()
        assert len(opened) == 1 and first.token not in opened[0]  # a private file
        assert f"{first.base}/opened?token=" in Path(opened[0].removeprefix("file://")).read_text()
        page = _opened(_signed_in(opened[0]), first.base)
        assert "季度 报告.pdf" in page and "second.pdf" in page
    finally:
        assert first.stop() == 0


def test_two_launches_with_files_at_once_give_one_sheaf_with_all_files(tmp_path: Path, samples):
    _, report, other = _folder_with_files(tmp_path, samples)
    root = tmp_path / "root"
    cmd = [sys.executable, str(LAUNCHER), "--no-browser", "--data-dir", str(root)]
    procs = [
        subprocess.Popen([*cmd, str(path)], env=base_env(), stdout=subprocess.PIPE, text=True)
        for path in (report, other)
    ]
    try:
        record = wait_until(lambda: read_record(root / "data"), 30, "a running Sheaf")
        ended = wait_until(lambda: [p for p in procs if p.poll() is not None], 60, "the hand-over")
        assert [p.returncode for p in ended] == [0]
        bearer = {"Authorization": f"Bearer {record.token}"}

        def both() -> bool:
            page = requests.get(record.url + "/opened", headers=bearer, timeout=10).text
            return "季度 报告.pdf" in page and "second.pdf" in page

        wait_until(both, 20, "both files on the page")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
            p.wait(timeout=20)


def test_save_next_to_the_original_never_overwrites_and_goes_nowhere_else(tmp_path: Path, samples):
    folder, report, _ = _folder_with_files(tmp_path, samples)
    sheaf = Sheaf.start([str(report)], data_dir=tmp_path / "root")
    try:
        session = sheaf.session()
        csrf = sheaf.csrf(session)
        page = _opened(session, sheaf.base)
        file_id = re.search(r'id="file-([^"]+)"', page).group(1)

        def save(name: str, fid: str = file_id) -> requests.Response:
            return session.post(
                f"{sheaf.base}/opened/{fid}/save",
                headers={"X-CSRF-Token": csrf},
                files={"file": ("r.pdf", b"%PDF-1.7 result", "application/pdf")},
                data={"name": name},
                timeout=10,
            )

        first = save("季度 报告-rotated.pdf")
        assert first.status_code == 201, first.text
        assert first.json() == {"name": "季度 报告-rotated.pdf", "folder": str(folder)}
        assert save("季度 报告-rotated.pdf").json()["name"] == "季度 报告-rotated (2).pdf"
        assert (folder / "季度 报告-rotated (2).pdf").read_bytes() == b"%PDF-1.7 result"
        # A name cannot leave the folder; an unknown id names nothing.
        assert save("../../escape.pdf").json() == {"name": "escape.pdf", "folder": str(folder)}
        assert not (tmp_path / "escape.pdf").exists()
        assert save("x.pdf", fid="not-an-id").status_code == 404
        # Pages cannot add files to the list: only a launch (with the token) can.
        r = session.post(
            sheaf.base + "/opened",
            headers={"X-CSRF-Token": csrf},
            json={"paths": ["/etc/passwd"]},
            timeout=10,
        )
        assert r.status_code == 403
    finally:
        sheaf.stop()


def test_a_file_or_folder_swapped_for_a_symlink_is_neither_read_nor_written(
    tmp_path: Path, samples
):
    folder, report, _ = _folder_with_files(tmp_path, samples)
    secret_folder = tmp_path / "elsewhere"
    secret_folder.mkdir()
    secret = secret_folder / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 someone else's file")
    sheaf = Sheaf.start([str(report)], data_dir=tmp_path / "root")
    try:
        session = sheaf.session()
        csrf = sheaf.csrf(session)
        file_id = re.search(r'id="file-([^"]+)"', _opened(session, sheaf.base)).group(1)
        url = f"{sheaf.base}/opened/{file_id}"

        def save(lang: str = "en") -> requests.Response:
            return session.post(
                url + "/save",
                headers={"X-CSRF-Token": csrf, "Accept-Language": lang},
                files={"file": ("r.pdf", b"%PDF-1.7 result", "application/pdf")},
                data={"name": "result.pdf"},
                timeout=10,
            )

        # The file itself becomes a symlink to another file.
        original = report.read_bytes()
        report.unlink()
        report.symlink_to(secret)
        r = session.get(url + "/file", timeout=10)
        assert r.status_code == 409 and b"someone else" not in r.content
        assert "replaced or changed after it was opened" in r.json()["message"]
        preview = session.get(url + "/preview", headers={"Accept-Language": "zh-CN"}, timeout=10)
        assert preview.status_code == 409 and "打开" in preview.json()["message"]
        assert save().status_code == 409
        # Put back as a new file with the same bytes: still not the file that was opened.
        report.unlink()
        report.write_bytes(original)
        assert session.get(url + "/file", timeout=10).status_code == 409
        # The folder becomes a symlink to another folder holding a file of that name.
        moved = tmp_path / "moved"
        folder.rename(moved)
        (secret_folder / report.name).write_bytes(b"%PDF-1.7 planted")
        folder.symlink_to(secret_folder)
        r = session.get(url + "/file", timeout=10)
        assert r.status_code == 409 and b"planted" not in r.content
        refused = save("zh-CN")
        assert refused.status_code == 409 and "文件夹" in refused.json()["message"]
        assert sorted(p.name for p in secret_folder.iterdir()) == ["secret.pdf", report.name]
    finally:
        sheaf.stop()


def test_pins_hold_for_reads_and_saves_without_a_server(tmp_path: Path):
    """The rules behind the routes above, on the folder swap done between the check
    of the folder and the write: the write goes through the descriptor checked."""
    from app.desktop.opened import FOLDER_CHANGED, Changed, OpenedFiles, open_pinned, save_next_to

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.7 a")
    link = tmp_path / "via-link.pdf"
    link.symlink_to(folder / "a.pdf")
    entry, via_link = OpenedFiles().add([str(folder / "a.pdf"), str(link)])
    assert via_link.path == folder / "a.pdf"  # a symlink the person opened is resolved
    with open_pinned(entry) as f:
        assert f.read() == b"%PDF-1.7 a"
    import io

    saved = save_next_to(entry, "../b.pdf", io.BytesIO(b"%PDF-1.7 b"))
    assert saved == folder / "b.pdf" and saved.read_bytes() == b"%PDF-1.7 b"
    other = tmp_path / "other"
    other.mkdir()
    os.link(folder / "a.pdf", other / "a.pdf")  # the same file, so only the folder differs
    folder.rename(tmp_path / "docs-old")
    folder.symlink_to(other)
    with pytest.raises(Changed) as refused:
        save_next_to(entry, "c.pdf", io.BytesIO(b"%PDF-1.7 c"))
    assert refused.value.message == FOLDER_CHANGED
    assert sorted(p.name for p in other.iterdir()) == ["a.pdf"]


def test_server_mode_has_no_opened_files(open_server):
    assert requests.get(open_server.base + "/opened", timeout=10).status_code == 404
    assert requests.get(open_server.base + "/opened/x/file", timeout=10).status_code == 404


@pytest.mark.browser
def test_a_tool_opened_on_a_file_saves_beside_it(chromium, tmp_path: Path, samples):
    folder, report, _ = _folder_with_files(tmp_path, samples)
    sheaf = Sheaf.start([str(report)], data_dir=tmp_path / "root")
    context = chromium.new_context(accept_downloads=True, locale="en-US")
    try:
        page = context.new_page()
        page.goto(sheaf.url.replace("/?", "/opened?"))
        page.wait_for_url(f"{sheaf.base}/opened")
        expect(page.locator(".opened-pages")).to_have_text("4 pages")
        with page.expect_navigation(wait_until="load"):
            page.click(".opened-tools >> text=Rotate pages")
        expect(page.locator("#file-list")).to_contain_text("季度 报告.pdf")
        download(page)
        page.click("#save-next")
        expect(page.locator("#saved-next")).to_contain_text("季度 报告-rotated.pdf")
        saved = folder / "季度 报告-rotated.pdf"
        assert saved.read_bytes()[:5] == b"%PDF-"
        assert report.read_bytes() == (samples / FOUR).read_bytes()  # the original as it was
    finally:
        context.close()
        sheaf.stop()


def test_menu_entry_install_and_uninstall(tmp_path: Path):
    home = tmp_path / "share"
    unrelated = home / "applications" / "other.desktop"
    unrelated.parent.mkdir(parents=True)
    unrelated.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n")
    env = base_env({"XDG_DATA_HOME": str(home)})
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), "--install"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    entry = home / "applications" / "org.sheaf_pdf.Sheaf.desktop"
    text = entry.read_text(encoding="utf-8")
    assert "MimeType=application/pdf;image/png;image/jpeg;image/tiff;image/webp;" in text
    assert "Categories=Office;Graphics;" in text and re.search(r"^Exec=.+ %F$", text, re.M)
    assert str(LAUNCHER) in text
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    # Errors and warnings fail; a hint about two main categories (the ones asked for:
    # Sheaf belongs in both Office and Graphics) is only advice.
    problems = [line for line in check.stdout.splitlines() if ": hint: " not in line]
    assert check.returncode == 0 and not problems, check.stdout + check.stderr
    icons = sorted(home.glob("icons/hicolor/*/apps/org.sheaf_pdf.Sheaf.png"))
    assert {p.parent.parent.name for p in icons} >= {"16x16", "48x48", "256x256", "512x512"}
    recorded = json.loads(
        (home / "applications" / "org.sheaf_pdf.Sheaf.installed.json").read_text()
    )
    assert str(entry) in recorded["files"]
    done = subprocess.run(
        [sys.executable, str(LAUNCHER), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    left = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file())
    assert left == [Path("applications/other.desktop")]
    assert not (home / "icons").exists()  # folders it made and emptied go too


def test_a_stale_record_is_gone_before_the_new_sheaf_serves(tmp_path: Path):
    root = tmp_path / "root"
    first = Sheaf.start(data_dir=root)
    first.proc.kill()  # no clean-up: the record stays, naming a dead process
    first.proc.wait()
    assert read_record(root / "data") is not None
    second = Sheaf.start(data_dir=root)
    try:
        record = read_record(root / "data")
        assert record is not None and record.pid == second.proc.pid
    finally:
        second.stop()
    deadline = time.monotonic() + 5
    while read_record(root / "data") is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert read_record(root / "data") is None
