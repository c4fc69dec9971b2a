"""Where Sheaf keeps the person's things, as platformdirs says each OS wants it.

``--data-dir``/``SHEAF_DATA_DIR`` put all of them under one folder instead
(tests, portable installs). Server mode keeps nothing and uses none of this.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.meta import NAME


class StartupError(Exception):
    """Sheaf cannot start; the message is one line a person can act on."""


@dataclass(frozen=True)
class Dirs:
    data: Path
    config: Path
    cache: Path
    logs: Path

    @classmethod
    def locate(cls, root: Path | None = None) -> Dirs:
        if root is not None:
            root = root.expanduser().absolute()
            return cls(root / "data", root / "config", root / "cache", root / "logs")
        import platformdirs

        return cls(
            Path(platformdirs.user_data_dir(NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(NAME, appauthor=False)),
        )

    def create(self) -> None:
        """Make every folder and prove it is writable, or raise one clear StartupError."""
        for path in (self.data, self.config, self.cache, self.logs):
            try:
                path.mkdir(parents=True, exist_ok=True, mode=0o700)
                # Per process: two launches at once must not delete each other's probe.
                probe = path / f".write-test-{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                reason = exc.strerror or exc.__class__.__name__
                raise StartupError(
                    f"Sheaf cannot write to its folder {path}: {reason}. Start it with"
                    " --data-dir DIR (or set SHEAF_DATA_DIR=DIR) to keep its files in a"
                    " folder you can write to."
                ) from None
