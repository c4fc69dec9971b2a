"""What running from a built executable changes in the process, and undoing it for others.

PyInstaller's start-up puts the folder it unpacked into first in ``LD_LIBRARY_PATH``
(keeping the person's value in ``LD_LIBRARY_PATH_ORIG``), and the Linux one-file
download's start program (``build_scripts/linux_start.c``) points ``TMPDIR`` at the folder
it checked and unpacked into (keeping the person's value in ``SHEAF_ORIG_TMPDIR``).
Sheaf itself needs neither once it runs: the dynamic loader read its search path when the
process started, and :mod:`tempfile` keeps the folder it found first. Programs Sheaf
starts (the browser, ``xdg-open``, a desktop's C++ helpers) would instead load Sheaf's
libraries in place of their own and fail, so :func:`restore_environment` puts the
person's values back before any is started.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

#: Set by the start program: the file the person started (not the unpacked copy).
_STARTED_FILE: str | None = None


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def restore_environment(environ: MutableMapping[str, str] = os.environ) -> None:
    """Give ``environ`` (the one child processes inherit) the person's own values back."""
    global _STARTED_FILE
    if not is_frozen():
        return
    import tempfile

    tempfile.gettempdir()  # Sheaf's own temporary files stay where the start program checked
    for name in ("LD_LIBRARY_PATH", "LIBPATH"):
        original = environ.pop(f"{name}_ORIG", None)
        if original is not None:
            environ[name] = original
        else:
            environ.pop(name, None)
    if environ.pop("SHEAF_UNPACK_DIR", None) is not None:
        original = environ.pop("SHEAF_ORIG_TMPDIR", None)
        if original is None:
            environ.pop("TMPDIR", None)
        else:
            environ["TMPDIR"] = original
        _STARTED_FILE = environ.pop("SHEAF_EXECUTABLE", None) or _STARTED_FILE


def executable() -> str:
    """The program a person starts: the downloaded file itself where a start program
    unpacked a copy of it, else the running executable (or Python, from source)."""
    return os.path.abspath(_STARTED_FILE or sys.executable)


def is_portable() -> bool:
    """A one-file build, complete in :func:`executable` (a folder build needs its folder)."""
    if not is_frozen():
        return False
    if _STARTED_FILE:
        return True
    # A folder build keeps its libraries in "_internal" beside the executable (app.spec).
    folder = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "_internal")
    return os.path.abspath(getattr(sys, "_MEIPASS", folder)) != folder
