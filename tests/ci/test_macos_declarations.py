"""The macOS builds declare what their locked wheels need. macOS cannot run here, so this
reads uv.lock: for each architecture, every package the bundle installs on macOS (with the
release Python) must have a wheel for that architecture, and the oldest macOS its
Info.plist names must be no older than the newest macOS any of those wheels needs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers.support import REPO
from packaging.markers import Marker

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from build_scripts.macos import MINIMUM_MACOS, info_plist
from build_scripts.project import project

WHEEL = re.compile(
    r"^(?P<name>[^-]+)-(?P<version>[^-]+)(?:-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$"
)
MACOS = re.compile(r"^macosx_(\d+)_(\d+)_(\w+)$")


def needs(filename: str, arch: str, python: str) -> tuple[int, int] | None:
    """The oldest macOS on which this wheel installs for ``arch`` and CPython ``python``
    ("3.13"); None if it does not install there at all. (0, 0): any macOS."""
    match = WHEEL.match(filename)
    assert match, filename
    minor = int(python.split(".")[1])
    pythons = match["py"].split(".")
    abis = match["abi"].split(".")
    if not (
        {"py3", "py2"} & set(pythons)
        or f"cp3{minor}" in pythons
        or any(p.startswith("cp3") and int(p[3:]) <= minor and "abi3" in abis for p in pythons)
    ):
        return None
    if "none" not in abis and "abi3" not in abis and f"cp3{minor}" not in abis:
        return None
    found = []
    for plat in match["plat"].split("."):
        if plat == "any":
            return (0, 0)
        mac = MACOS.match(plat)
        if mac and mac[3] in (arch, "universal2"):
            found.append((int(mac[1]), int(mac[2])))
    return min(found) if found else None


def bundled_on_macos(arch: str, python: str) -> dict[str, str]:
    """name -> version of what the bundle installs on a Mac of ``arch`` (uv.lock, via
    uv export, markers evaluated for that Mac)."""
    exported = subprocess.run(
        ["uv", "export", "--frozen", "--no-default-groups", "--group", "bundle",
         "--no-emit-project", "--no-hashes", "--no-header", "--format", "requirements-txt"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    environment = {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "os_name": "posix",
        "platform_machine": arch,
        "python_version": python,
        "python_full_version": python + ".0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    chosen = {}
    for line in exported.splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        requirement, _, marker = line.partition(";")
        name, version = requirement.strip().split("==")
        if not marker.strip() or Marker(marker.strip()).evaluate(environment):
            chosen[name] = version
    return chosen


def locked_wheels() -> dict[tuple[str, str], list[str]]:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    return {
        (package["name"], package["version"]): [
            wheel["url"].rsplit("/", 1)[1] for wheel in package.get("wheels", [])
        ]
        for package in lock["package"]
        if "version" in package
    }


def required_macos(arch: str, python: str) -> tuple[tuple[int, int], str, list[str]]:
    """The newest macOS any bundled wheel needs, which package needs it, and the packages
    with no wheel for ``arch`` at all."""
    wheels = locked_wheels()
    newest, by, absent = (0, 0), "", []
    for name, version in sorted(bundled_on_macos(arch, python).items()):
        options = [n for w in wheels[(name, version)] if (n := needs(w, arch, python))]
        if not options:
            absent.append(f"{name} {version}")
            continue
        if min(options) > newest:
            newest, by = min(options), f"{name} {version}"
    return newest, by, absent


@pytest.mark.parametrize(
    ("filename", "arch", "expected"),
    [
        ("pikepdf-10.18.0-cp313-cp313-macosx_15_0_arm64.whl", "arm64", (15, 0)),
        ("pikepdf-10.18.0-cp313-cp313-macosx_15_0_arm64.whl", "x86_64", None),
        ("pikepdf-9.11.0-cp313-cp313-macosx_13_0_x86_64.whl", "x86_64", (13, 0)),
        ("pikepdf-9.11.0-cp312-cp312-macosx_13_0_x86_64.whl", "x86_64", None),
        ("lxml-6.1.3-cp313-cp313-macosx_10_13_universal2.whl", "arm64", (10, 13)),
        ("pypdfium2-5.15.2-py3-none-macosx_13_0_arm64.whl", "arm64", (13, 0)),
        ("charset_normalizer-3.5.2-cp37-abi3-macosx_10_9_universal2.whl", "x86_64", (10, 9)),
        ("pikepdf-10.18.0-cp314-abi3-macosx_15_0_arm64.whl", "arm64", None),  # 3.14 only
        ("flask-3.1.3-py3-none-any.whl", "arm64", (0, 0)),
        ("pillow-13.0.0-cp313-cp313-win_amd64.whl", "arm64", None),
    ],
)
def test_wheel_tags_are_read_as_pip_reads_them(filename, arch, expected):
    assert needs(filename, arch, "3.13") == expected


@pytest.mark.parametrize("arch", sorted(MINIMUM_MACOS))
def test_each_macos_build_declares_what_its_locked_wheels_need(arch):
    python = project().release_python
    newest, by, absent = required_macos(arch, python)
    assert not absent, f"no macOS {arch} wheel for CPython {python}: {absent}"
    declared = info_plist(project(), arch)["LSMinimumSystemVersion"]
    assert tuple(int(x) for x in declared.split(".")) >= newest, (
        f"{by} needs macOS {newest[0]}.{newest[1]} on {arch}; Info.plist says {declared}"
    )
    # And not an older minimum than needed: the declaration is exactly the binding wheel.
    assert tuple(int(x) for x in declared.split(".")) == newest, (arch, declared, newest, by)


def test_the_readme_says_which_macs():
    readme = (REPO / "README.rst").read_text(encoding="utf-8")
    for arch, version in MINIMUM_MACOS.items():
        name = {"arm64": "Apple Silicon", "x86_64": "Intel"}[arch]
        assert f"{name} Macs from macOS {version.removesuffix('.0')}" in readme, name
    assert "macOS 11+" not in readme
