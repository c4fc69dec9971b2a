"""Everything ``app.spec`` builds from, declared once, for the spec and the jobs that run it.

PyInstaller executes ``app.spec`` with globals of its own, so the spec cannot be given
Python values; ``build.py`` and ``windows.py`` used to tell it what to make through
environment variables. Now the two choices of a build, what to make (``bundle``) and
where ``build.py`` put the icons and the Windows version resource (``generated``), are
arguments after ``--`` on PyInstaller's command line (:meth:`SpecInputs.pyinstaller`),
and the spec turns them back into a :class:`SpecInputs` (:meth:`SpecInputs.from_argv`).
Everything else (name, version, entry script, data files, excludes, icon, console,
strip...) is a property here, so a job that needs to know what the spec makes (the
one-file program's name, say) asks this module instead of repeating the spec.

It runs inside whichever Python freezes Sheaf (Windows Python under Wine, too), so it
needs only the standard library and the build scripts it imports; PyInstaller's own
helpers are imported where they are called, which is inside the spec.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from build_scripts.bundle_check import EXCLUDED_MODULES, SYSTEM_LIBRARIES
from build_scripts.project import ROOT, Project, os_name, project

SPEC = ROOT / "app.spec"
#: "onefile" (the default), "onedir" (a folder bundle: the server image and the
#: installers' payload) or "both" from one analysis (the Linux and Windows release builds).
BUNDLES = ("onefile", "onedir", "both")
#: Babel locale data Sheaf needs: the root, English and (Simplified) Chinese (all of it
#: would add ~30 MB).
BABEL_LOCALES = frozenset({"root", "en", "en_US", "zh", "zh_Hans", "zh_Hans_CN"})
#: What ``build.py`` writes into the generated folder, by the OS that uses it.
ICONS = {"windows": "sheaf.ico", "macos": "sheaf.icns"}
VERSION_FILE = "version.txt"


def generated_dir(work: Path) -> Path:
    """Where a build in ``work`` puts the icons and the version resource for the spec."""
    return work / "generated"


@dataclass(frozen=True)
class SpecInputs:
    """One build's inputs. ``generated`` is spelled as the freezing OS spells paths (a
    ``Z:\\...`` path under Wine); ``os`` is the OS the spec runs on, and so builds for."""

    bundle: str = "onefile"
    generated: str = str(generated_dir(ROOT / "build"))
    os: str = field(default_factory=os_name)

    def __post_init__(self) -> None:
        if self.bundle not in BUNDLES:
            raise ValueError(f"bundle must be one of {', '.join(BUNDLES)}, not {self.bundle!r}")

    # --- the command line: build.py and windows.py -> app.spec --------------------------
    def argv(self) -> list[str]:
        """What follows ``--`` on PyInstaller's command line."""
        return ["--bundle", self.bundle, "--generated", self.generated]

    @classmethod
    def from_argv(cls, argv: Sequence[str]) -> SpecInputs:
        """The inputs from :meth:`argv` (``sys.argv[1:]`` inside the spec)."""
        parser = argparse.ArgumentParser(prog="app.spec")
        parser.add_argument("--bundle", choices=BUNDLES, default=cls.bundle)
        parser.add_argument("--generated", default=cls.generated)
        args = parser.parse_args(list(argv))
        return cls(bundle=args.bundle, generated=args.generated)

    def pyinstaller(self, *, dist: str, work: str, spec: str = str(SPEC)) -> list[str]:
        """Arguments for ``python -m PyInstaller`` (paths as the freezing OS spells them)."""
        return [
            *("-m", "PyInstaller", spec, "--noconfirm", "--clean"),
            *("--distpath", dist, "--workpath", work, "--log-level", "WARN"),
            "--",
            *self.argv(),
        ]

    # --- identity ------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return project()

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def onedir(self) -> bool:
        return self.bundle in ("onedir", "both")

    @property
    def onefile(self) -> bool:
        return self.bundle in ("onefile", "both")

    @property
    def onefile_name(self) -> str:
        """Beside a folder bundle named ``Sheaf/``, the one-file program needs another name."""
        return f"{self.name}-onefile" if self.onedir else self.name

    # --- Analysis --------------------------------------------------------------------------
    @property
    def scripts(self) -> list[str]:
        """The entry point; PyInstaller follows its imports to the whole app package (the
        PDF modules are imported inside functions; PyInstaller follows those too)."""
        return [str(ROOT / "launcher.py")]

    @property
    def pathex(self) -> list[str]:
        return [str(ROOT)]

    def datas(self) -> list[tuple[str, str]]:
        """(source, destination) pairs: templates, static files, fonts and the compiled
        catalogues at their paths in the source tree (app/resources.py finds them beside
        the ``app`` package), and Sheaf's package metadata (app/meta.py reads name and
        version from it). Only inside the spec: it asks PyInstaller for the metadata."""
        from PyInstaller.utils.hooks import copy_metadata

        app = ROOT / "app"
        pairs = [(str(app / d), f"app/{d}") for d in ("templates", "static", "fonts")]
        for mo in sorted((app / "translations").glob("*/LC_MESSAGES/messages.mo")):
            pairs.append((str(mo), mo.parent.relative_to(ROOT).as_posix()))
        return pairs + copy_metadata(self.name)

    #: Nothing is hidden from PyInstaller's import analysis today.
    hiddenimports: ClassVar[tuple[str, ...]] = ()

    @property
    def excludes(self) -> list[str]:
        """Modules no one imports at run time, debuggers, the C libraries of optional
        standard modules: one list, in bundle_check.py, which also checks each build."""
        return list(EXCLUDED_MODULES)

    optimize: ClassVar[int] = 1  # strip asserts; keep docstrings (Flask and Jinja read some)

    @staticmethod
    def keep_data(entry: tuple[Any, ...]) -> bool:
        """False for Babel locale data of languages Sheaf does not speak."""
        dest = str(entry[0]).replace("\\", "/")
        if "babel/locale-data/" in dest:
            return Path(dest).stem in BABEL_LOCALES
        return True

    def keep_binary(self, entry: tuple[Any, ...]) -> bool:
        """False for the libraries that come from the person's Linux system."""
        return self.os != "linux" or not Path(str(entry[0])).name.startswith(SYSTEM_LIBRARIES)

    # --- EXE, COLLECT, BUNDLE ----------------------------------------------------------------
    @property
    def icon(self) -> str | None:
        found = ICONS.get(self.os)
        return str(Path(self.generated) / found) if found else None

    @property
    def version_file(self) -> str | None:
        """The Windows version resource (``build.windows_version_file``)."""
        return str(Path(self.generated) / VERSION_FILE) if self.os == "windows" else None

    @property
    def console(self) -> bool:
        """Windows: windowed, no console window flashing up."""
        return self.os != "windows"

    @property
    def strip(self) -> bool:
        return self.os == "linux"

    upx: ClassVar[bool] = False  # slows start-up and trips antivirus scanners

    @property
    def bundle_identifier(self) -> str:
        return self.project.bundle_identifier

    def info_plist(self) -> dict[str, Any]:
        from build_scripts.macos import info_plist

        return info_plist(self.project)
