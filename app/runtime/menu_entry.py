"""``Sheaf --install`` / ``--uninstall``: this user's applications menu and "Open with" (Linux).

Writes an XDG desktop entry (``Exec=... %F`` so files opened with Sheaf
arrive as arguments, the MIME types Sheaf opens) and the icon in the hicolor
sizes under ``$XDG_DATA_HOME`` (default ``~/.local/share``), and a list of
exactly what it wrote, so ``--uninstall`` removes that and nothing else.
Nothing needs root; menus pick the entry up at once or at next login.

The one-file download is copied first to ``Sheaf/bin/Sheaf-<version>`` there, with
``Sheaf/bin/Sheaf`` pointing at it, and the entry starts that: people move, rename and
delete what they download, and the menu must not break when they do. Installing a
newer version repoints the link and removes the older copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from app import resources
from app.meta import NAME, VERSION
from app.runtime import frozen

APP_ID = "org.sheaf_pdf.Sheaf"
MIME_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON = resources.STATIC / "img" / "sheaf-icon.png"
RECORD = f"{APP_ID}.installed.json"


def data_home(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    raw = env.get("XDG_DATA_HOME", "").strip()
    return Path(raw) if raw and Path(raw).is_absolute() else Path.home() / ".local" / "share"


def bin_dir(home: Path) -> Path:
    """Where an installed one-file Sheaf lives (beside the person's data, ``Sheaf/``)."""
    return home / NAME / "bin"


def command(home: Path) -> list[str]:
    """How the entry starts Sheaf: the stable copy of a one-file build, a folder build
    where it is, or Python and launcher.py from source."""
    if frozen.is_portable():
        return [str(bin_dir(home) / NAME)]
    if frozen.is_frozen():
        return [frozen.executable()]
    launcher = Path(__file__).resolve().parent.parent.parent / "launcher.py"
    return [os.path.abspath(sys.executable), str(launcher)]


def _install_copy(home: Path) -> list[Path]:
    """Copy the running one-file Sheaf to ``bin/Sheaf-<version>`` and point ``bin/Sheaf``
    at it, each step atomic, so a running menu entry never sees half a file."""
    folder = bin_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    copy, link = folder / f"{NAME}-{VERSION}", folder / NAME
    source = Path(frozen.executable())
    if source.resolve() != copy.resolve():
        partial = folder / f".{copy.name}.{os.getpid()}.partial"
        shutil.copyfile(source, partial)
        partial.chmod(0o755)
        partial.replace(copy)
    new_link = folder / f".{NAME}.{os.getpid()}.link"
    new_link.unlink(missing_ok=True)
    new_link.symlink_to(copy.name)
    new_link.replace(link)
    return [copy, link]


def _exec_line(argv: list[str]) -> str:
    # The desktop entry spec quotes like a shell, with % doubled.
    return " ".join(shlex.quote(a).replace("%", "%%") for a in argv) + " %F"


def desktop_entry(argv: list[str], icon: str) -> str:
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            f"Name={NAME}",
            "GenericName=PDF toolbox",
            "GenericName[zh_CN]=PDF 工具箱",
            "Comment=Merge, split, sign and edit PDFs privately, on this computer",
            "Comment[zh_CN]=在本机私密地合并、拆分、签名和编辑 PDF",
            f"Exec={_exec_line(argv)}",
            f"Icon={icon}",
            "Terminal=false",
            "Categories=Office;Graphics;",
            "MimeType=" + ";".join(MIME_TYPES) + ";",
            "Keywords=PDF;merge;split;sign;compress;",
            "StartupNotify=true",
            f"X-Sheaf-Version={VERSION}",
            "",
        ]
    )


def _caches(home: Path) -> list[Path]:
    """The index files the desktop's tools keep beside entries and icons."""
    return [
        home / "applications" / "mimeinfo.cache",
        home / "icons" / "hicolor" / "icon-theme.cache",
    ]


def install(home: Path | None = None) -> list[Path]:
    """Add the entry and icons; returns what was written (also kept in the record)."""
    from PIL import Image

    home = home or data_home()
    had = {path for path in _caches(home) if path.exists()}
    written: list[Path] = []
    with Image.open(ICON) as source:
        source = source.convert("RGBA")
        for size in ICON_SIZES:
            path = home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            source.resize((size, size), Image.Resampling.LANCZOS).save(path, optimize=True)
            written.append(path)
    if frozen.is_portable():
        written += _install_copy(home)
    entry = home / "applications" / f"{APP_ID}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry(command(home), APP_ID), encoding="utf-8")
    written.append(entry)
    _refresh(home)
    made = [path for path in _caches(home) if path.exists() and path not in had]
    record = home / "applications" / RECORD
    before = _recorded(record)[0]
    listing = {
        "version": VERSION,
        "files": [str(p) for p in written],
        "caches": [str(p) for p in made],
    }
    record.write_text(json.dumps(listing, indent=1), encoding="utf-8")
    # What an older version installed and this one did not (its copy in bin/) goes.
    for old in set(before) - set(written):
        if _inside(old, home) and (old.is_symlink() or old.is_file()):
            old.unlink()
    return [*written, record]


def _recorded(record: Path) -> tuple[list[Path], list[Path]]:
    try:
        listing = json.loads(record.read_text(encoding="utf-8"))
        return (
            [Path(p) for p in listing.get("files", [])],
            [Path(p) for p in listing.get("caches", [])],
        )
    except (OSError, ValueError, AttributeError):
        return [], []


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove exactly what :func:`install` wrote: its files, the index files its refresh
    created (others' are refreshed instead), and the folders it left empty."""
    home = home or data_home()
    record = home / "applications" / RECORD
    files, made = _recorded(record)
    removed = []
    for path in [*files, *made, record]:
        if _inside(path, home) and (path.is_symlink() or path.is_file()):
            path.unlink()
            removed.append(path)
    for path in removed:
        for parent in path.parents:
            if parent == home or not _inside(parent, home):
                break
            try:
                parent.rmdir()  # only if empty: other apps' icons stay
            except OSError:
                break
    if any(path.exists() for path in _caches(home)):
        _refresh(home)
    return removed


def _inside(path: Path, home: Path) -> bool:
    return os.path.abspath(path).startswith(os.path.abspath(home) + os.sep)


def _refresh(home: Path) -> None:
    """Tell menus and "Open with" lists at once where the tools exist; harmless if not."""
    calls = (
        (["update-desktop-database", "-q"], home / "applications"),
        (["gtk-update-icon-cache", "-q", "-t"], home / "icons" / "hicolor"),
    )
    for tool, target in calls:
        if target.is_dir():
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                subprocess.run([*tool, str(target)], capture_output=True, timeout=30, check=False)
