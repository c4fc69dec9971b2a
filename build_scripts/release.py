"""Gather the artifacts of all platforms into one release folder with one SHA256SUMS.

    uv run python build_scripts/release.py dist [--without macos]

Run by the Jenkinsfile's Release stage after each platform's cell has brought its
files back under ``dist/<platform>/`` (each with its own SHA256SUMS and
build-info.json); copies the executables and installers into ``dist/release/``
beside one SHA256SUMS for them all. Checks that each platform is there (except those
named with ``--without``, e.g. macOS when no macOS agent exists) and that names match
this checkout's version.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

if not __package__:  # run as `python build_scripts/<job>.py`: import the package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from build_scripts.project import project, sha256

PLATFORMS = ("linux", "macos", "windows")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=PLATFORMS,
        help="a platform this release is made without (repeatable)",
    )
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="do not fail when a platform is missing (local tries)",
    )
    args = parser.parse_args(argv)
    p = project()
    pattern = f"{p.name}-{p.version}-*"
    found_files = sorted(args.dist.glob(pattern)) + sorted(args.dist.glob(f"*/{pattern}"))
    by_name = {a.name: a for a in found_files if a.is_file() and a.parent.name != "release"}
    artifacts = list(by_name.values())
    found = {a.name.split("-")[2] for a in artifacts}
    missing = [os for os in PLATFORMS if os not in found and os not in args.without]
    if missing and not args.allow_missing:
        print(f"release: missing artifacts for {', '.join(missing)}")
        return 1
    release = args.dist / "release"
    shutil.rmtree(release, ignore_errors=True)
    release.mkdir(parents=True)
    for artifact in artifacts:
        shutil.copy2(artifact, release / artifact.name)
    lines = "".join(f"{sha256(a)}  {a.name}\n" for a in sorted(release.iterdir()))
    (release / "SHA256SUMS").write_text(lines, encoding="utf-8")
    print(lines, end="")
    if args.without:
        print(f"release: made without {', '.join(args.without)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
