"""The built executables against ``launcher.py`` from source: start-up and size.

Start-up is process start to the first 200 from /healthz, median of several
interleaved runs (the machine is shared; only the ratios are meaningful).
Goals: the onedir build (what the installers install) within 1.05x of the
source start; the portable one-file build within 1.3x and under 30 MB.

    uv run python build_scripts/build.py
    uv run python benchmarks/binary_start.py [dist/Sheaf-...] [--onedir dist/Sheaf]

Without ``--onedir`` (and no ``dist/Sheaf/``), the onedir build is made first.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, median, start_time


def onedir_build(given: Path | None, scratch: Path) -> Path:
    if given:
        return given
    if (REPO / "dist" / "Sheaf" / "Sheaf").is_file():
        return REPO / "dist" / "Sheaf"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "build_scripts" / "build.py"),
            "--onedir",
            "--dist",
            str(scratch / "dist"),
            "--work",
            str(scratch / "work"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("artifact", nargs="?", type=Path)
    p.add_argument("--onedir", type=Path, help="a onedir build folder (dist/Sheaf)")
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args()
    artifact = args.artifact or next((REPO / "dist").glob("Sheaf-*-linux-*"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = onedir_build(args.onedir, Path(tmp))
        runs: dict[str, list[float]] = {"one-file": [], "onedir": [], "source": []}
        for _ in range(args.runs):  # interleaved, so a noisy moment hits all three
            runs["one-file"].append(start_time([str(artifact)], Path(tmp) / "b"))
            runs["onedir"].append(start_time([str(folder / "Sheaf")], Path(tmp) / "d"))
            runs["source"].append(
                start_time([sys.executable, str(REPO / "launcher.py")], Path(tmp) / "s")
            )
    one, onedir, source = (median(runs[k]) for k in ("one-file", "onedir", "source"))
    print(f"start to first 200 from /healthz (median of {args.runs}):")
    print(f"  {artifact.name:34s} {one * 1000:6.0f} ms")
    print(f"  {'onedir ' + folder.name + '/':34s} {onedir * 1000:6.0f} ms")
    print(f"  {'launcher.py from source':34s} {source * 1000:6.0f} ms")
    print(f"  ratio onedir / source              {onedir / source:6.2f}   (goal <= 1.05)")
    print(f"  ratio one-file / source            {one / source:6.2f}   (goal <= 1.30)")
    print(f"size: {artifact.stat().st_size / 2**20:.1f} MB one-file (goal < 30 MB)")


if __name__ == "__main__":
    main()
