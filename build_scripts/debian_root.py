"""Debian roots made with debootstrap, cached, and a way to run a program inside one.

    uv run python build_scripts/debian_root.py bullseye [--purpose build|run]  # prints the path

Two uses:

* **build** (Debian 11): where the Linux release build runs, so every library it
  compiles or copies needs no newer glibc than Debian 11's 2.31 (what Ubuntu 20.04 and
  RHEL 8-era systems have). It carries a C compiler and the headers CPython needs, and
  none of the GPL ones (readline, gdbm, ncurses): what is not there cannot be bundled.
* **run** (any suite): a minimal system (``--variant=minbase``, the libraries every
  installation has, libstdc++ among them) in which the tests start the built binary as a
  person on that system would.

Roots are kept under the build cache (``project.cache_dir()``) by a key of their suite,
purpose and package list, made in a temporary folder and renamed into place when
complete, under a lock, so two builds never share a half-made root. Running inside
one (:func:`command`) takes a private mount namespace (``unshare``), mounts ``/proc``,
``/dev`` and a fresh ``/tmp`` there and ``chroot``s: nothing stays mounted afterwards,
whatever happens to the program. Needs root (debootstrap, chroot, mounts).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts.project import cache_dir


def _apt_mirrors() -> dict[str, str]:
    """The Debian mirrors this machine's apt uses ("debian", "debian-security"), read from
    its sources: the build reaches Debian the way the machine already does."""
    found: dict[str, str] = {}
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        if path.suffix not in (".list", ".sources", ""):
            continue
        with contextlib.suppress(OSError):
            for uri in re.findall(
                r"(?:^deb\s+(?:\[[^]]*\]\s+)?|^URIs:\s*)(\S+)", path.read_text(), re.M
            ):
                name = uri.rstrip("/").rsplit("/", 1)[-1]
                if name in ("debian", "debian-security"):
                    found.setdefault(name, uri.rstrip("/"))
    return found


_APT = _apt_mirrors()
#: Where Debian's packages come from: SHEAF_DEBIAN_MIRROR (and SHEAF_DEBIAN_SECURITY_MIRROR)
#: where the build machine needs its own, else the mirrors its apt uses (linux_python.py
#: reads them too). Debian's signatures are checked either way.
MIRROR = os.environ.get("SHEAF_DEBIAN_MIRROR") or _APT.get("debian", "")
SECURITY_MIRROR = os.environ.get("SHEAF_DEBIAN_SECURITY_MIRROR") or _APT.get("debian-security", "")
SUITES = {"bullseye": "11", "bookworm": "12", "trixie": "13"}
#: What the build root adds to minbase: CPython's build needs (its optional modules that
#: link GPL libraries stay unbuilt because their headers are absent) and binutils, which
#: PyInstaller reads dependencies and strips with.
BUILD_PACKAGES = (
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libffi-dev",
    "zlib1g-dev",
    "xz-utils",
    "ca-certificates",
)
PURPOSES = {"build": BUILD_PACKAGES, "run": ()}
#: The machine's CA bundle, copied into every root: package registries are reached
#: through a TLS-inspecting proxy on some build machines.
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
ROOT_CA = "/etc/ssl/certs/sheaf-host-ca.crt"
COMPLETE = ".sheaf-root-complete"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class RootUnavailable(RuntimeError):
    """debootstrap could not make the root (the suite left the archive, no network...)."""


def key(suite: str, purpose: str) -> str:
    packages = " ".join(PURPOSES[purpose])
    return hashlib.sha256(f"{suite} {purpose} {packages}".encode()).hexdigest()[:10]


def root_path(suite: str, purpose: str) -> Path:
    return cache_dir() / "roots" / f"{suite}-{purpose}-{key(suite, purpose)}"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold a lock named after ``path`` (a root being made, or a build using one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f"{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure(suite: str, purpose: str = "run") -> Path:
    """The cached root for ``suite`` and ``purpose``, made first if missing."""
    if suite not in SUITES:
        raise ValueError(f"unknown suite {suite!r}; known: {', '.join(SUITES)}")
    target = root_path(suite, purpose)
    if (target / COMPLETE).exists():
        return target
    if os.geteuid() != 0:
        raise RootUnavailable(f"making a Debian {suite} root needs root (debootstrap, chroot)")
    if not shutil.which("debootstrap"):
        raise RootUnavailable("debootstrap is missing: apt-get install debootstrap")
    if not MIRROR:
        raise RootUnavailable("no Debian mirror known: set SHEAF_DEBIAN_MIRROR to one")
    with locked(target):
        if (target / COMPLETE).exists():  # made by another build while we waited
            return target
        shutil.rmtree(target, ignore_errors=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            _debootstrap(suite, PURPOSES[purpose], partial)
            _trim(partial)
            (partial / COMPLETE).write_text(f"{suite} {purpose}\n")
            partial.rename(target)
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    print(f"debian root: made {target}", file=sys.stderr)
    return target


def _debootstrap(suite: str, packages: Sequence[str], into: Path) -> None:
    print(f"debian root: debootstrap {suite} (a minute or two)", file=sys.stderr)
    include = [f"--include={','.join(packages)}"] if packages else []
    done = subprocess.run(
        ["debootstrap", "--variant=minbase", *include, suite, str(into), MIRROR],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        log = (into / "debootstrap" / "debootstrap.log").read_text(errors="replace")[-2000:]
        raise RootUnavailable(
            f"debootstrap {suite} from {MIRROR} failed (exit {done.returncode}):\n"
            f"{done.stdout[-1500:]}{done.stderr[-1500:]}{log}"
        )


def _trim(root: Path) -> None:
    """Drop what no build or test reads: downloaded packages, docs, manuals, locales."""
    for junk in ("var/cache/apt/archives", "usr/share/doc", "usr/share/man", "usr/share/info"):
        path = root / junk
        if path.exists():
            shutil.rmtree(path)
            path.mkdir(parents=True)


def _refresh_network_files(root: Path) -> None:
    """Today's resolver and CA bundle of this machine (they may change between runs)."""
    for source, target in ((Path("/etc/resolv.conf"), "/etc/resolv.conf"), (HOST_CA, ROOT_CA)):
        if source.is_file():
            dest = root / target.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)  # a bare run root has no /etc/ssl
            dest.unlink(missing_ok=True)  # debootstrap may leave a symlink here
            shutil.copyfile(source, dest)


def command(
    root: Path,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    binds: Mapping[str, Path] | None = None,
    tmpfs: Mapping[str, str] | None = None,
    read_only_binds: Sequence[str] = (),
    cwd: str = "/",
) -> list[str]:
    """The command line that runs ``argv`` inside ``root``, for subprocess.

    Arguments appended to the returned list reach the program after ``argv`` (so callers
    can add options as to any command). ``binds`` maps a path inside the root to a host
    folder; ``tmpfs`` maps a path inside to tmpfs options (``/tmp`` gets a fresh tmpfs
    unless bound or given); paths in ``read_only_binds`` are remounted read-only after
    binding. The environment inside is exactly ``env`` plus PATH, HOME, LANG and the CA
    bundle. The process this command starts becomes the program (signals reach it)."""
    _refresh_network_files(root)

    def q(path: Path) -> str:
        return shlex.quote(str(path))

    mounts = [f"mount -t proc proc {q(root / 'proc')}", f"mount --rbind /dev {q(root / 'dev')}"]
    for inside, host in (binds or {}).items():
        target = root / inside.lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        mounts.append(f"mount --bind {q(host)} {q(target)}")
        if inside in read_only_binds:
            mounts.append(f"mount -o remount,bind,ro {q(target)}")
    fresh = {} if "/tmp" in (binds or {}) else {"/tmp": "mode=1777"}
    for inside, options in {**fresh, **(tmpfs or {})}.items():
        target = root / inside.lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        mounts.append(f"mount -t tmpfs -o {shlex.quote(options)} tmpfs {q(target)}")
    inner_env = {
        "PATH": PATH,
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "SSL_CERT_FILE": ROOT_CA,
        "PIP_CERT": ROOT_CA,
        **(env or {}),
    }
    inner = [
        "chroot",
        str(root),
        "/usr/bin/env",
        "-i",
        *(f"{k}={v}" for k, v in inner_env.items()),
        "/bin/sh",
        "-c",
        f'cd {shlex.quote(cwd)} && exec "$@"',
        "sh",
        *argv,
    ]
    script = " && ".join(mounts) + " && exec " + " ".join(map(shlex.quote, inner)) + ' "$@"'
    # No --fork: the shell, chroot and then the program replace this process one by one,
    # so a signal sent to the process started with this command reaches the program.
    return ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-ec", script, "sh"]


def run(root: Path, argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` inside ``root`` to completion, raising on failure (see :func:`command`);
    ``kwargs``: :func:`command`'s and then subprocess.run's."""
    options = {
        k: kwargs.pop(k) for k in ("env", "binds", "tmpfs", "read_only_binds", "cwd") if k in kwargs
    }
    return subprocess.run(command(root, argv, **options), check=True, text=True, **kwargs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", choices=sorted(SUITES))
    parser.add_argument("--purpose", choices=sorted(PURPOSES), default="run")
    args = parser.parse_args(argv)
    try:
        print(ensure(args.suite, args.purpose))
    except RootUnavailable as exc:
        print(f"debian root: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
