"""What the pages tell the browser's workspace, and the words each result gets: pure
rules, through ``app.test_client()``."""

from __future__ import annotations

import re
from pathlib import Path

from app import create_app
from app.settings import Settings
from app.views.results import CONTINUE, STEP_WORDS, SUMMARIES
from app.views.tools import BY_SLUG, TOOLS


def _meta(html: str, name: str) -> str:
    found = re.search(rf'<meta name="{name}" content="([^"]*)">', html)
    assert found, name
    return found.group(1)


def test_every_tool_names_its_step_and_every_offered_tool_exists():
    assert set(STEP_WORDS) == {t.slug for t in TOOLS}
    assert set(SUMMARIES) <= set(BY_SLUG)
    assert set(CONTINUE) <= set(BY_SLUG)
    # A result's line may only use what the browser knows for certain.
    for slug, words in SUMMARIES.items():
        assert set(re.findall(r"{(\w+)}", str(words))) <= {
            "pages",
            "inpages",
            "removed",
            "files",
            "range",
        }, slug


def test_batch_tools_are_the_one_file_tools_the_issue_names():
    batch = {t.slug for t in TOOLS if t.batch}
    assert batch == {
        "compress",
        "protect",
        "unlock",
        "rotate",
        "page-numbers",
        "watermark",
        "flatten",
        "repair",
        "strip-metadata",
        "pdf-to-images",
    }
    assert not any(t.multiple for t in TOOLS if t.batch)


def test_desktop_scope_is_per_launch_and_never_the_token(tmp_path: Path):
    pages = []
    for token in ("first-secret-token", "second-secret-token"):
        app = create_app(
            Settings(
                mode="desktop",
                token=token,
                temp_root=tmp_path,
                port=5000,
                allowed_hosts=("127.0.0.1:5000",),
            )
        )
        client = app.test_client()
        r = client.get("/", headers={"Authorization": f"Bearer {token}", "Host": "127.0.0.1:5000"})
        assert r.status_code == 200
        html = r.get_data(as_text=True)
        assert token not in _meta(html, "workspace-scope")
        assert _meta(html, "workspace-keep-hours") == "0"  # until Sheaf quits
        pages.append(html)
    assert _meta(pages[0], "workspace-scope") != _meta(pages[1], "workspace-scope")
    assert 'id="workspace"' in pages[0]


def test_server_keeps_files_as_long_as_a_sign_in_and_says_so(tmp_path: Path):
    app = create_app(Settings(mode="server", temp_root=tmp_path, session_max_age=8 * 3600))
    html = app.test_client().get("/").get_data(as_text=True)
    assert _meta(html, "workspace-scope") == "server"
    assert _meta(html, "workspace-keep-hours") == "8"
    assert int(_meta(html, "workspace-max-bytes")) == Settings().limits.max_upload_bytes
    assert "up to 8 hours unused" in html
