"""Wine, for building and running Sheaf's Windows artifacts on Linux: prefixes (a Windows
of their own each), and Windows programs run in them the way Windows would run them.

Pitfalls this module exists to avoid (all met under Wine 8):
- A Windows process whose standard handles are a Linux file or ``/dev/null`` dies
  with ``WinError 6``: :meth:`Prefix.run` and :meth:`Prefix.popen` give it pipes.
- Linux's ``PIP_*``, ``SSL_CERT_FILE``, ``PYTHONPATH``... would leak into Windows
  processes: they get a clean environment (:data:`KEEP_ENV`).
- Left to choose, Wine mixes its own C++ runtime with the Microsoft one a frozen Sheaf
  bundles, and some C++ exceptions inside pikepdf then escape their handlers (a
  missing ``/Rotate`` became a KeyError in some worker threads): the Microsoft DLLs
  are preferred, which is what Windows loads (:data:`DLL_OVERRIDES`).

The Windows Python that builds Sheaf lives in one of these prefixes:
:mod:`windows_python`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

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
        self, program: Sequence[str], extra_env: dict[str, str] | None = None, **kwargs: Any
    ) -> subprocess.Popen:  # kwargs: more of Popen's
        """Start a Windows program with pipes for all three standard handles."""
        return subprocess.Popen(
            ["wine", *program],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.env(extra_env),
            **kwargs,
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
