"""A target size ("under 10 MB for e-mail"): the least lossy level that reaches it.

The ladder (:data:`.levels.LADDER`) goes from lossless to pictures at 48 dpi;
sizes fall along it, so a binary search finds the first rung under the target
in a few attempts (each a whole compression, written beside the output). If
even the last rung is too big, the answer says so and how small Sheaf can
make the file, rather than handing back something that misses the target.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.pdf.compress.levels import LADDER, Level
from app.pdf.core.document import Source
from app.pdf.core.errors import PdfError
from app.pdf.core.job import Job

if TYPE_CHECKING:  # app.pdf.compress imports this module when a target is asked for
    from app.pdf.compress import Outcome


def human_size(n: int) -> str:
    """Sizes as people write them (1 MB = 1,000,000 bytes, as file managers show)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    return f"{max(1, round(n / 1000))} KB"


def search(
    source: Source, output: Path, job: Job, target: int, size_before: int
) -> tuple[Level, Outcome, bool]:
    from app.pdf.compress import attempt

    tried: dict[int, tuple[Outcome, bool]] = {}

    def run(index: int) -> int:
        path = _rung_path(output, index)
        tried[index] = attempt(source, path, job, LADDER[index])
        return tried[index][0].size

    try:
        last = len(LADDER) - 1
        if run(last) > target and size_before > target:
            smallest = min(tried[last][0].size, size_before)
            raise PdfError(
                "target_unreachable",
                name=source.name,
                target=human_size(target),
                smallest=human_size(smallest),
            )
        low, high = 0, last  # the answer is in [low, high]; high fits
        while low < high:
            middle = (low + high) // 2
            if run(middle) <= target:
                high = middle
            else:
                low = middle + 1
        os.replace(_rung_path(output, high), output)
        outcome, protected = tried[high]
        return LADDER[high], outcome, protected
    finally:
        for index in range(len(LADDER)):
            _rung_path(output, index).unlink(missing_ok=True)


def _rung_path(output: Path, index: int) -> Path:
    return output.with_name(f"{output.stem}.rung{index}{output.suffix}")
