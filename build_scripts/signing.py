"""Code signing, only where its credentials are in the environment.

Windows: ``SHEAF_SIGN_PFX`` (path to a .pfx) and ``SHEAF_SIGN_PASSWORD``; signtool
from the Windows SDK on a Windows node, osslsigncode (Debian package) on Linux, where
the Windows artifacts are built under Wine. macOS: ``SHEAF_CODESIGN_IDENTITY`` (a
Developer ID Application identity in the keychain); with ``SHEAF_NOTARY_PROFILE`` (a
``notarytool store-credentials`` profile) the zip is notarized and stapled.

Without them the artifact is built unsigned and the build says so plainly, except on a
tag build (``TAG_NAME``, which Jenkins and CODING set): a release that reaches people
unsigned makes SmartScreen and Gatekeeper warn them, so it fails unless
``SHEAF_ALLOW_UNSIGNED=1`` says that is meant.

``python build_scripts/signing.py FILE`` signs one Windows file: what the NSIS script
runs for the uninstaller and the setup (``!uninstfinalize``/``!finalize``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TIMESTAMP_URL = os.environ.get("SHEAF_SIGN_TIMESTAMP_URL", "http://timestamp.digicert.com")


def unsigned(what: str, how: str, state: str = "UNSIGNED") -> None:
    """Say the artifact is unsigned; stop a tag build that did not mean it."""
    tag = os.environ.get("TAG_NAME")
    if tag and os.environ.get("SHEAF_ALLOW_UNSIGNED") != "1":
        raise SystemExit(
            f"signing: {what} would be {state} in the build of tag {tag}; {how}, "
            "or set SHEAF_ALLOW_UNSIGNED=1 to publish it so"
        )
    print(f"signing: {what} is {state} ({how})")


def windows_credentials() -> tuple[str, str] | None:
    pfx, password = os.environ.get("SHEAF_SIGN_PFX"), os.environ.get("SHEAF_SIGN_PASSWORD")
    return (pfx, password) if pfx and password else None


def check_windows() -> None:
    """Before a long Windows build: fail now rather than after it, when it cannot be signed."""
    if windows_credentials() is None:
        unsigned("the Windows build", "set SHEAF_SIGN_PFX and SHEAF_SIGN_PASSWORD to sign")
    elif sys.platform != "win32" and shutil.which("osslsigncode") is None:
        raise SystemExit("signing: osslsigncode not found (Debian: apt-get install osslsigncode)")


def sign_windows(exe: Path) -> bool:
    credentials = windows_credentials()
    if credentials is None:
        unsigned(exe.name, "set SHEAF_SIGN_PFX and SHEAF_SIGN_PASSWORD to sign")
        return False
    pfx, password = credentials
    if sys.platform == "win32":
        stamp = ["/tr", TIMESTAMP_URL, "/td", "SHA256"] if TIMESTAMP_URL else []
        command = ["signtool", "sign", "/fd", "SHA256", "/f", pfx, "/p", password, *stamp]
        subprocess.run([*command, str(exe)], check=True)
    else:
        signed = exe.with_name(exe.name + ".signed")
        stamp = ["-ts", TIMESTAMP_URL] if TIMESTAMP_URL else []
        command = ["osslsigncode", "sign", "-pkcs12", pfx, "-pass", password, "-h", "sha256"]
        subprocess.run(
            [*command, *stamp, "-in", str(exe), "-out", str(signed)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        signed.replace(exe)
    print(f"signing: signed {exe.name}")
    return True


def nsis_include(folder: Path) -> Path | None:
    """An NSIS include that signs the uninstaller and the setup as makensis writes them;
    None without credentials."""
    if windows_credentials() is None:
        return None
    command = f'"{sys.executable}" "{Path(__file__).resolve()}" "%1"'
    if sys.platform == "win32":  # cmd /c drops a command line's outer quotes: add a pair
        command = f'"{command}"'
    include = folder / "sign.nsh"
    include.write_text(
        f"!uninstfinalize '{command}' = 0\n!finalize '{command}' = 0\n", encoding="utf-8"
    )
    return include


def sign_macos_app(app: Path) -> bool:
    identity = os.environ.get("SHEAF_CODESIGN_IDENTITY")
    if not identity:
        unsigned(app.name, "set SHEAF_CODESIGN_IDENTITY to sign, SHEAF_NOTARY_PROFILE to notarize")
        return False
    subprocess.run(
        [
            "codesign",
            "--force",
            "--deep",
            "--options",
            "runtime",
            "--timestamp",
            "--sign",
            identity,
            str(app),
        ],
        check=True,
    )
    print(f"signing: signed {app.name} as {identity}")
    return True


def notarize_macos(archive: Path, app: Path) -> bool:
    profile = os.environ.get("SHEAF_NOTARY_PROFILE")
    if not profile or not os.environ.get("SHEAF_CODESIGN_IDENTITY"):
        unsigned(app.name, "set SHEAF_CODESIGN_IDENTITY and SHEAF_NOTARY_PROFILE", "not notarized")
        return False
    subprocess.run(
        ["xcrun", "notarytool", "submit", str(archive), "--keychain-profile", profile, "--wait"],
        check=True,
    )
    subprocess.run(["xcrun", "stapler", "staple", str(app)], check=True)
    print("signing: notarized and stapled")
    return True


def report_linux() -> None:
    print("signing: Linux executables are not signed; publish SHA256SUMS alongside")


if __name__ == "__main__":  # makensis signs the uninstaller and the setup through this
    sys.exit(0 if sign_windows(Path(sys.argv[1])) else 1)
