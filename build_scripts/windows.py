"""Sheaf's Windows artifacts built on Linux, through the Windows Python of :mod:`windows_python`:

    uv run python build_scripts/build.py --target windows    # one-file .exe and dist/Sheaf/
    uv run python build_scripts/installer.py --target windows [--onedir dist/Sheaf]  # setup

The same ``app.spec`` as every build, run by Windows PyInstaller under Wine, with the
icons, translations and version resource prepared on Linux by ``build.prepare``.
Sheaf's own metadata (app/meta.py reads it) comes from a wheel ``uv build`` makes,
installed into the Windows Python without dependencies. The output is what a Windows
node makes: the same names, ``SHA256SUMS`` and ``build-info.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts import build, signing, windows_python, wine
from build_scripts.project import ROOT, git_commit, project, sha256, source_date_epoch
from build_scripts.spec_inputs import SPEC, SpecInputs, generated_dir

ARCH = "x86_64"  # the embeddable CPython in windows_python.py is the 64-bit one
#: Wine's PE loader finds the Universal CRT itself; PyInstaller looks for the files,
#: which Windows 10 and later carry, and says so for every library.
QUIET = ("api-ms-win-crt-", "api-ms-win-core-")


def artifact_name() -> str:
    p = project()
    return f"{p.name}-{p.version}-windows-{ARCH}.exe"


def _install_own_metadata(tools: windows_python.Toolchain, work: Path) -> None:
    uv = os.environ.get("UV") or shutil.which("uv")
    wheels = work / "wheel"
    subprocess.run(
        [uv or "uv", "build", "--wheel", "--out-dir", str(wheels)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("*.whl"))
    tools.python(
        "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall",
        "--no-warn-script-location", "--quiet", wine.winpath(wheel),
    )  # fmt: skip


def run_pyinstaller(work: Path, bundle: str) -> tuple[Path, windows_python.Toolchain]:
    """``app.spec`` under Wine (``bundle``: onedir, or both from one analysis); returns
    PyInstaller's output folder."""
    tools = windows_python.toolchain()
    env = build.prepare(work, target="windows")  # translations, icons, version resource
    out = work / "pyinstaller-dist"
    inputs = SpecInputs(bundle=bundle, generated=wine.winpath(generated_dir(work)), os="windows")
    command = inputs.pyinstaller(
        dist=wine.winpath(out),
        work=wine.winpath(work / "pyinstaller-work"),
        spec=wine.winpath(SPEC),
    )
    try:
        _install_own_metadata(tools, work)
        tools.python(*command, extra_env=env, quiet=QUIET)
    finally:
        tools.stop()
    return out, tools


def build_onedir(dist: Path, work: Path) -> Path:
    """``dist/Sheaf/``: ``Sheaf.exe`` and its ``_internal`` folder, what the setup installs."""
    out, _ = run_pyinstaller(work, "onedir")
    target = build.copy_onedir(out, dist)
    print(target)
    return target


def build_both(dist: Path, work: Path) -> tuple[Path, Path]:
    """From one analysis: the one-file ``Sheaf-<version>-windows-x86_64.exe`` (the portable
    download, signed where credentials exist) and ``dist/Sheaf/``, as on Linux."""
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / artifact_name()
    for old in (target, dist / "SHA256SUMS", dist / "build-info.json"):
        old.unlink(missing_ok=True)
    out, tools = run_pyinstaller(work, "both")
    epoch = source_date_epoch()
    shutil.copy2(out / f"{SpecInputs(bundle='both').onefile_name}.exe", target)
    os.utime(target, (epoch, epoch))
    signing.sign_windows(target)
    onedir = build.copy_onedir(out, dist)
    build.write_checksums(dist)
    write_build_info(dist, target, tools)
    print(f"built {target.name}: {target.stat().st_size / 2**20:.1f} MB")
    return target, onedir


def write_build_info(dist: Path, target: Path, tools: windows_python.Toolchain) -> None:
    ready = json.loads((tools.path / "sheaf-ready.json").read_text(encoding="utf-8"))
    pyinstaller = next(
        line.split("==")[1].split()[0]
        for line in ready["requirements"].splitlines()
        if line.startswith("pyinstaller==")
    )
    info = {
        "name": project().name,
        "version": project().version,
        "artifact": target.name,
        "sha256": sha256(target),
        "size": target.stat().st_size,
        "git_commit": git_commit(),
        "source_date_epoch": source_date_epoch(),
        "python": tools.python_version,
        "pyinstaller": pyinstaller,
        "os": "windows",
        "arch": ARCH,
        "built_with": f"{wine.wine_version()} on Linux",
    }
    (dist / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def main(dist: Path, work: Path, *, onedir: bool) -> Path:
    """``build.py --target windows`` on a machine that is not Windows: both builds; the
    path printed last is the one-file exe's, or with ``--onedir`` the folder's."""
    signing.check_windows()  # before minutes of building, not after
    exe, folder = build_both(dist, work)
    print(folder if onedir else exe)
    return folder if onedir else exe
