"""What the Linux builds carry: the glibc floor, the libraries and their licences, no
debuggers. Read from the built files (``build_scripts/bundle_check.py``), both the one-file
download and the folder build (the server image's payload)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers.binaries import build_script

pytestmark = [
    pytest.mark.binary,
    pytest.mark.skipif(sys.platform != "linux", reason="these read the Linux builds"),
]


@pytest.fixture(scope="module", params=["one-file", "folder"])
def report(request: pytest.FixtureRequest, built: Path):
    artifact = built if request.param == "one-file" else built.parent / "Sheaf"
    return artifact, build_script("bundle_check").check(artifact)


def test_no_file_needs_more_than_debian_11_has(report):
    artifact, found = report
    floor = {kind: version for kind, (version, _where) in found.floor.items()}
    print(artifact.name, *found.lines(), sep="\n")
    assert floor["GLIBC"] <= (2, 31)
    assert floor.get("GLIBCXX", ()) <= (3, 4, 28)  # pikepdf's qpdf needs the C++ runtime
    assert not [p for p in found.problems if " needs " in p]


def test_every_library_is_on_the_list_with_a_licence_that_allows_shipping(report):
    _, found = report
    for name, (whose, licence) in sorted(found.libraries.items()):
        print(f"{name:60s} {whose} ({licence})")
        assert "GPL" not in licence
    assert not [p for p in found.problems if "not on the list" in p]
    names = " ".join(found.libraries)
    for needed in ("libpython3.13", "libqpdf", "libpdfium", "libcrypto", "_imaging"):
        assert needed in names
    for absent in ("libstdc++", "libgcc_s", "libreadline", "libtinfo", "libncurses", "libssl"):
        assert absent not in names


def test_no_debugger_console_or_test_suite_ships(report):
    _, found = report
    assert not [p for p in found.problems if p.startswith("module ")]


def test_the_list_itself_allows_nothing_gpl():
    allowed = build_script("bundle_check").ALLOWED
    assert all("GPL" not in licence for _whose, licence in allowed.values())


def test_the_checks_catch_a_bundle_that_breaks_them(tmp_path: Path):
    """A folder build holding this machine's C++ runtime and readline: both are found."""
    bundle_check = build_script("bundle_check")
    internal = tmp_path / "Sheaf" / "_internal"
    internal.mkdir(parents=True)
    host = Path("/usr/lib/x86_64-linux-gnu")
    planted = [n for n in ("libstdc++.so.6", "libreadline.so.8") if (host / n).exists()]
    if "libstdc++.so.6" not in planted:
        pytest.skip("this machine has no libstdc++ to plant")
    for name in planted:
        shutil.copyfile(host / name, internal / name)
    found = bundle_check.check(tmp_path / "Sheaf")
    for name in planted:
        assert f"{name} is not on the list of what may ship" in found.problems
    assert any(p.startswith("libstdc++.so.6 needs GLIBC_2.3") for p in found.problems)
