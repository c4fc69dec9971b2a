"""Installers: the Windows NSIS script compiled here with the Linux onedir build as a
stand-in payload (what proves the script valid), and the macOS Info.plist."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.support import REPO

from build_scripts.macos import info_plist
from build_scripts.project import project
from build_scripts.spec_inputs import SpecInputs


@pytest.mark.skipif(not shutil.which("makensis"), reason="needs makensis (Debian: nsis)")
def test_the_windows_installer_script_compiles_with_the_onedir_build(tmp_path: Path):
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "build_scripts" / "installer.py"),
            "--stand-in",
            "--dist",
            str(tmp_path / "dist"),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    setup = Path(done.stdout.strip().splitlines()[-1])
    onedir = tmp_path / "dist" / project().name
    assert setup.name == f"{project().name}-{project().version}-stand-in-setup.exe"
    data = setup.read_bytes()
    assert data[:2] == b"MZ"  # a Windows program
    assert b"Nullsoft" in data or b"NSIS" in data
    payload = sum(p.stat().st_size for p in onedir.rglob("*") if p.is_file())
    assert len(data) > payload / 10  # the build is inside, compressed
    # The onedir build is whole: the executable and its libraries, nothing to unpack.
    assert (onedir / project().name).is_file() and (onedir / "_internal").is_dir()
    assert list((onedir / "_internal").rglob("DroidSansFallback.ttf"))


def test_the_nsis_script_installs_per_user_with_open_with_and_an_uninstaller():
    script = (REPO / "build_scripts" / "installer.nsi").read_text(encoding="utf-8")
    for needed in (
        "RequestExecutionLevel user",
        '"$LOCALAPPDATA\\Programs\\${NAME}"',
        'CreateShortCut "$SMPROGRAMS\\${NAME}.lnk"',
        "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${NAME}",
        "QuietUninstallString",
        '!insertmacro OpenWith ".pdf"',
        'WriteUninstaller "$INSTDIR\\Uninstall.exe"',
    ):
        assert needed in script, needed
    assert "HKLM" not in script  # nothing machine-wide: no administrator needed


def test_the_macos_bundle_declares_the_documents_it_opens():
    plist = plistlib.loads(plistlib.dumps(info_plist(project())))  # valid as a plist
    assert plist["CFBundleIdentifier"] == project().bundle_identifier
    types = {t for doc in plist["CFBundleDocumentTypes"] for t in doc["LSItemContentTypes"]}
    assert {"com.adobe.pdf", "public.png", "public.jpeg", "public.tiff"} <= types
    assert all(doc["LSHandlerRank"] == "Alternate" for doc in plist["CFBundleDocumentTypes"])
    spec = (REPO / "app.spec").read_text(encoding="utf-8")
    assert "argv_emulation=True" in spec and "info_plist=I.info_plist()" in spec
    assert SpecInputs(os="macos").info_plist() == info_plist(project())
