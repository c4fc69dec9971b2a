"""The Python every Linux release of Sheaf bundles, built from source in the Debian 11 root.

    uv run python build_scripts/linux_python.py      # builds (or finds) it; prints its prefix

Why this way (the choice, measured on this project's 2-core build machine):

* A bundle needs no newer glibc than its oldest piece. uv's and pyenv's interpreters are
  built on and for the machine they run on (pyenv's ``libpython3.11`` needed
  ``GLIBC_2.35`` here), python.org's prebuilt Linux interpreters are not reachable from
  build machines that see only package registries, and Debian 11's own Python is 3.9.
* Cross-compiling against an old glibc (``zig cc`` from PyPI) would leave CPython's
  build, OpenSSL and libffi to cross-build as well. A Debian 11 root (debootstrap, about
  1.5 minutes) brings the compiler, headers and libraries of the oldest system we serve,
  and PyInstaller then runs against exactly those.
* The source is the release tarball as Debian ships it (``python3.13_X.orig.tar.xz``:
  the python.org tarball byte for byte, its signature beside it in the archive), pinned
  here by SHA-256, plus the security fixes Debian's stable release carries for it (the
  ``.patch`` files of its ``debian/patches/series``; Debian's layout patches, ``.diff``,
  are not applied). The fixes come from what trixie and trixie-security serve today,
  checked through Debian's signed ``InRelease`` -> ``Sources`` -> file hashes, so they
  arrive without editing this file; ``build-info.json`` records the Debian revision.
* No PGO or LTO: they triple the 5-minute build for a few percent of interpreter speed,
  which start-up and PDF work (mostly C) do not show. The result is cached by version,
  revision and configure flags under the build cache.

Optional modules whose libraries are GPL (readline, gdbm) or unused (curses, tkinter,
sqlite, bz2, lzma, uuid) are not built: the build root has none of their headers.
"""

from __future__ import annotations

import hashlib
import lzma
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts import debian_root
from build_scripts.project import cache_dir, project

UPSTREAM = "3.13.5"
#: python3.13_3.13.5.orig.tar.xz, the python.org release tarball (Debian 13's source).
ORIG_SHA256 = "93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640"
SOURCE_PACKAGE = "python3.13"
#: Where Debian publishes the stable release and its security updates.
ARCHIVES = ((debian_root.MIRROR, "trixie"), (debian_root.SECURITY_MIRROR, "trixie-security"))
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
CONFIGURE = (
    "--enable-shared",
    "--without-static-libpython",
    "--without-system-libmpdec",
    "--with-ensurepip=install",
    "--disable-test-modules",
)
#: Imported after the build: what Sheaf and its libraries need from the interpreter.
NEEDED_MODULES = "ctypes, hashlib, zlib, pyexpat, decimal, json, _posixsubprocess, mmap"


class SourceUnavailable(RuntimeError):
    """Debian's archive could not be read or did not check out."""


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.read()
    except OSError as exc:
        raise SourceUnavailable(f"cannot download {url}: {exc}") from None


def _signed_index(base: str, suite: str) -> str:
    """The text of ``dists/<suite>/InRelease`` once its signature checks out."""
    with tempfile.TemporaryDirectory() as tmp:
        signed, plain = Path(tmp) / "InRelease", Path(tmp) / "InRelease.txt"
        signed.write_bytes(_get(f"{base}/dists/{suite}/InRelease"))
        done = subprocess.run(
            ["gpgv", "--keyring", str(KEYRING), "--output", str(plain), str(signed)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SourceUnavailable(f"{suite}'s InRelease is not signed by Debian: {done.stderr}")
        return plain.read_text()


def _sha256_entry(index: str, name: str) -> str:
    section = index.split("SHA256:", 1)[-1]
    match = re.search(rf"^ ([0-9a-f]{{64}})\s+\d+\s+{re.escape(name)}$", section, re.M)
    if not match:
        raise SourceUnavailable(f"{name} is not listed")
    return match.group(1)


def _checked(data: bytes, sha256: str, what: str) -> bytes:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SourceUnavailable(f"{what} does not match its SHA-256")
    return data


def _field(stanza: str, name: str) -> str:
    match = re.search(rf"^{name}: (\S+)$", stanza, re.M)
    if not match:
        raise SourceUnavailable(f"a {SOURCE_PACKAGE} entry of Sources has no {name}")
    return match.group(1)


def _newer(a: str, b: str) -> bool:
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def debian_source() -> tuple[str, dict[str, tuple[str, str]]]:
    """Debian's newest revision of the pinned release: (version, {file: (url, sha256)})."""
    best: tuple[str, dict[str, tuple[str, str]]] | None = None
    for base, suite in ARCHIVES:
        if not base:
            continue
        index = _signed_index(base, suite)
        sources_sha = _sha256_entry(index, "main/source/Sources.xz")
        sources = lzma.decompress(
            _checked(_get(f"{base}/dists/{suite}/main/source/Sources.xz"), sources_sha, "Sources")
        ).decode("utf-8", "replace")
        for stanza in sources.split("\n\n"):
            if not re.search(rf"^Package: {re.escape(SOURCE_PACKAGE)}$", stanza, re.M):
                continue
            version, directory = (_field(stanza, name) for name in ("Version", "Directory"))
            files = dict(
                (name, (f"{base}/{directory}/{name}", sha))
                for sha, name in re.findall(
                    r"^ ([0-9a-f]{64}) \d+ (\S+)$", stanza.split("Checksums-Sha256:")[1], re.M
                )
            )
            if version.split("-")[0] == UPSTREAM and (best is None or _newer(version, best[0])):
                best = (version, files)
    if best is None:
        raise SourceUnavailable(f"Debian no longer serves {SOURCE_PACKAGE} {UPSTREAM}")
    return best


def _fetch(name: str, url: str, sha256: str) -> Path:
    path = cache_dir() / "sources" / name
    if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(_checked(_get(url), sha256, name))
    partial.replace(path)
    return path


def _key(revision: str) -> str:
    flags = hashlib.sha256(" ".join(CONFIGURE).encode()).hexdigest()[:8]
    return f"{revision.replace('+', '_')}-{flags}"


def prefix_in_root(revision: str) -> str:
    return f"/opt/sheaf-python/{_key(revision)}"


def _cached(root: Path) -> list[str]:
    """Revisions already built in ``root``, newest first."""
    found = [
        p.name
        for p in (root / "opt/sheaf-python").glob(f"{UPSTREAM}-*")
        if (p / ".complete").exists()
    ]
    return sorted(found, reverse=True)


def ensure(root: Path) -> tuple[str, str]:
    """Build (or find) the interpreter in the build ``root``: (prefix inside root, revision)."""
    if project().release_python != ".".join(UPSTREAM.split(".")[:2]):
        raise SystemExit(
            f"linux_python.py pins {UPSTREAM}, but pyproject's release-python is "
            f"{project().release_python}: pin a {project().release_python} release here"
        )
    try:
        revision, files = debian_source()
    except SourceUnavailable as exc:
        cached = _cached(root)
        if not cached:
            raise
        print(f"python: {exc}; using the interpreter built before ({cached[0]})", file=sys.stderr)
        return f"/opt/sheaf-python/{cached[0]}", cached[0].rsplit("-", 1)[0]
    prefix = prefix_in_root(revision)
    if (root / prefix.lstrip("/") / ".complete").exists():
        return prefix, revision
    orig_name = f"{SOURCE_PACKAGE}_{UPSTREAM}.orig.tar.xz"
    if files.get(orig_name, ("", ""))[1] != ORIG_SHA256:
        raise SourceUnavailable(f"Debian's {orig_name} is not the pinned release tarball")
    debian_name = next(name for name in files if name.endswith(".debian.tar.xz"))
    orig = _fetch(orig_name, *files[orig_name])
    debian = _fetch(debian_name, *files[debian_name])
    _build(root, orig, debian, prefix)
    return prefix, revision


def _build(root: Path, orig: Path, debian: Path, prefix: str) -> None:
    print(f"python: building CPython {UPSTREAM} into {prefix} (about 5 minutes)", file=sys.stderr)
    work = root / "build" / "python"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(orig, work / "orig.tar.xz")
    shutil.copy(debian, work / "debian.tar.xz")
    script = f"""
set -e
cd /build/python
tar xJf orig.tar.xz && tar xJf debian.tar.xz
cd Python-{UPSTREAM}
for patch in $(grep -v '^#' ../debian/patches/series | grep '[.]patch$'); do
    patch -p1 -s < ../debian/patches/$patch
done
./configure --prefix={prefix} {" ".join(CONFIGURE)} \\
    LDFLAGS=-Wl,-rpath,{prefix}/lib > ../configure.log
make -j"$(nproc)" > ../make.log 2>&1
make install > ../install.log 2>&1
{prefix}/bin/python3 -c "import {NEEDED_MODULES}; hashlib.pbkdf2_hmac('sha256', b'', b'', 1)"
touch {prefix}/.complete
"""
    try:
        debian_root.run(root, ["/bin/sh", "-c", script])
    except subprocess.CalledProcessError:
        logs = "".join(
            (work / log).read_text(errors="replace")[-3000:]
            for log in ("configure.log", "make.log", "install.log")
            if (work / log).exists()
        )
        raise SystemExit(f"python: the build failed:\n{logs}") from None
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    build_root = debian_root.ensure("bullseye", "build")
    print(root_prefix := ensure(build_root)[0], file=sys.stderr)
    print(build_root / root_prefix.lstrip("/"))
