"""What one operation may spend, and how it learns that nobody waits for it any more.

Every operation in :mod:`app.pdf` takes a :class:`Job`. Its limits are the
one place where "how big may this get" is decided, and all of them derive
from a memory budget per request, so a sysadmin can reason with one number:
threads x budget is what a busy server may need on top of its baseline.

Why derived this way (measured with ``benchmarks/pdf_ops.py --hostile``):

* decoding an image into a page costs about 8 bytes a pixel at its peak
  (the decoded frame, its RGB or alpha copy, and compressed output);
* rendering a page costs about 8 bytes a pixel too (pdfium's BGRA bitmap,
  the Pillow copy, the PNG or JPEG encoder's buffers);
* qpdf holds a decoded stream and its re-encoded form at once, so one
  stream may decode to at most a third of the budget;
* a decoder must deliver at least 8 MiB of a stream per CPU second (zlib
  gives over 200, Sheaf's own LZW about 10): a stream that takes longer to
  measure is refused rather than let a thread spin (16 s by default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.pdf.core.errors import PdfError

MiB = 1024 * 1024

#: The largest side of a rendered image (pixels): also pdfium's comfortable maximum.
MAX_RENDER_SIDE = 16_384
#: Bytes a second the slowest acceptable decoder delivers (see the module's notes).
DECODE_RATE = 8 * MiB


class Cancelled(Exception):
    """The client went away or the server is stopping: stop working, clean up."""


def _never() -> bool:
    return False


def _unheard(done: int, total: int) -> None:
    """Nobody follows this job's progress (the plain API, the tests)."""


@dataclass(frozen=True)
class Job:
    """Limits for one operation and a question it asks between pages: "still wanted?"."""

    max_pages: int = 10_000
    #: Files in one split or pdf-to-images result.
    max_output_files: int = 2_000
    memory_budget: int = 384 * MiB
    cancelled: Callable[[], bool] = field(default=_never, compare=False)
    #: Told ``(done, total)`` by :meth:`step`: the progress form of the API (app.api.progress).
    progress: Callable[[int, int], None] = field(default=_unheard, compare=False)

    @property
    def max_image_pixels(self) -> int:
        """Decoded pixels of one image (images to PDF, images inside a PDF)."""
        return self.memory_budget // 8

    @property
    def max_render_pixels(self) -> int:
        return self.memory_budget // 8

    @property
    def max_stream_bytes(self) -> int:
        """Decoded bytes of one stream inside a PDF."""
        return self.memory_budget // 3

    @property
    def max_decode_seconds(self) -> float:
        """CPU seconds one stream may take to decode (see the module's notes)."""
        return round(self.max_stream_bytes / DECODE_RATE, 2)

    def check(self) -> None:
        """Call between pages and files: raises :class:`Cancelled` when nobody waits."""
        if self.cancelled():
            raise Cancelled

    def step(self, done: int, total: int) -> None:
        """Call before each page of an operation's main loop: says ``done`` of ``total``
        (pages or files) are finished to whoever follows, then :meth:`check`."""
        self.progress(done, total)
        self.check()

    def pages_out(self, count: int) -> None:
        """A result may not have more pages than a document may have going in."""
        if count > self.max_pages:
            raise PdfError("too_many_pages", count=count, limit=self.max_pages)

    def files_out(self, count: int) -> None:
        if count > self.max_output_files:
            raise PdfError("too_many_output_files", count=count, limit=self.max_output_files)
