"""Every string a person can see exists in Simplified Chinese too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from helpers.support import REPO

PO = REPO / "app/translations/zh_Hans/LC_MESSAGES/messages.po"


def _ids(path: Path) -> set[str]:
    with path.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def test_catalog_covers_every_string_in_the_source(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(pot),
            ".",
        ],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    missing = _ids(pot) - _ids(PO)
    assert not missing, f"run pybabel update; untranslated: {sorted(missing)}"


def test_every_message_is_translated():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh_Hans")
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated
    assert not fuzzy
    for m in catalog:
        if m.id and isinstance(m.id, str) and "%(" in m.id:
            # Placeholders must survive translation, or formatting raises at run time.
            assert set(re.findall(r"%\(\w+\)\w", m.id)) == set(
                re.findall(r"%\(\w+\)\w", m.string)
            ), m.id
        if m.id and isinstance(m.id, str):
            assert set(re.findall(r"\{\w+\}", m.id)) == set(re.findall(r"\{\w+\}", m.string))
