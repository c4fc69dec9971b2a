"""Make PDFs smaller: always losslessly, optionally by resampling images.

Lossless: object streams, recompressed Flate streams, unreferenced objects
dropped. Lossy levels additionally re-encode large RGB/grey images as JPEG at
a lower resolution. Images with masks, alpha, unusual colour spaces or
filters we cannot decode are left alone. The result is never bigger than the
input: if the work would grow the file, the input's bytes are kept.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from app.pdf.core.document import Result, Source, open_pdf
from app.pdf.core.errors import N_, PdfError
from app.pdf.core.job import Job


@dataclass(frozen=True)
class Level:
    max_side: int  # longest image side in pixels after resampling
    quality: int  # JPEG quality


LEVELS: dict[str, Level | None] = {
    "lossless": None,
    "low": Level(max_side=2400, quality=85),
    "medium": Level(max_side=1600, quality=70),
    "high": Level(max_side=1000, quality=50),
}


def compress(source: Source, output: Path, job: Job, *, level: str = "lossless") -> Result:
    import pikepdf

    if level not in LEVELS:
        raise PdfError("bad_option", option="level", reason=N_("use lossless, low, medium or high"))
    size_before = source.path.stat().st_size
    doc = open_pdf(source, job, decodes=True)
    images_changed = 0
    with doc.pdf:
        settings = LEVELS[level]
        if settings is not None:
            images_changed = _resample_images(doc.pdf, settings, job)
        job.check()
        doc.pdf.remove_unreferenced_resources()
        doc.save(
            output,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            recompress_flate=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
        repaired = doc.repaired_names
    if output.stat().st_size >= size_before:
        shutil.copyfile(source.path, output)  # never hand back something bigger
    return Result(
        [output],
        repaired,
        {
            "size_before": size_before,
            "size_after": output.stat().st_size,
            "images_changed": images_changed,
        },
        protected=doc.protection is not None,
    )


def _resample_images(pdf: object, level: Level, job: Job) -> int:
    import io

    import pikepdf
    from PIL import Image

    changed = 0
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:  # type: ignore[attr-defined]
        job.check()
        found = page.get_images() if hasattr(page, "get_images") else page.images
        for _name, raw in found.items():
            if raw.objgen in seen or raw.objgen == (0, 0):
                continue
            seen.add(raw.objgen)
            if "/SMask" in raw or "/Mask" in raw or raw.get("/ImageMask", False):
                continue
            try:
                image = pikepdf.PdfImage(raw)
                if image.colorspace not in ("/DeviceRGB", "/DeviceGray"):
                    continue
                if image.bits_per_component != 8:
                    continue
                pil = image.as_pil_image()
            except Exception:  # noqa: S112 - an image we cannot decode stays as it is
                continue
            if max(pil.size) <= level.max_side and raw.get("/Filter") == "/DCTDecode":
                continue
            pil.thumbnail((level.max_side, level.max_side), Image.Resampling.LANCZOS)
            pil = pil.convert("L" if pil.mode in ("L", "1") else "RGB")
            buffer = io.BytesIO()
            pil.save(buffer, "JPEG", quality=level.quality, optimize=True)
            data = buffer.getvalue()
            if len(data) >= len(raw.read_raw_bytes()):
                continue
            raw.write(data, filter=pikepdf.Name.DCTDecode)
            raw.Width, raw.Height = pil.size
            raw.ColorSpace = pikepdf.Name.DeviceGray if pil.mode == "L" else pikepdf.Name.DeviceRGB
            raw.BitsPerComponent = 8
            for key in ("/DecodeParms", "/Decode"):
                if key in raw:
                    del raw[key]
            changed += 1
    return changed
