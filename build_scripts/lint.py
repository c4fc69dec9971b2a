"""Lint the way CI does: ``uv run python build_scripts/lint.py``.

One command for ``.ci/run`` and the Jenkinsfile, so both check the same things:
ruff's rules, ruff's formatting and mypy's types over app/, build_scripts/ and
launcher.py (settings for all three in pyproject.toml).
"""

from __future__ import annotations

import subprocess
import sys

CHECKS = (
    [sys.executable, "-m", "ruff", "check", "."],
    [sys.executable, "-m", "ruff", "format", "--check", "."],
    [sys.executable, "-m", "mypy"],
)


def main() -> int:
    failed = 0
    for command in CHECKS:
        print("+ " + " ".join(command[1:]), flush=True)
        failed |= subprocess.run(command).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
