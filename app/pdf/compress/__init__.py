"""Make PDFs smaller without breaking them: the steps, in the order they pay off.

1. What no viewer draws goes, and what is there many times is there once
   (:mod:`.dedupe`).
2. One walk of every content stream (:mod:`.walk`) learns which glyphs each
   font shows and how large each picture is drawn.
3. Embedded fonts are trimmed to the glyphs shown (:mod:`.fonts`), at every
   level: it changes no pixel.
4. Pictures are resampled to the level's resolution for the size they are
   drawn at and stored as suits them (:mod:`.images`).
5. Saved with object streams and cross-reference streams, Flate recompressed.

A target size searches the levels for the least lossy one under it
(:mod:`.target`). The result is never bigger than the input: if nothing got
smaller, the input's bytes are given back and the result says so.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from app.pdf.compress.levels import ALIASES, DEFAULT, LEVELS, Level, level_named
from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job

__all__ = ["ALIASES", "DEFAULT", "LEVELS", "Level", "compress"]


@dataclass
class Outcome:
    """What one attempt at a level did."""

    size: int
    images: int = 0
    downsampled: int = 0
    fonts: int = 0
    merged: int = 0
    dropped: int = 0
    repaired: bool = False


def compress(
    source: Source,
    output: Path,
    job: Job,
    *,
    level: str = DEFAULT,
    target_bytes: int | None = None,
) -> Result:
    if level not in LEVELS and level not in ALIASES:
        reason = N_("use lossless, print, balanced or small (or low, medium, high)")
        raise PdfError("bad_option", option="level", reason=reason)
    size_before = source.path.stat().st_size
    chosen = level_named(level)
    if target_bytes is not None:
        from app.pdf.compress.target import search

        chosen, outcome, protected = search(source, output, job, target_bytes, size_before)
    else:
        outcome, protected = attempt(source, output, job, chosen)
    unchanged = outcome.size >= size_before
    if unchanged:
        shutil.copyfile(source.path, output)  # never hand back something bigger
    size_after = output.stat().st_size
    info = {
        "size_before": size_before,
        "size_after": size_after,
        "percent_smaller": round(100 * (size_before - size_after) / size_before)
        if size_before
        else 0,
        "unchanged": unchanged,
        "level": chosen.name,
        "images_changed": 0 if unchanged else outcome.images,
        "images_downsampled": 0 if unchanged else outcome.downsampled,
        "dpi": chosen.dpi if outcome.downsampled and not unchanged else None,
        "fonts_subset": 0 if unchanged else outcome.fonts,
        "duplicates_merged": 0 if unchanged else outcome.merged,
    }
    if target_bytes is not None:
        info["target_bytes"] = target_bytes
    repaired = [source.name] if outcome.repaired else []
    return Result([output], repaired, info, protected=protected)


def attempt(source: Source, output: Path, job: Job, level: Level) -> tuple[Outcome, bool]:
    """Compress ``source`` at ``level`` into ``output``: what was done, and whether the
    result is protected as the input was."""
    import pikepdf

    from app.pdf.compress.dedupe import drop_private, merge_duplicates
    from app.pdf.compress.fonts import subset_fonts, worth_subsetting
    from app.pdf.compress.images import resample_images
    from app.pdf.compress.walk import Walker

    # Pictures past the pixel limit are left as they are, never decoded: only streams
    # qpdf would decode to recompress them are measured against the budget.
    doc = open_pdf(source, job, decodes=True, image_pixels=False)
    with doc.pdf:
        pdf = doc.pdf
        outcome = Outcome(size=0)
        outcome.dropped = drop_private(pdf)
        outcome.merged = merge_duplicates(pdf, job)
        walker = Walker(job)
        fonts = worth_subsetting(pdf)
        if fonts or level.dpi is not None:
            count = len(pdf.pages)
            for done, page in enumerate(pdf.pages):
                job.step(done, count)
                walker.page(page)
        if fonts:
            outcome.fonts = subset_fonts(pdf, walker.facts, job)
        if level.dpi is not None:
            changes = resample_images(pdf, walker.facts, level, job)
            outcome.images, outcome.downsampled = changes.images, changes.downsampled
        job.check()
        pdf.remove_unreferenced_resources()
        doc.save(
            output,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            recompress_flate=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
        outcome.repaired = doc.repaired
    outcome.size = output.stat().st_size
    return outcome, doc.protection is not None
