"""Build Sheaf's desktop executable for the OS this runs on. Laptop and CI alike:

    uv run python build_scripts/build.py            # the one-file download
    uv run python build_scripts/build.py --onedir   # the folder build (image, installers)

On Linux the build runs inside a Debian 11 root with a CPython built there
(``linux_release.py``), so the result needs glibc 2.31 at most; it makes the one-file
download and the folder build together, and fails if either breaks the rules of
``bundle_check.py`` (glibc floor, allowed libraries, no debuggers). ``--here`` freezes
with the running interpreter instead: what Windows and macOS nodes always do, what runs
inside the root, and what the Dockerfile's builder does (with ``--any-glibc``, since the
image carries its own C library).

Steps of a build here: clean, compile translations, generate icons (and the Windows
version resource), run PyInstaller on app.spec (telling it only what to make and where
those are; the rest it reads from ``spec_inputs.py``), name the artifact
``Sheaf-<version>-<os>-<arch>[.exe|.zip]``, sign it where credentials exist, and write
``SHA256SUMS`` and ``build-info.json`` beside it in ``dist/``. The artifact's path is the
last line printed.

Builds are reproducible: SOURCE_DATE_EPOCH is the commit time and
PYTHONHASHSEED is fixed, so the same commit on the same machine gives the
same bytes on Linux (tests/binary checks it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts import icons, signing
from build_scripts.project import (
    DIST,
    ROOT,
    arch,
    git_commit,
    os_name,
    project,
    sha256,
    source_date_epoch,
)
from build_scripts.spec_inputs import VERSION_FILE, SpecInputs, generated_dir

WINDOWS_VERSION_TEMPLATE = """VSVersionInfo(
  ffi=FixedFileInfo(filevers={tuple}, prodvers={tuple}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', {publisher!r}),
      StringStruct('FileDescription', {description!r}),
      StringStruct('FileVersion', {version!r}),
      StringStruct('InternalName', {name!r}),
      StringStruct('OriginalFilename', {name!r} + '.exe'),
      StringStruct('ProductName', {name!r}),
      StringStruct('ProductVersion', {version!r})])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def artifact_name() -> str:
    p = project()
    suffix = {"windows": ".exe", "macos": ".zip"}.get(os_name(), "")
    return f"{p.name}-{p.version}-{os_name()}-{arch()}{suffix}"


def compile_translations() -> None:
    """Every catalog of the checkout, compiled by the app's own function (which a source
    checkout runs at start-up too): one way to compile, and its atomic write means a
    build never packs a half-written ``.mo``. The folder is named, not defaulted: where
    the app is installed without being editable (the image's builder), the default
    would be the installed copy's."""
    from app.i18n import compile_catalogs

    for mo in compile_catalogs(ROOT / "app" / "translations", force=True):
        print(f"translations: compiled {mo.relative_to(ROOT)}")


def windows_version_file(path: Path) -> None:
    p = project()
    numbers = [int(x) for x in p.version.split("+")[0].split("-")[0].split(".")[:4] if x.isdigit()]
    numbers += [0] * (4 - len(numbers))
    path.write_text(
        WINDOWS_VERSION_TEMPLATE.format(
            tuple=tuple(numbers),
            publisher=p.publisher,
            description=p.description,
            version=p.version,
            name=p.name,
        ),
        encoding="utf-8",
    )


def run_pyinstaller(work: Path, bundle: str) -> Path:
    """``app.spec`` with this Python after :func:`prepare`; PyInstaller's output folder."""
    env = prepare(work)
    out = work / "pyinstaller-dist"
    inputs = SpecInputs(bundle=bundle, generated=str(generated_dir(work)))
    command = inputs.pyinstaller(dist=str(out), work=str(work / "pyinstaller-work"))
    subprocess.run([sys.executable, *command], check=True, cwd=ROOT, env={**os.environ, **env})
    return out


def deterministic_zip(folder: Path, archive: Path, epoch: int) -> None:
    """Zip a .app folder with fixed timestamps and order (macOS; ditto keeps xattrs but
    not reproducibility, and a notarized bundle carries no xattrs that matter)."""
    import time

    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder.parent).as_posix()
            info = zipfile.ZipInfo(rel + ("/" if path.is_dir() else ""), date_time=stamp)
            if path.is_symlink():
                info.external_attr = 0o120777 << 16
                z.writestr(info, os.readlink(path))
            elif path.is_dir():
                info.external_attr = 0o40755 << 16
                z.writestr(info, b"")
            else:
                info.external_attr = (0o100755 if os.access(path, os.X_OK) else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, path.read_bytes())


def prepare(work: Path, target: str | None = None) -> dict[str, str]:
    """What every build needs before PyInstaller runs: a clean work folder, compiled
    translations, icons (and for a ``target`` of Windows the version resource) in
    ``generated_dir(work)``, where app.spec is told to find them; returns what
    PyInstaller's environment needs for a reproducible build."""
    shutil.rmtree(work, ignore_errors=True)
    compile_translations()
    generated = generated_dir(work)
    icons.generate(generated)
    if (target or os_name()) == "windows":
        windows_version_file(generated / VERSION_FILE)
    return {"SOURCE_DATE_EPOCH": str(source_date_epoch()), "PYTHONHASHSEED": "0"}


def write_checksums(dist: Path) -> None:
    """``SHA256SUMS`` for every artifact in ``dist`` (files named ``Sheaf-...``)."""
    name = project().name
    lines = "".join(
        f"{sha256(path)}  {path.name}\n"
        for path in sorted(dist.iterdir())
        if path.is_file() and path.name.startswith(f"{name}-")
    )
    (dist / "SHA256SUMS").write_text(lines, encoding="utf-8")


def copy_onedir(out: Path, dist: Path) -> Path:
    """``dist/Sheaf/``: the executable and its ``_internal`` folder, nothing unpacked at start."""
    target = dist / project().name
    shutil.rmtree(target, ignore_errors=True)
    dist.mkdir(parents=True, exist_ok=True)
    shutil.copytree(out / project().name, target, symlinks=True)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"built {target.name}/: {size / 2**20:.1f} MB")
    return target


def build_onedir(dist: Path, work: Path) -> Path:
    """The folder build for this OS, as ``build.py --onedir`` makes it (for installer.py)."""
    return main(["--onedir", "--dist", str(dist), "--work", str(work)])


def check_linux_bundle(paths: list[Path], any_glibc: bool) -> None:
    """Fail on what ``bundle_check`` finds (the glibc floor only without ``any_glibc``)."""
    from build_scripts import bundle_check

    for path in paths:
        report = bundle_check.check(path)
        print(f"glibc floor of {path.name}:", *report.lines(), sep="\n")
        problems = [p for p in report.problems if not (any_glibc and " needs " in p)]
        if problems:
            raise SystemExit(f"build: {path.name} breaks its rules:\n  " + "\n  ".join(problems))


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Build Sheaf's executable for this OS.")
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default dist/)")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build", help="scratch folder (default build/)"
    )
    parser.add_argument(
        "--onedir",
        action="store_true",
        help="a folder bundle (the server image's and the installers' payload) instead of one"
        " file; on Linux both are built and this prints the folder's path last",
    )
    parser.add_argument(
        "--target",
        choices=["linux", "macos", "windows"],
        default=os_name(),
        help="the OS to build for (default: this one); Linux builds windows under Wine",
    )
    parser.add_argument(
        "--here",
        action="store_true",
        help="freeze with this Python on this machine (on Linux the release build otherwise"
        " runs in a Debian 11 root, so the result runs on glibc 2.31 and later)",
    )
    parser.add_argument(
        "--any-glibc",
        action="store_true",
        help="with --here on Linux: accept a newer glibc (the server image carries its own)",
    )
    # One analysis, the folder and the one-file build (what runs inside the Linux root).
    parser.add_argument("--both", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    # --- Windows from Linux (issue 16): build_scripts/windows.py, under Wine ---
    if args.target != os_name():
        if args.target != "windows":
            raise SystemExit(f"build: {args.target} builds run on {args.target} only")
        from build_scripts import windows

        return windows.main(dist, work, onedir=args.onedir)
    # --- end Windows from Linux ---
    if os_name() == "linux" and not args.here:
        from build_scripts import linux_release

        onefile, onedir = linux_release.build(dist, work)
        write_checksums(dist)
        print(onedir if args.onedir else onefile)
        return onedir if args.onedir else onefile
    if args.onedir and not args.both:
        out = run_pyinstaller(work, "onedir")
        target = copy_onedir(out, dist)
        if os_name() == "linux":
            check_linux_bundle([target], args.any_glibc)
        print(target)
        return target

    dist.mkdir(parents=True, exist_ok=True)
    target = dist / artifact_name()
    for old in (target, dist / "SHA256SUMS", dist / "build-info.json"):
        old.unlink(missing_ok=True)

    epoch = source_date_epoch()
    inputs = SpecInputs(bundle="both" if args.both else "onefile")
    out = run_pyinstaller(work, inputs.bundle)
    name = inputs.name
    if args.both:
        copy_onedir(out, dist)
    if os_name() == "macos":
        app = out / f"{name}.app"
        signing.sign_macos_app(app)
        # Notarization takes a zip of the app and staples its ticket to the app; the
        # zip people download is made after that, so it carries the ticket.
        submission = work / "notarize.zip"
        deterministic_zip(app, submission, epoch)
        signing.notarize_macos(submission, app)
        deterministic_zip(app, target, epoch)
    else:
        built = out / (inputs.onefile_name + (".exe" if os_name() == "windows" else ""))
        shutil.copy2(built, target)
        os.utime(target, (epoch, epoch))
        if os_name() == "windows":
            signing.sign_windows(target)
        else:
            signing.report_linux()
            if not args.both:  # linux_release checks what it makes of the two builds
                check_linux_bundle([target], args.any_glibc)

    write_checksums(dist)
    import PyInstaller

    info = {
        "name": name,
        "version": project().version,
        "artifact": target.name,
        "sha256": sha256(target),
        "size": target.stat().st_size,
        "git_commit": git_commit(),
        "source_date_epoch": epoch,
        "python": platform.python_version(),
        "pyinstaller": PyInstaller.__version__,
        "os": os_name(),
        "arch": arch(),
    }
    (dist / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"built {target.name}: {target.stat().st_size / 2**20:.1f} MB")
    print(target)
    return target


if __name__ == "__main__":
    main()
