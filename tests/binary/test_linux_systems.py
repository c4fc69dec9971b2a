"""The Linux one-file download on the oldest and newest Debian it serves, in real roots.

Debian 11 has glibc 2.31 and GCC 10's libstdc++ (what Ubuntu 20.04 has too), Debian 13
the newest of both. Each root is a minimal installation made with debootstrap
(``build_scripts/debian_root.py``, cached between runs). The binary runs there as on a
person's machine: its own ``/tmp``, the system's libraries, nothing of this machine's;
the test talks to it over loopback and checks that the API calls loading every native
part (qpdf, pdfium, fontTools with the CJK font, Pillow) work, and that quitting leaves
the temporary folder empty.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import pytest
from helpers.binaries import build_script, exercise
from helpers.support import Sheaf

pytestmark = [
    pytest.mark.binary,
    pytest.mark.skipif(sys.platform != "linux", reason="these run the Linux one-file build"),
    pytest.mark.skipif(os.geteuid() != 0, reason="debootstrap and chroot need root"),
]

SUITES = {"bullseye": "Debian 11", "trixie": "Debian 13"}


@pytest.fixture(scope="module", params=sorted(SUITES))
def system(request: pytest.FixtureRequest) -> tuple[str, Path]:
    debian_root = build_script("debian_root")
    try:
        return request.param, debian_root.ensure(request.param, "run")
    except debian_root.RootUnavailable as exc:
        message = (
            f"NO {SUITES[request.param]} ROOT: Debian's archive did not give one, so the "
            f"download is NOT TESTED on {SUITES[request.param]}: {exc}"
        )
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)


def test_the_download_works_on_each_system(
    system: tuple[str, Path], built: Path, samples: Path, tmp_path: Path
):
    suite, root = system
    debian_root = build_script("debian_root")
    tmp, data = tmp_path / "tmp", tmp_path / "data"
    tmp.mkdir(mode=0o1777)
    tmp.chmod(0o1777)
    command = debian_root.command(
        root,
        [f"/dist/{built.name}"],
        binds={"/dist": built.parent, "/tmp": tmp, "/data": data},
        read_only_binds=["/dist"],
    )
    data.mkdir()
    sheaf = Sheaf.start(["--data-dir", "/data"], data_dir=None, command=command)
    try:
        exercise(sheaf, samples)
        s = sheaf.session()
        quit_ = s.post(
            sheaf.base + "/quit",
            headers={"X-CSRF-Token": sheaf.csrf(s), "Origin": sheaf.base},
            timeout=10,
        )
        assert quit_.status_code == 200
        assert sheaf.wait_exit(60) == 0, sheaf.output()
    finally:
        sheaf.stop()
    assert not any(line.startswith("Sheaf: ") for line in sheaf.lines), sheaf.output()
    assert sorted(p.name for p in tmp.iterdir()) == [], f"left in /tmp on {suite}"


def test_the_systems_are_what_they_claim(system: tuple[str, Path]):
    """The roots really are the oldest and the newest system (so the test above means it):
    Debian 11's C library is 2.31, the floor the build promises."""
    suite, root = system
    debian_root = build_script("debian_root")
    done = debian_root.run(root, ["ldd", "--version"], capture_output=True)
    glibc = done.stdout.splitlines()[0].rsplit(" ", 1)[-1]
    assert (
        (root / "etc/debian_version")
        .read_text()
        .startswith({"bullseye": "11.", "trixie": "13."}[suite])
    )
    if suite == "bullseye":
        assert glibc == "2.31"
    else:
        assert tuple(map(int, glibc.split("."))) > (2, 31)
