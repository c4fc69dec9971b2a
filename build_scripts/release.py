"""Gather the executables of all platforms into one release folder with one SHA256SUMS.

    uv run python build_scripts/release.py dist

Run by the Jenkinsfile's Release stage after the Linux, macOS and Windows
artifacts have been brought together in ``dist/``; checks that each platform
is there and that names match this checkout's version.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import project, sha256

PLATFORMS = ("linux", "macos", "windows")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="do not fail when a platform is missing (local tries)",
    )
    args = parser.parse_args(argv)
    p = project()
    artifacts = sorted(args.dist.glob(f"{p.name}-{p.version}-*"))
    found = {a.name.split("-")[2] for a in artifacts}
    missing = [os for os in PLATFORMS if os not in found]
    if missing and not args.allow_missing:
        print(f"release: missing artifacts for {', '.join(missing)}")
        return 1
    lines = "".join(f"{sha256(a)}  {a.name}\n" for a in artifacts)
    (args.dist / "SHA256SUMS").write_text(lines, encoding="utf-8")
    print(lines, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
