"""The Linux one-file download's first run where the machine is not kind to it.

Each case runs the real download in a private mount namespace (``unshare``) with small
tmpfs mounts standing in for the person's temporary folders and home: a full or
``noexec`` temporary folder, no usable folder at all, a folder that fills up while
unpacking, a read-only home, a folder left by a Sheaf that was killed. What is checked:
the plain-words message, the fallback that works, and that nothing is left behind.
Programs Sheaf starts get the person's environment back, and ``--install`` makes a copy
that survives the download being moved.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.binaries import build_script
from helpers.support import Sheaf, base_env, browser_env, wait_until

pytestmark = [
    pytest.mark.binary,
    pytest.mark.skipif(sys.platform != "linux", reason="these run the Linux one-file build"),
    pytest.mark.skipif(os.geteuid() != 0, reason="tmpfs mounts in a namespace need root"),
]


#: Inside the namespace: a private tmpfs holding a copy of the download and the folders
#: each case mounts (so nothing of this machine's /tmp is in the way, or touched).
STAGE = "/mnt"


def run_mounted(
    built: Path, mounts: dict[str, str], args: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    """Run a copy of ``built`` with ``args`` and tmpfs ``mounts`` (a path inside the
    namespace -> mount options); returns the result and what each mounted folder holds
    once it has exited."""
    lines = [
        f"mount -t tmpfs -o size=1g tmpfs {STAGE}",
        f'mkdir {STAGE}/bin && cp "$1" {STAGE}/bin/Sheaf && chmod 755 {STAGE}/bin/Sheaf && shift',
    ]
    for folder, options in mounts.items():
        q = shlex.quote(folder)
        lines.append(f"mkdir -p {q} && mount -t tmpfs -o {shlex.quote(options)} tmpfs {q}")
    listing = " ".join(shlex.quote(f) for f in mounts)
    script = "\n".join(
        [
            *lines,
            f"cd {STAGE}",
            f'set +e; {STAGE}/bin/Sheaf "$@" </dev/null; code=$?',
            f'for f in {listing}; do echo "LISTING $f $(ls -A "$f" | tr "\\n" " ")"; done',
            "exit $code",
        ]
    )
    done = subprocess.run(
        [
            *("unshare", "--mount", "--propagation", "private", "--fork"),
            *("/bin/sh", "-ec", script, "sh", str(built), *args),
        ],
        env=base_env(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    left = {}
    for line in done.stdout.splitlines():
        if line.startswith("LISTING "):
            _, folder, *entries = line.split(" ")
            left[folder] = [e for e in entries if e]
    return done, left


@pytest.fixture(scope="module")
def version(built: Path) -> str:
    return json.loads((built.parent / "build-info.json").read_text())["version"]


def test_a_full_temporary_folder_is_skipped_with_a_note(built: Path, version: str):
    small, big = f"{STAGE}/small", f"{STAGE}/big"
    done, left = run_mounted(
        built,
        {small: "size=16m", big: "size=512m"},
        ["--version"],
        {"TMPDIR": small, "TEMP": big},
    )
    assert done.returncode == 0, done.stderr
    assert version in done.stdout
    assert (
        f"Sheaf: {small} cannot be used: it has only 16 MB free; unpacking in {big} instead."
        in (done.stderr)
    )
    assert left == {small: [], big: []}


def test_a_noexec_temporary_folder_is_skipped_and_sheaf_runs(built: Path, version: str):
    noexec, big = f"{STAGE}/noexec", f"{STAGE}/big"
    done, left = run_mounted(
        built,
        {noexec: "size=512m,noexec", big: "size=512m"},
        ["--version"],
        {"TMPDIR": noexec, "TEMP": big},
    )
    assert done.returncode == 0, done.stderr
    assert version in done.stdout
    assert f"{noexec} cannot be used: it does not allow programs to run (mounted noexec)" in (
        done.stderr
    )
    assert left == {noexec: [], big: []}


def test_when_no_folder_will_do_it_says_why_for_each_and_writes_nothing(built: Path):
    home = f"{STAGE}/home"
    mounts = {
        "/tmp": "size=8m,mode=1777",
        "/var/tmp": "size=512m,noexec,mode=1777",
        home: "size=1m,ro",
    }
    done, left = run_mounted(built, mounts, ["--version"], {"HOME": home})
    assert done.returncode == 1
    message = done.stderr
    assert "Sheaf: cannot start: it needs about" in message
    assert "/tmp: it has only 8 MB free" in message
    assert "/var/tmp: it does not allow programs to run (mounted noexec)" in message
    assert f"{home}/.cache/Sheaf: it cannot be made (Read-only file system)" in message
    assert "TMPDIR=" in message  # what to do about it
    assert left == {"/tmp": [], "/var/tmp": [], home: []}


def test_a_folder_that_fills_while_unpacking_is_emptied_again(built: Path, tmp_path: Path):
    """A download whose trailer understates what it unpacks stands in for a folder that
    another program fills while Sheaf unpacks: the checks pass, the unpacking runs out of
    room half way, and the half-made folder must not stay."""
    linux_start = build_script("linux_start")
    lying = tmp_path / built.name
    shutil.copyfile(built, lying)
    offset, size, _, files = linux_start.trailer(built)
    with lying.open("r+b") as f:
        f.seek(-linux_start.TRAILER.size, 2)
        f.write(linux_start.TRAILER.pack(linux_start.MAGIC, offset, size, 1 << 20, files))
    small = f"{STAGE}/small"
    megabytes = (size >> 20) + 12  # room for the program and a little, not for its contents
    done, left = run_mounted(lying, {small: f"size={megabytes}m"}, ["--version"], {"TMPDIR": small})
    assert done.returncode != 0
    assert f"Sheaf: {small} filled up while Sheaf was unpacking itself" in done.stderr
    assert left == {small: []}


def test_a_read_only_home_points_to_data_dir(built: Path):
    home = f"{STAGE}/home"
    done, _ = run_mounted(
        built,
        {f"{STAGE}/tmp": "size=512m", home: "size=1m,ro"},
        ["--no-browser"],
        {"HOME": home, "TMPDIR": f"{STAGE}/tmp"},
    )
    assert done.returncode == 1
    said = done.stderr + done.stdout
    assert "cannot write to its folder" in said and "--data-dir" in said


def test_folders_left_by_a_killed_sheaf_go_and_those_in_use_stay(built: Path, tmp_path: Path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    stale, busy = folder / "sheaf-unpack-stale01", folder / "sheaf-unpack-busy001"
    for made in (stale, busy):
        (made / "_MEI123").mkdir(parents=True)
        (made / ".lock").write_bytes(b"")
        os.utime(made, (0, 0))
    with (busy / ".lock").open() as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = subprocess.run(
            [str(built), "--version"],
            env=base_env({"TMPDIR": str(folder)}),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [busy.name]


def test_programs_sheaf_starts_get_the_persons_environment(built: Path, tmp_path: Path):
    """The browser, and the browser a second launch opens, see the person's
    LD_LIBRARY_PATH and TMPDIR, not the ones Sheaf's start-up set for itself."""
    envs = tmp_path / "envs"
    envs.mkdir()
    persons_tmp = tmp_path / "persons-tmp"
    persons_tmp.mkdir()
    env = {
        **browser_env(tmp_path / "browser.log"),
        "SHEAF_TEST_BROWSER_ENV": str(envs),
        "LD_LIBRARY_PATH": "/opt/persons/lib",
        "TMPDIR": str(persons_tmp),
    }
    sheaf = Sheaf.start(data_dir=tmp_path / "root", command=[str(built)], env=env, browser=True)
    try:
        wait_until(lambda: len(list(envs.glob("env-*.json"))) == 1, 60, "the browser")
        second = subprocess.run(
            [str(built), "--data-dir", str(tmp_path / "root")],
            env=base_env(env),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 0, second.stderr
        wait_until(lambda: len(list(envs.glob("env-*.json"))) == 2, 60, "the second browser")
    finally:
        sheaf.stop()
    for path in envs.glob("env-*.json"):
        seen = json.loads(path.read_text())
        assert seen.get("LD_LIBRARY_PATH") == "/opt/persons/lib"
        assert seen.get("TMPDIR") == str(persons_tmp)
        leaked = {"LD_LIBRARY_PATH_ORIG", "SHEAF_UNPACK_DIR", "SHEAF_ORIG_TMPDIR"} & set(seen)
        assert not leaked, leaked
    assert not list(persons_tmp.iterdir())  # Sheaf unpacked itself there and tidied up


def test_without_them_the_browser_gets_none(built: Path, tmp_path: Path):
    envs = tmp_path / "envs"
    envs.mkdir()
    env = {**browser_env(tmp_path / "browser.log"), "SHEAF_TEST_BROWSER_ENV": str(envs)}
    unset = ["env", "-u", "TMPDIR", "-u", "LD_LIBRARY_PATH", str(built)]
    sheaf = Sheaf.start(data_dir=tmp_path / "root", command=unset, env=env, browser=True)
    try:
        found = wait_until(lambda: list(envs.glob("env-*.json")), 60, "the browser")
    finally:
        sheaf.stop()
    seen = json.loads(found[0].read_text())
    assert "LD_LIBRARY_PATH" not in seen and "TMPDIR" not in seen


def test_install_copies_the_download_to_a_stable_place(built: Path, tmp_path: Path):
    version = json.loads((built.parent / "build-info.json").read_text())["version"]
    share, downloads = tmp_path / "share", tmp_path / "Downloads"
    downloads.mkdir()
    download = downloads / built.name
    shutil.copyfile(built, download)
    download.chmod(0o755)
    bin_dir = share / "Sheaf" / "bin"
    # What an older version's --install left: its copy, its link and its record.
    bin_dir.mkdir(parents=True)
    old = bin_dir / "Sheaf-0.0.1"
    old.write_bytes(b"an older Sheaf")
    (bin_dir / "Sheaf").symlink_to(old.name)
    record = share / "applications" / "org.sheaf_pdf.Sheaf.installed.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"files": [str(old), str(bin_dir / "Sheaf")], "caches": []}))
    (share / "Sheaf" / "notes.txt").write_text("the person's data")
    env = base_env({"XDG_DATA_HOME": str(share), "HOME": str(tmp_path / "home")})

    done = subprocess.run([str(download), "--install"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    copy = bin_dir / f"Sheaf-{version}"
    assert copy.read_bytes() == built.read_bytes() and os.access(copy, os.X_OK)
    assert os.readlink(bin_dir / "Sheaf") == copy.name
    assert not old.exists()  # the newer version replaced the older one
    entry = (share / "applications" / "org.sheaf_pdf.Sheaf.desktop").read_text()
    assert f"Exec={bin_dir / 'Sheaf'} %F" in entry

    download.unlink()  # people move and delete what they downloaded
    installed = subprocess.run(
        [str(bin_dir / "Sheaf"), "--version"], env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0 and version in installed.stdout + installed.stderr

    done = subprocess.run(
        [str(bin_dir / "Sheaf"), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert not bin_dir.exists()
    assert (share / "Sheaf" / "notes.txt").read_text() == "the person's data"
    assert not (share / "applications" / "org.sheaf_pdf.Sheaf.desktop").exists()
