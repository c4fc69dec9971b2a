"""Where the files that ship *inside* Sheaf are: templates, static files, translations.

The same code runs from a source checkout, an installed wheel (Docker) and a
PyInstaller bundle. In all three, this module's ``__file__`` sits next to the
resource folders (PyInstaller unpacks ``app/templates`` etc. beside the frozen
modules under ``sys._MEIPASS``; app.spec is written to keep that true), so this
is the one place that resolves them.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES = PACKAGE_DIR / "templates"
STATIC = PACKAGE_DIR / "static"
TRANSLATIONS = PACKAGE_DIR / "translations"
FONTS = PACKAGE_DIR / "fonts"

#: True inside a PyInstaller executable.
FROZEN: bool = bool(getattr(sys, "frozen", False))
