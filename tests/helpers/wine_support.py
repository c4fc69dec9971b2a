"""Running the real Windows artifacts under Wine from tests: a throwaway prefix, Sheaf
started in it, the registry read back with ``wine reg query``.

The Windows programs get pipes for their standard handles (a Linux file or /dev/null
kills Windows Python with WinError 6) and a clean environment (build_scripts/wine.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests

from build_scripts.wine import Prefix, winpath  # noqa: F401 - winpath is for the tests
from helpers.support import Sheaf, wait_until

START_DEADLINE = 120.0  # the first start of a one-file exe unpacks ~60 MB under Wine


@contextmanager
def throwaway_prefix() -> Iterator[Prefix]:
    """A fresh Windows for a test session; every process in it is ended and every
    file removed afterwards (a prefix is ~700 MB)."""
    folder = Path(tempfile.mkdtemp(prefix="sheaf-wine-"))
    prefix = Prefix(folder / "prefix")
    try:
        Prefix.create(prefix.path)
        yield prefix
    finally:
        prefix.stop()
        shutil.rmtree(folder, ignore_errors=True)


def start(prefix: Prefix, program: Path | str, args: Sequence[str] = ()) -> Sheaf:
    """Start a Windows Sheaf with ``--no-browser`` and wait for its URL line."""
    proc = prefix.popen(
        [str(program), "--no-browser", *args], text=True, encoding="utf-8", errors="replace"
    )
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        return Sheaf.follow(proc, None, START_DEADLINE)
    except BaseException:
        prefix.stop()  # its child (a one-file exe's) outlives the Linux process
        raise


def quit_through_its_page(sheaf: Sheaf, timeout: float = 60) -> int:
    """What the Quit button does: POST /quit from Sheaf's own page with its CSRF token.
    Then the exit code of the whole program (a one-file exe's parent waits for its child
    and removes the unpacked folder before it exits)."""
    session = sheaf.session()
    r = session.post(
        sheaf.base + "/quit",
        headers={"X-CSRF-Token": sheaf.csrf(session), "Origin": sheaf.base},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    code = sheaf.proc.wait(timeout=timeout)
    if sheaf._reader:
        sheaf._reader.join(timeout=5)
    return code


def healthy(sheaf: Sheaf) -> None:
    r = requests.get(sheaf.base + "/healthz", timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ok", r.text


def reg_query(prefix: Prefix, key: str, value: str | None = None) -> str | None:
    """``wine reg query``: the values under ``key`` (or one of them) as reg prints
    them, None if the key (or value) does not exist (reg exits with 1)."""
    args = ["reg", "query", key] + (["/ve"] if value == "" else ["/v", value] if value else [])
    done = run_to_end(prefix, args, timeout=60)
    return done.stdout if done.returncode == 0 else None


def reg_value(prefix: Prefix, key: str, value: str) -> str | None:
    """The data of one value (REG_SZ/REG_DWORD...), or None."""
    out = reg_query(prefix, key, value)
    if out is None:
        return None
    name = re.escape(value) if value else r"\(Default\)|<NO NAME>|"
    match = re.search(rf"^\s*(?:{name})\s+REG_\w+\s+(.*?)\s*$", out, re.M | re.I)
    return match.group(1).strip() if match else None


def leftover_unpack_folders(prefix: Prefix) -> list[Path]:
    """``_MEI*`` folders a one-file exe unpacked into and did not remove."""
    return [p for p in prefix.profile.rglob("_MEI*") if p.is_dir()]


def wait_gone(paths: Sequence[Path], timeout: float, what: str) -> None:
    """The uninstaller returns before it is done (it copies itself to Temp and runs
    from there): poll until the files are gone."""
    wait_until(lambda: not any(p.exists() for p in paths), timeout, what)


def run_to_end(
    prefix: Prefix, program: Sequence[str], timeout: float = 300
) -> subprocess.CompletedProcess:
    proc = prefix.popen(list(program), text=True, encoding="utf-8", errors="replace")
    out, _ = proc.communicate(input="", timeout=timeout)
    return subprocess.CompletedProcess(list(program), proc.returncode, out, "")


@contextmanager
def virtual_display() -> Iterator[str]:
    """An X display of its own (Xvfb), so Wine can show a window no one sees."""
    for number in range(90, 110):
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            break
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 30, "Xvfb")
        yield display
    finally:
        server.terminate()
        server.wait(timeout=30)


def top_windows(display: str) -> list[tuple[str, int, int, int, int]]:
    """(title, x, y, width, height) of the named windows on ``display`` (xwininfo)."""
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display], capture_output=True, text=True
    ).stdout
    found = []
    for match in re.finditer(
        r'^\s*0x[0-9a-f]+ "([^"]*)":.*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', tree, re.M
    ):
        title, w, h, x, y = match.groups()
        found.append((title, int(x), int(y), int(w), int(h)))
    return found
