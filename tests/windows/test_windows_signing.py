"""Signing the Windows artifacts: the program inside the setup, the uninstaller and the
setup itself, with a throwaway certificate and osslsigncode (what a Linux agent uses);
and the rule that a tag build without credentials stops unless told otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.support import REPO, wait_until
from helpers.wine_support import reg_query, run_to_end, wait_gone, winpath

UNINSTALL = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Sheaf"


def _script(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SHEAF_SIGN", "TAG_"))}
    return subprocess.run(
        [sys.executable, str(REPO / "build_scripts" / name), *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.mark.parametrize(
    "command", [["build.py", "--target", "windows"], ["installer.py", "--target", "windows"]]
)
def test_a_tag_build_without_credentials_stops_before_building(command, tmp_path: Path):
    dist = tmp_path / "dist"
    done = _script(*command, "--dist", str(dist), "--work", str(tmp_path / "w"),
                   env={"TAG_NAME": "v9.9.9"})  # fmt: skip
    assert done.returncode != 0
    assert "UNSIGNED in the build of tag v9.9.9" in done.stdout + done.stderr
    assert "SHEAF_ALLOW_UNSIGNED=1" in done.stdout + done.stderr
    assert not dist.exists()  # it stopped before building anything


def test_unsigned_is_allowed_on_a_tag_only_when_said_and_always_on_branches(monkeypatch, capsys):
    from build_scripts import signing

    for name in ("SHEAF_SIGN_PFX", "SHEAF_SIGN_PASSWORD", "SHEAF_CODESIGN_IDENTITY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TAG_NAME", raising=False)
    signing.check_windows()  # a branch build: unsigned, and says so
    assert "UNSIGNED" in capsys.readouterr().out
    monkeypatch.setenv("TAG_NAME", "v1.0.0")
    with pytest.raises(SystemExit, match=r"tag v1\.0\.0"):
        signing.check_windows()
    with pytest.raises(SystemExit, match=r"tag v1\.0\.0"):
        signing.sign_macos_app(Path("Sheaf.app"))
    monkeypatch.setenv("SHEAF_ALLOW_UNSIGNED", "1")
    signing.check_windows()
    assert signing.sign_macos_app(Path("Sheaf.app")) is False


def _certificate(folder: Path) -> tuple[Path, Path]:
    key, cert, pfx = folder / "key.pem", folder / "cert.pem", folder / "sign.pfx"
    subject = ["-subj", "/CN=Sheaf test signing", "-addext", "extendedKeyUsage=codeSigning"]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *subject,
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "pkcs12", "-export", "-inkey", str(key), "-in", str(cert),
         "-out", str(pfx), "-passout", "pass:test-password"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return pfx, cert


def _verified(path: Path, cert: Path) -> bool:
    done = subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(path)],
        capture_output=True,
        text=True,
    )
    return done.returncode == 0 and "Sheaf test signing" in done.stdout


@pytest.mark.windows
@pytest.mark.skipif(not shutil.which("osslsigncode"), reason="needs osslsigncode (Debian)")
def test_a_signed_setup_installs_a_signed_program_and_uninstaller(
    windows_dist, prefix, tmp_path: Path
):
    pfx, cert = _certificate(tmp_path)
    onedir = tmp_path / "onedir"
    shutil.copytree(windows_dist.onedir, onedir)
    assert not _verified(onedir / "Sheaf.exe", cert)  # the test build itself is unsigned
    done = _script(
        "installer.py", "--target", "windows", "--onedir", str(onedir), "--fast",
        "--dist", str(tmp_path / "dist"), "--work", str(tmp_path / "work"),
        env={"SHEAF_SIGN_PFX": str(pfx), "SHEAF_SIGN_PASSWORD": "test-password",
             "SHEAF_SIGN_TIMESTAMP_URL": ""},  # no time-stamping server from here
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    setup = Path(done.stdout.strip().splitlines()[-1])
    assert _verified(setup, cert)

    target = tmp_path / "installed"  # its own folder: /D= takes a Windows path, last
    done = run_to_end(prefix, [str(setup), "/S", "/D=" + winpath(target)])
    assert done.returncode == 0, done.stdout
    assert _verified(target / "Sheaf.exe", cert)
    assert _verified(target / "Uninstall.exe", cert)
    python_dll = next((target / "_internal").glob("python3*.dll"))
    assert not _verified(python_dll, cert)  # only Sheaf's own programs are signed by Sheaf

    done = run_to_end(prefix, [str(target / "Uninstall.exe"), "/S"])
    assert done.returncode == 0, done.stdout
    wait_gone([target], 120, "the uninstall")
    wait_until(lambda: reg_query(prefix, UNINSTALL) is None, 60, "the keys removed")
