"""The macOS bundle's Info.plist: Sheaf's identity, the Macs it runs on, the documents it opens.

``CFBundleDocumentTypes`` puts Sheaf in Finder's "Open With" for PDFs and the
images Sheaf turns into PDFs, and lets people drop them on its Dock icon;
PyInstaller's ``argv_emulation`` (app.spec) turns the resulting "open"
events at launch into file arguments. Sheaf is an alternate handler: it never
takes over PDFs from Preview unless the person chooses it. Standard library
only; tests check the result with plistlib.

Each build is for one architecture (PyInstaller freezes the Python it runs on), and
declares the oldest macOS its bundled wheels allow. The binding ones: pikepdf's
newest releases ship macOS wheels for Apple Silicon on macOS 15 only, so macOS gets
pikepdf 9.11 (pyproject.toml), built for Intel on macOS 13 and Apple Silicon on
macOS 14; pypdfium2 needs 13 on both. tests/binary/test_installers.py reads the wheel
tags in uv.lock and fails when a locked wheel needs more than is declared here.
"""

from __future__ import annotations

import platform
from typing import Any

#: The oldest macOS each architecture's build runs on (see the module docstring).
MINIMUM_MACOS = {"arm64": "14.0", "x86_64": "13.0"}


def build_architecture() -> str:
    """The architecture this build is for: the one of the Python running PyInstaller."""
    machine = platform.machine().lower()
    return {"aarch64": "arm64", "amd64": "x86_64"}.get(machine, machine)


PDF_TYPES = ("com.adobe.pdf",)
IMAGE_TYPES = ("public.png", "public.jpeg", "public.tiff", "org.webmproject.webp")


def _document(name: str, types: tuple[str, ...]) -> dict[str, Any]:
    return {
        "CFBundleTypeName": name,
        "CFBundleTypeRole": "Editor",  # it writes new files from them
        "LSHandlerRank": "Alternate",
        "LSItemContentTypes": list(types),
    }


def info_plist(project: Any, architecture: str | None = None) -> dict[str, Any]:
    architecture = architecture or build_architecture()
    if architecture not in MINIMUM_MACOS:
        raise SystemExit(f"macOS builds are for {' or '.join(MINIMUM_MACOS)}, not {architecture}")
    return {
        "CFBundleName": project.name,
        "CFBundleDisplayName": project.name,
        "CFBundleIdentifier": project.bundle_identifier,
        "CFBundleShortVersionString": project.version,
        "CFBundleVersion": project.version,
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": MINIMUM_MACOS[architecture],
        "LSArchitecturePriority": [architecture],
        "NSHumanReadableCopyright": project.publisher,
        "CFBundleDocumentTypes": [
            _document("PDF document", PDF_TYPES),
            _document("Image", IMAGE_TYPES),
        ],
    }
