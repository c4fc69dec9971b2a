"""The Windows setup under Wine: a silent per-user install, what it adds (files, Start
menu entry, "Open with" keys and the Apps & features entry, all under HKCU), the
installed Sheaf running, and an uninstall that removes exactly that and keeps the
person's data. The registry is read back with ``wine reg query``."""

from __future__ import annotations

import pytest
from helpers.support import wait_until
from helpers.wine_support import (
    healthy,
    quit_through_its_page,
    reg_query,
    reg_value,
    run_to_end,
    start,
    wait_gone,
)

pytestmark = pytest.mark.windows

UNINSTALL = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Sheaf"
APP = r"HKCU\Software\Classes\Applications\Sheaf.exe"
PROGID = r"HKCU\Software\Classes\Sheaf.Document"
OPEN_WITH = [rf"HKCU\Software\Classes\{ext}\OpenWithProgids" for ext in (".pdf", ".png", ".jpg")]


def _added_keys(prefix) -> dict[str, str | None]:
    return {
        key: reg_query(prefix, key)
        for key in (UNINSTALL, APP, rf"{APP}\shell\open\command", PROGID, r"HKCU\Software\Sheaf")
    }


def test_setup_installs_for_the_user_and_the_uninstaller_removes_it(windows_dist, prefix):
    local = prefix.profile / "AppData" / "Local"
    folder = local / "Programs" / "Sheaf"
    shortcut = (
        (prefix.profile / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu")
        / "Programs"
        / "Sheaf.lnk"
    )
    assert all(v is None for v in _added_keys(prefix).values())  # a fresh Windows

    done = run_to_end(prefix, [str(windows_dist.setup), "/S"])
    assert done.returncode == 0, done.stdout
    assert (folder / "Sheaf.exe").is_file() and (folder / "_internal").is_dir()
    assert (folder / "Uninstall.exe").is_file()
    assert shortcut.is_file() and b"Sheaf.exe" in shortcut.read_bytes().replace(b"\0", b"")

    added = _added_keys(prefix)
    assert all(added.values()), added
    installed_exe = rf"C:\users\{prefix.profile.name}\AppData\Local\Programs\Sheaf\Sheaf.exe"
    assert reg_value(prefix, UNINSTALL, "DisplayName") == "Sheaf"
    assert reg_value(prefix, UNINSTALL, "DisplayVersion") == windows_dist.info["version"]
    location = reg_value(prefix, UNINSTALL, "InstallLocation")
    assert location.lower() == installed_exe.lower().removesuffix(r"\sheaf.exe")
    quiet = reg_value(prefix, UNINSTALL, "QuietUninstallString")
    assert quiet.lower().endswith(r'uninstall.exe" /s')
    command = reg_value(prefix, rf"{APP}\shell\open\command", "")
    assert command.lower() == f'"{installed_exe}" "%1"'.lower()
    for key in OPEN_WITH:
        assert reg_value(prefix, key, "Sheaf.Document") is not None, key
    # Per user only: nothing machine-wide, no administrator needed.
    assert reg_query(prefix, UNINSTALL.replace("HKCU", "HKLM")) is None

    # The installed Sheaf starts, and it keeps its data where Windows programs do.
    sheaf = start(prefix, folder / "Sheaf.exe")
    try:
        healthy(sheaf)
    except BaseException:
        prefix.stop()
        raise
    assert quit_through_its_page(sheaf) == 0, sheaf.output()
    data = local / "Sheaf"  # %LOCALAPPDATA%\Sheaf
    assert list(data.rglob("sheaf.log"))

    # Uninstall as Apps & features does: its quiet command line, from the registry.
    done = run_to_end(prefix, [str(folder / "Uninstall.exe"), "/S"])
    assert done.returncode == 0, done.stdout
    wait_gone([folder, shortcut], 120, "the uninstall")
    wait_until(lambda: all(v is None for v in _added_keys(prefix).values()), 60, "the keys removed")
    for key in OPEN_WITH:
        assert reg_value(prefix, key, "Sheaf.Document") is None, key
    assert list(data.rglob("sheaf.log")), "the person's data stays"
