"""Who Sheaf is: name and version, read from the one source of truth.

``pyproject.toml`` declares name and version; installing the project (``uv run``
does it, so do the Docker build and the PyInstaller bundle via
``copy_metadata``) turns them into package metadata, which is all we read here.
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "Sheaf"

_meta = metadata.metadata(DISTRIBUTION)

#: The display name, exactly as spelled in pyproject.toml ("Sheaf").
NAME: str = _meta["Name"]
#: The release version, e.g. "0.1.0".
VERSION: str = _meta["Version"]
#: Lower-case form for file names, cookies, loggers and env-var prefixes.
SLUG: str = NAME.lower()
