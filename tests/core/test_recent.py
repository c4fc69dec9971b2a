"""The desktop's "Recent files": what is listed, kept across restarts, opened again and
taken off the list, and what an edited or corrupt list cannot make Sheaf do.
Real launcher processes and real files; forms posted as a browser without scripts would."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path

import requests
from helpers.support import Sheaf

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"
ITEM = re.compile(
    r'<li class="recent-item" id="recent-([^"]+)">.*?class="recent-name"[^>]*>([^<]+)<'
    r'.*?class="recent-folder hint" title="([^"]*)"',
    re.S,
)


def _folder_with_files(tmp_path: Path, samples: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "我的 文件"
    folder.mkdir()
    report = folder / "季度 报告.pdf"
    shutil.copy(samples / FOUR, report)
    other = folder / "second.pdf"
    shutil.copy(samples / OUTLINE, other)
    return folder, report, other


def _listed(session: requests.Session, base: str, lang: str = "en") -> list[tuple[str, ...]]:
    """(id, name, folder) of each entry on the home page, top first."""
    r = session.get(base + "/", headers={"Accept-Language": lang}, timeout=10)
    r.raise_for_status()
    return ITEM.findall(r.text)


def _post(session: requests.Session, url: str, csrf: str, **kw) -> requests.Response:
    """A plain form post, as a browser without scripts sends it."""
    return session.post(url, data={"csrf_token": csrf}, timeout=10, **kw)


def _ids_by_name(session: requests.Session, base: str) -> dict[str, str]:
    return {name: entry_id for entry_id, name, _ in _listed(session, base)}


def test_opened_and_saved_files_are_listed_after_a_restart(tmp_path: Path, samples):
    folder, report, _ = _folder_with_files(tmp_path, samples)
    root = tmp_path / "root"
    sheaf = Sheaf.start([str(report)], data_dir=root)
    try:
        session = sheaf.session()
        csrf = sheaf.csrf(session)
        page = session.get(sheaf.base + "/opened", timeout=10).text
        file_id = re.search(r'id="file-([^"]+)"', page).group(1)
        saved = session.post(
            f"{sheaf.base}/opened/{file_id}/save",
            headers={"X-CSRF-Token": csrf},
            files={"file": ("r.pdf", b"%PDF-1.7 result", "application/pdf")},
            data={"name": "季度 报告-rotated.pdf"},
            timeout=10,
        )
        assert saved.status_code == 201, saved.text
    finally:
        assert sheaf.stop() == 0
    again = Sheaf.start(data_dir=root)  # no files: only the list remembers them
    try:
        listed = _listed(again.session(), again.base)
        assert [(name, where) for _, name, where in listed] == [
            ("季度 报告-rotated.pdf", str(folder)),  # newest first
            ("季度 报告.pdf", str(folder)),
        ]
        home = again.session().get(again.base + "/", timeout=10).text
        assert "Recent files" in home and "Saved by Sheaf" in home
    finally:
        again.stop()
    store = root / "data" / "recent.json"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    raw = store.read_bytes()
    assert b"%PDF" not in raw and report.read_bytes()[:200] not in raw
    entries = json.loads(raw)["entries"]
    assert [set(e) for e in entries] == [{"id", "path", "name", "folder", "when", "how"}] * 2
    assert [(e["path"], e["how"]) for e in entries] == [
        (str(folder / "季度 报告-rotated.pdf"), "saved"),
        (str(report), "opened"),
    ]
    assert not [p for p in store.parent.iterdir() if p.name.endswith(".tmp")]


def test_remove_and_open_again_and_a_file_that_is_gone(tmp_path: Path, samples):
    _, report, other = _folder_with_files(tmp_path, samples)
    sheaf = Sheaf.start([str(report), str(other)], data_dir=tmp_path / "root")
    try:
        session = sheaf.session()
        csrf = sheaf.csrf(session)
        ids = _ids_by_name(session, sheaf.base)
        assert list(ids) == ["second.pdf", "季度 报告.pdf"]
        # Remove: a plain form post; back on the home page without it; the file stays.
        url = f"{sheaf.base}/recent/{ids['second.pdf']}/remove"
        assert _post(session, url, "wrong").status_code == 403  # CSRF like every change
        assert session.get(url, timeout=10).status_code == 405  # a link cannot remove
        r = _post(session, url, csrf)
        assert r.status_code == 200 and r.url == f"{sheaf.base}/#recent"
        assert list(_ids_by_name(session, sheaf.base)) == ["季度 报告.pdf"]
        assert other.read_bytes() == (samples / OUTLINE).read_bytes()
        assert _post(session, url, csrf).status_code == 200  # already gone: no error
        # Open again: registered like a launch's file, then its page with the tools.
        opened = _post(
            session, f"{sheaf.base}/recent/{ids['季度 报告.pdf']}/open", csrf, allow_redirects=False
        )
        assert opened.status_code == 303
        page = session.get(sheaf.base + opened.headers["Location"], timeout=10).text
        new_id = re.findall(r'id="file-([^"]+)"', page)
        assert len(new_id) == 1 and "季度 报告.pdf" in page
        assert f"/tools/rotate?opened={new_id[0]}" in page
        content = session.get(f"{sheaf.base}/opened/{new_id[0]}/file", timeout=10)
        assert content.content == report.read_bytes()
        assert _post(session, f"{sheaf.base}/recent/not-an-id/open", csrf).status_code == 404
        # The file is deleted: plain words in the person's language, and a way off the list.
        report.unlink()
        gone_url = f"{sheaf.base}/recent/{ids['季度 报告.pdf']}/open"
        gone = _post(session, gone_url, csrf)
        assert gone.status_code == 404
        assert "This file is not there any more" in gone.text
        assert f'action="/recent/{ids["季度 报告.pdf"]}/remove"' in gone.text
        zh = _post(session, gone_url, csrf, headers={"Accept-Language": "zh-CN"})
        assert "这个文件已不在原处" in zh.text and "从列表中移除" in zh.text
        _post(session, f"{sheaf.base}/recent/{ids['季度 报告.pdf']}/remove", csrf)
        home = session.get(sheaf.base + "/", timeout=10).text
        assert "Recent files" not in home  # an empty list shows no heading
    finally:
        sheaf.stop()


def test_a_corrupt_list_does_not_break_the_home_page(tmp_path: Path, samples):
    _, report, _ = _folder_with_files(tmp_path, samples)
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    store = root / "data" / "recent.json"
    for corrupt in (b"{not json", b"\xff\xfe\x00", b'{"entries": 7}', b"[]"):
        store.write_bytes(corrupt)
        sheaf = Sheaf.start(data_dir=root)
        try:
            r = sheaf.session().get(sheaf.base + "/", timeout=10)
            assert r.status_code == 200 and "Recent files" not in r.text
        finally:
            sheaf.stop()
    # Opening a file starts the list afresh over the corrupt one.
    sheaf = Sheaf.start([str(report)], data_dir=root)
    try:
        assert [name for _, name, _ in _listed(sheaf.session(), sheaf.base)] == ["季度 报告.pdf"]
    finally:
        sheaf.stop()
    log = "\n".join(p.read_text() for p in (root / "logs").glob("sheaf.log*"))
    assert "recent files list" in log


def test_an_edited_list_cannot_open_anything_else(tmp_path: Path, samples):
    """The list is only a file in the person's data folder, so it may be edited: only
    regular PDFs and images within the upload limit are opened from it."""
    folder, report, _ = _folder_with_files(tmp_path, samples)
    (folder / "link.pdf").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pipe.pdf")
    (folder / "big.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    (folder / "dir.pdf").mkdir()
    odd = ["/etc/passwd", str(folder / "link.pdf"), str(folder / "pipe.pdf")]
    odd += [str(folder / "dir.pdf"), str(folder / "big.pdf"), str(report)]
    entries = [
        {
            "id": f"entry-{n:04d}",
            "path": path,
            "name": Path(path).name,
            "folder": str(Path(path).parent),
            "when": 1.0,
            "how": "opened",
        }
        for n, path in enumerate(odd)
    ]
    entries += [{"id": "../x", "path": "relative.pdf"}, {"id": "short", "path": 3}]
    # A name or folder that is not where the path leads would mislead the person.
    entries.append(
        {
            **entries[len(odd) - 1],
            "id": "entry-lies",
            "name": "harmless.pdf",
            "path": str(folder / "second.pdf"),
        }
    )
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    (root / "data" / "recent.json").write_text(json.dumps({"entries": entries}))
    sheaf = Sheaf.start(data_dir=root, env={"SHEAF_MAX_UPLOAD_MB": "1"})
    try:
        session = sheaf.session()
        csrf = sheaf.csrf(session)
        listed = _listed(session, sheaf.base)
        assert len(listed) == len(odd)  # the malformed ones are skipped
        assert "harmless.pdf" not in {name for _, name, _ in listed}
        for n, path in enumerate(odd[:-1]):
            r = _post(session, f"{sheaf.base}/recent/entry-{n:04d}/open", csrf)
            assert r.status_code == 422, (path, r.status_code)
            assert "root:" not in r.text
            assert "cannot open this file" in r.text or "larger than Sheaf can open" in r.text
        fine = _post(session, f"{sheaf.base}/recent/entry-{len(odd) - 1:04d}/open", csrf)
        assert fine.status_code == 200 and "季度 报告.pdf" in fine.text
        page = session.get(sheaf.base + "/opened", timeout=10).text
        assert re.findall(r'class="opened-name">([^<]+)<', page) == ["季度 报告.pdf"]
    finally:
        sheaf.stop()


def test_server_mode_has_no_recent_files(open_server):
    base = open_server.base
    for path in ("/recent/x/open", "/recent/x/remove"):
        assert requests.post(base + path, timeout=10).status_code == 404
        assert requests.get(base + path, timeout=10).status_code == 404
    home = requests.get(base + "/", timeout=10).text
    assert "Recent files" not in home and "recent.js" not in home
