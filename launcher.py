"""Start Sheaf. ``python launcher.py --help`` lists the options.

This file is the entry point for ``uv run launcher.py``, the PyInstaller
executable (see app.spec) and the Docker image (``--server``). It stays
thin: the work is in :mod:`app.runtime.main`.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen executable re-runs itself for child processes; this must come first.
    multiprocessing.freeze_support()
    from app.runtime.main import main

    sys.exit(main())
