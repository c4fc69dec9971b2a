"""Installers around the onedir build, for the OS this runs on:

    uv run python build_scripts/installer.py             # Windows: setup.exe; macOS: .dmg
    uv run python build_scripts/installer.py --stand-in  # Linux CI: compile the Windows
                                                         # script with the Linux onedir

Windows: ``build.py --onedir`` then NSIS's ``makensis`` on ``installer.nsi`` gives
``Sheaf-<version>-windows-<arch>-setup.exe`` (per-user, Start menu, "Open with",
Apps & features, ``/S``), signed where credentials exist. macOS: the signed,
notarized and stapled ``Sheaf.app`` (from ``build.py``) goes into a ``.dmg``
made with ``hdiutil``, itself signed and notarized. ``--stand-in`` proves the
NSIS script compiles on any machine with ``makensis`` (Debian package ``nsis``);
the Jenkinsfile's Windows cell builds the real one. SHA256SUMS is rewritten to
include the installer. The installer's path is the last line printed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build
import icons
import signing
from project import DIST, ROOT, arch, os_name, project

NSIS_SCRIPT = ROOT / "build_scripts" / "installer.nsi"
PROGID = "Sheaf.Document"


def nsis_defines(onedir: Path, icon: Path, out: Path, exe: str, fast: bool) -> list[str]:
    p = project()
    numbers = (p.version.split("+")[0].split("-")[0].split(".") + ["0"] * 4)[:4]
    defines = {
        "NAME": p.name,
        "VERSION": p.version,
        "VERSION4": ".".join(n if n.isdigit() else "0" for n in numbers),
        "PUBLISHER": p.publisher,
        "EXE": exe,
        "PROGID": PROGID,
        "SOURCE_FILES": str(onedir / "*"),
        "ICON": str(icon),
        "OUTFILE": str(out),
    }
    args = [f"-D{key}={value}" for key, value in defines.items()]
    return [*args, "-DFAST"] if fast else args


def windows_installer(dist: Path, work: Path, *, stand_in: bool) -> Path:
    makensis = shutil.which("makensis")
    if makensis is None:
        raise SystemExit(
            "installer: makensis not found (Windows: choco install nsis; Debian: nsis)"
        )
    onedir = build.build_onedir(dist, work)
    generated = work / "generated"
    paths = icons.generate(generated)
    p = project()
    suffix = "stand-in" if stand_in else f"{os_name()}-{arch()}"
    out = dist / f"{p.name}-{p.version}-{suffix}-setup.exe"
    exe = f"{p.name}.exe" if os_name() == "windows" else p.name
    subprocess.run(
        [
            makensis,
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            *nsis_defines(onedir, paths["ico"], out, exe, stand_in),
            str(NSIS_SCRIPT),
        ],
        check=True,
    )
    if not stand_in:
        signing.sign_windows(out)
    return out


def macos_dmg(dist: Path) -> Path:
    """The .app that build.py made (signed, notarized, stapled) in a compressed .dmg."""
    p = project()
    zipped = dist / f"{p.name}-{p.version}-macos-{arch()}.zip"
    if not zipped.exists():
        build.main(["--dist", str(dist)])
    staging = ROOT / "build" / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    subprocess.run(["ditto", "-x", "-k", str(zipped), str(staging)], check=True)
    (staging / "Applications").symlink_to("/Applications")  # drag here to install
    out = dist / f"{p.name}-{p.version}-macos-{arch()}.dmg"
    out.unlink(missing_ok=True)
    subprocess.run(
        [
            "hdiutil",
            "create",
            "-volname",
            p.name,
            "-srcfolder",
            str(staging),
            "-fs",
            "HFS+",
            "-format",
            "UDZO",
            "-ov",
            str(out),
        ],
        check=True,
    )
    if signing.sign_macos_app(out):
        signing.notarize_macos(out, out)  # a .dmg is submitted and stapled as itself
    return out


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "installer")
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="compile the Windows installer script here with this OS's onedir build",
    )
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    if args.stand_in or os_name() == "windows":
        out = windows_installer(dist, work, stand_in=args.stand_in)
    elif os_name() == "macos":
        out = macos_dmg(dist)
    else:
        raise SystemExit("installer: Linux installs with 'Sheaf --install'; try --stand-in")
    if not args.stand_in:
        build.write_checksums(dist)
    print(f"built {out.name}: {out.stat().st_size / 2**20:.1f} MB")
    print(out)
    return out


if __name__ == "__main__":
    main()
