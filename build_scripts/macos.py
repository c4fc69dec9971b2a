"""The macOS bundle's Info.plist: Sheaf's identity and the documents it opens.

``CFBundleDocumentTypes`` puts Sheaf in Finder's "Open With" for PDFs and the
images Sheaf turns into PDFs, and lets people drop them on its Dock icon;
PyInstaller's ``argv_emulation`` (app.spec) turns the resulting "open"
events at launch into file arguments. Sheaf is an alternate handler: it never
takes over PDFs from Preview unless the person chooses it. Standard library
only; tests check the result with plistlib.
"""

from __future__ import annotations

from typing import Any

PDF_TYPES = ("com.adobe.pdf",)
IMAGE_TYPES = ("public.png", "public.jpeg", "public.tiff", "org.webmproject.webp")


def _document(name: str, types: tuple[str, ...]) -> dict[str, Any]:
    return {
        "CFBundleTypeName": name,
        "CFBundleTypeRole": "Editor",  # it writes new files from them
        "LSHandlerRank": "Alternate",
        "LSItemContentTypes": list(types),
    }


def info_plist(project: Any) -> dict[str, Any]:
    return {
        "CFBundleName": project.name,
        "CFBundleDisplayName": project.name,
        "CFBundleIdentifier": project.bundle_identifier,
        "CFBundleShortVersionString": project.version,
        "CFBundleVersion": project.version,
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "11.0",
        "NSHumanReadableCopyright": project.publisher,
        "CFBundleDocumentTypes": [
            _document("PDF document", PDF_TYPES),
            _document("Image", IMAGE_TYPES),
        ],
    }
