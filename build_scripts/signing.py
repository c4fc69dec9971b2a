"""Code signing, only where its credentials are in the environment.

Windows: ``SHEAF_SIGN_PFX`` (path to a .pfx) and ``SHEAF_SIGN_PASSWORD``; signtool
from the Windows SDK on PATH. macOS: ``SHEAF_CODESIGN_IDENTITY`` (a Developer ID
Application identity in the keychain); with ``SHEAF_NOTARY_PROFILE`` (a
``notarytool store-credentials`` profile) the zip is notarized and stapled.
Without them the artifact is built unsigned, and the build says so plainly.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TIMESTAMP_URL = os.environ.get("SHEAF_SIGN_TIMESTAMP_URL", "http://timestamp.digicert.com")


def sign_windows(exe: Path) -> bool:
    pfx, password = os.environ.get("SHEAF_SIGN_PFX"), os.environ.get("SHEAF_SIGN_PASSWORD")
    if not (pfx and password):
        print("signing: UNSIGNED (set SHEAF_SIGN_PFX and SHEAF_SIGN_PASSWORD to sign)")
        return False
    subprocess.run(
        [
            "signtool",
            "sign",
            "/fd",
            "SHA256",
            "/f",
            pfx,
            "/p",
            password,
            "/tr",
            TIMESTAMP_URL,
            "/td",
            "SHA256",
            str(exe),
        ],
        check=True,
    )
    print(f"signing: signed {exe.name} with signtool")
    return True


def sign_macos_app(app: Path) -> bool:
    identity = os.environ.get("SHEAF_CODESIGN_IDENTITY")
    if not identity:
        print(
            "signing: UNSIGNED (set SHEAF_CODESIGN_IDENTITY to sign, "
            "SHEAF_NOTARY_PROFILE to notarize)"
        )
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
        print("signing: not notarized (needs SHEAF_CODESIGN_IDENTITY and SHEAF_NOTARY_PROFILE)")
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
