"""The built executable against ``launcher.py`` from source: start-up and size.

Start-up is process start to the first 200 from /healthz, median of several
interleaved runs (the machine is shared; only the ratio is meaningful).
Goals: at most 1.3x the source start, and under 30 MB.

    uv run python build_scripts/build.py
    uv run python benchmarks/binary_start.py [dist/Sheaf-...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import REPO, median, start_time


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("artifact", nargs="?", type=Path)
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args()
    artifact = args.artifact or next((REPO / "dist").glob("Sheaf-*-linux-*"))
    binary, source = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            binary.append(start_time([str(artifact)], Path(tmp) / "b"))
            source.append(start_time([sys.executable, str(REPO / "launcher.py")], Path(tmp) / "s"))
    b, s = median(binary), median(source)
    size = artifact.stat().st_size
    print(f"start to first 200 from /healthz (median of {args.runs}):")
    print(f"  {artifact.name:34s} {b * 1000:6.0f} ms")
    print(f"  {'launcher.py from source':34s} {s * 1000:6.0f} ms")
    print(f"  ratio binary / source              {b / s:6.2f}   (goal <= 1.30)")
    print(f"size: {size / 2**20:.1f} MB (goal < 30 MB)")


if __name__ == "__main__":
    main()
