"""The Linux release build: Sheaf frozen inside a Debian 11 root, so it runs on glibc 2.31+.

``build.py`` calls :func:`build` on Linux (``build.py --here`` skips it and freezes with
the running interpreter, as Windows and macOS nodes do). Steps, each cached where it can
be:

1. the Debian 11 build root (``debian_root.py``) and CPython built there
   (``linux_python.py``);
2. a virtual environment in the root with exactly what ``uv.lock`` pins for the
   ``bundle`` group, installed by pip with ``--require-hashes`` from wheels only, kept
   by the hash of that list;
3. this checkout's files (tracked and new, not ignored) and Sheaf's own wheel (for its
   package metadata) copied in, and ``build.py --here --both`` run there, with this
   commit's time as ``SOURCE_DATE_EPOCH``: one analysis, a folder build and a one-file
   build;
4. with that interpreter, every module in the build imported with the modules app.spec
   leaves out blocked (``bundle_check.py --imports``), and the start program
   (``linux_start.c``) compiled there and put in front of the one-file build
   (``linux_start.py``);
5. out of the root: ``dist/Sheaf-<version>-linux-<arch>``, ``dist/Sheaf/``, the checks of
   ``bundle_check.py`` (the build fails on any problem), ``SHA256SUMS`` and
   ``build-info.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts import bundle_check, debian_root, linux_python, linux_start
from build_scripts.project import ROOT, git_commit, project, source_date_epoch

SUITE = "bullseye"
#: Inside the build root.
SRC, OUT, WORK, WHEELS = "/build/sheaf", "/build/out", "/build/work", "/build/wheels"


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv")
    if not uv:
        raise SystemExit("build: uv is needed to read uv.lock (https://docs.astral.sh/uv/)")
    return uv


def _requirements() -> str:
    """What uv.lock pins for the bundle, with hashes, for pip inside the root."""
    return subprocess.run(
        [
            *(_uv(), "export", "--frozen", "--no-dev", "--group", "bundle", "--no-emit-project"),
            *("--format", "requirements-txt", "--no-header", "--quiet"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _venv(root: Path, python: str) -> str:
    requirements = _requirements()
    key = hashlib.sha256(f"{python}\n{requirements}".encode()).hexdigest()[:12]
    venv = f"/opt/sheaf-venv/{key}"
    if (root / venv.lstrip("/") / ".complete").exists():
        return venv
    print("build: installing the locked packages into the build root", file=sys.stderr)
    (root / "build").mkdir(exist_ok=True)
    (root / "build" / "requirements.txt").write_text(requirements)
    shutil.rmtree(root / venv.lstrip("/"), ignore_errors=True)
    debian_root.run(
        root,
        [
            "/bin/sh",
            "-ec",
            f"{python}/bin/python3 -m venv {venv}\n"
            f"{venv}/bin/python -m pip install --quiet --no-input --disable-pip-version-check"
            " --require-hashes --only-binary :all: --no-deps -r /build/requirements.txt\n"
            f"touch {venv}/.complete",
        ],
    )
    return venv


def _copy_checkout(target: Path) -> None:
    """This checkout's files as git sees them (tracked and new, never ignored ones)."""
    shutil.rmtree(target, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = raw.decode()
        source = ROOT / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)


def _wheel(into: Path) -> Path:
    shutil.rmtree(into, ignore_errors=True)
    subprocess.run(
        [_uv(), "build", "--wheel", "--quiet", "--out-dir", str(into)], cwd=ROOT, check=True
    )
    return next(into.glob("*.whl"))


def build(dist: Path, work: Path) -> tuple[Path, Path]:
    """Build both Linux artifacts into ``dist``: (the one-file download, the folder build)."""
    p = project()
    root = debian_root.ensure(SUITE, "build")
    with debian_root.locked(root):
        python, revision = linux_python.ensure(root)
        venv = _venv(root, python)
        _copy_checkout(root / SRC.lstrip("/"))
        wheel = _wheel(root / WHEELS.lstrip("/"))
        for folder in (OUT, WORK):
            shutil.rmtree(root / folder.lstrip("/"), ignore_errors=True)
        epoch = source_date_epoch()
        script = (
            f"{venv}/bin/python -m pip install --quiet --no-deps --force-reinstall"
            f" --disable-pip-version-check {WHEELS}/{wheel.name}\n"
            f"{venv}/bin/python {SRC}/build_scripts/build.py --here --both"
            f" --dist {OUT} --work {WORK}\n"
            # With the bundled interpreter: nothing in the build needs what app.spec left out.
            f"{venv}/bin/python {SRC}/build_scripts/bundle_check.py --imports"
            f" {OUT}/{p.name}/{p.name}\n"
            + " ".join(
                linux_start.compile_command(f"{SRC}/build_scripts/linux_start.c", f"{OUT}/start")
            )
        )
        debian_root.run(
            root,
            ["/bin/sh", "-ec", script],
            env={"SOURCE_DATE_EPOCH": str(epoch), "SHEAF_GIT_COMMIT": git_commit()},
            cwd=SRC,
        )
        out = root / OUT.lstrip("/")
        inside = json.loads((out / "build-info.json").read_text())
        dist.mkdir(parents=True, exist_ok=True)
        onedir = dist / p.name
        shutil.rmtree(onedir, ignore_errors=True)
        shutil.copytree(out / p.name, onedir, symlinks=True)
        onefile = dist / inside["artifact"]
        onefile.unlink(missing_ok=True)
        linux_start.join(out / "start", out / inside["artifact"], onefile)
        os.utime(onefile, (epoch, epoch))
    reports = {path.name: bundle_check.check(path) for path in (onefile, onedir)}
    for name, report in reports.items():
        print(f"glibc floor of {name}:", *report.lines(), sep="\n", file=sys.stderr)
    problems = [f"{name}: {x}" for name, r in reports.items() for x in r.problems]
    if problems:
        raise SystemExit("build: the bundle breaks its rules:\n  " + "\n  ".join(problems))
    floor = reports[onefile.name].floor
    info = {
        **inside,
        "sha256": hashlib.sha256(onefile.read_bytes()).hexdigest(),
        "size": onefile.stat().st_size,
        "python_source": f"Debian {linux_python.SOURCE_PACKAGE} {revision}",
        "built_in": f"Debian {debian_root.SUITES[SUITE]} ({SUITE})",
        "glibc_floor": ".".join(map(str, floor.get("GLIBC", ((0,), ""))[0])),
        "glibcxx_floor": ".".join(map(str, floor.get("GLIBCXX", ((0,), ""))[0])),
    }
    (dist / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"built {onefile.name}: {onefile.stat().st_size / 2**20:.1f} MB", file=sys.stderr)
    return onefile, onedir
