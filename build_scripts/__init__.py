"""Sheaf's build jobs: one module per job, each run the same way on a laptop and in CI.

Every job is a script (``uv run python build_scripts/<job>.py``, as ``.ci/run`` and the
Jenkinsfile call it) and a module of this package (``from build_scripts import build``),
so jobs and tests share code by importing it, not by putting this folder on ``sys.path``.

Jobs: ``build`` (the executables), ``smoke_test`` (start one and use it), ``installer``
(Windows setup, macOS .dmg), ``image`` and ``base_image`` (the server image),
``release`` (gather a tag's artifacts), ``lint``. What they share: ``project`` (identity
from pyproject.toml), ``spec_inputs`` (everything ``app.spec`` builds from), and the
platform parts (``linux_release``, ``windows``, ``macos``, ``signing``...).
"""
