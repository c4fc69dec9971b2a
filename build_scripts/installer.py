"""Installers around the onedir build, for the OS this runs on:

    uv run python build_scripts/installer.py             # Windows: setup.exe; macOS: .dmg
    uv run python build_scripts/installer.py --target windows  # Linux: the Windows setup,
                                                               # built under Wine
    uv run python build_scripts/installer.py --stand-in  # compile the Windows script
                                                         # with the Linux onedir

Windows: ``build.py --onedir`` then NSIS's ``makensis`` on ``installer.nsi`` gives
``Sheaf-<version>-windows-<arch>-setup.exe`` (per-user, Start menu, "Open with",
Apps & features, ``/S``), signed where credentials exist. macOS: the signed,
notarized and stapled ``Sheaf.app`` (from ``build.py``) goes into a ``.dmg``
made with ``hdiutil``, itself signed and notarized. On Linux, ``--target windows``
builds the real Windows onedir under Wine (build_scripts/windows.py) and the real
setup around it, as the Jenkinsfile's Windows cell does without a Windows node.
``--stand-in`` only proves the NSIS script compiles with ``makensis``. SHA256SUMS is rewritten to
include the installer. The installer's path is the last line printed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts import build, icons, signing
from build_scripts.project import DIST, ROOT, arch, os_name, project

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


def windows_installer(
    dist: Path,
    work: Path,
    *,
    stand_in: bool,
    cross: bool = False,
    onedir: Path | None = None,
    fast: bool = False,
) -> Path:
    """``cross``: the Windows onedir build made on Linux under Wine (build_scripts/windows.py);
    ``onedir``: one built already."""
    windows_exe = cross or os_name() == "windows"
    if windows_exe and not stand_in:
        signing.check_windows()  # before minutes of building, not after
    if onedir is not None:
        shutil.rmtree(work, ignore_errors=True)
        dist.mkdir(parents=True, exist_ok=True)
    elif cross:
        from build_scripts import windows, wine

        wine.ensure_tools("makensis")
        onedir = windows.build_onedir(dist, work)
    else:
        onedir = build.build_onedir(dist, work)
    makensis = shutil.which("makensis")
    if makensis is None:
        raise SystemExit(
            "installer: makensis not found (Windows: choco install nsis; Debian: nsis)"
        )
    generated = work / "generated"
    paths = icons.generate(generated)
    p = project()
    suffix = "stand-in" if stand_in else f"windows-{'x86_64' if cross else arch()}"
    out = dist / f"{p.name}-{p.version}-{suffix}-setup.exe"
    exe = f"{p.name}.exe" if windows_exe else p.name
    defines = nsis_defines(onedir, paths["ico"], out, exe, stand_in or fast)
    if not stand_in:
        # The program people run is signed inside the setup, not only the setup; the
        # uninstaller and the setup are signed by makensis as it writes them.
        signing.sign_windows(onedir / exe)
        include = signing.nsis_include(generated)
        if include is not None:
            defines.append(f"-DSIGN_NSH={include}")
        else:
            signing.unsigned(out.name, "set SHEAF_SIGN_PFX and SHEAF_SIGN_PASSWORD to sign")
    subprocess.run(
        [makensis, "-V2", "-INPUTCHARSET", "UTF8", *defines, str(NSIS_SCRIPT)], check=True
    )
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
    parser.add_argument(
        "--onedir",
        type=Path,
        help="make the setup around this onedir build (build.py --onedir) instead of building one",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="zlib instead of solid LZMA: a bigger setup made in seconds (tests)",
    )
    parser.add_argument(
        "--target",
        choices=["macos", "windows"],
        help="the OS to make the installer for (default: this one; Linux: windows, under Wine)",
    )
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    cross = args.target == "windows" and os_name() != "windows" and not args.stand_in
    if args.target and args.target != os_name() and not cross:
        raise SystemExit(f"installer: {args.target} installers are made on {args.target}")
    if args.stand_in or cross or os_name() == "windows":
        out = windows_installer(
            dist,
            work,
            stand_in=args.stand_in,
            cross=cross,
            onedir=args.onedir.resolve() if args.onedir else None,
            fast=args.fast,
        )
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
