"""Building the executable from tests (build_scripts/build.py, as CI and people run it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import REPO


def build(dist: Path, work: Path, *extra: str, script: str = "build.py") -> Path:
    """Run a build script as people do; the path it printed last (the artifact)."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build_scripts" / script),
            "--dist",
            str(dist),
            "--work",
            str(work),
            *extra,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return Path(result.stdout.strip().splitlines()[-1])
