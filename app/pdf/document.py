"""Opening a PDF the one careful way every operation shares.

- Not a PDF, empty, encrypted without or with a wrong password: a PdfError.
- Damaged: qpdf repairs what it can while opening; ``repaired`` says so, so
  the person can be told. What qpdf cannot read is "damaged_pdf".
- Too many pages for the configured limit: "too_many_pages".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.pdf.errors import PdfError

if TYPE_CHECKING:
    import pikepdf

#: Where a PDF must start (qpdf itself allows junk before it; 1 KiB is the common rule).
HEADER_WINDOW = 1024


@dataclass
class Source:
    """An input file and how to refer to it in messages."""

    path: Path
    name: str = ""
    password: str | None = None

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.name = self.name or self.path.name


@dataclass
class Opened:
    pdf: pikepdf.Pdf
    source: Source

    @property
    def repaired(self) -> bool:
        """Did qpdf have to repair anything so far? Damage is often found only
        while objects are read, so ask after the work is done."""
        return bool(self.pdf.get_warnings())


@dataclass
class Result:
    """What an operation made, and whether any input had to be repaired."""

    outputs: list[Path]
    repaired: list[str]  # names of inputs qpdf repaired
    info: dict[str, object]


def sniff(path: Path, name: str) -> None:
    """Refuse empty and non-PDF files before qpdf tries to "repair" a JPEG into a PDF."""
    with open(path, "rb") as f:
        head = f.read(HEADER_WINDOW)
    if not head:
        raise PdfError("empty_file", name=name)
    if b"%PDF-" not in head:
        raise PdfError("not_a_pdf", name=name)


def open_pdf(source: Source, *, max_pages: int | None = None) -> Opened:
    import pikepdf

    sniff(source.path, source.name)
    try:
        pdf = pikepdf.open(source.path, password=source.password or "")
    except pikepdf.PasswordError:
        code = "wrong_password" if source.password else "password_required"
        raise PdfError(code, name=source.name) from None
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise PdfError("damaged_pdf", name=source.name) from exc
    try:
        count = len(pdf.pages)
    except pikepdf.PdfError as exc:
        pdf.close()
        raise PdfError("damaged_pdf", name=source.name) from exc
    if max_pages is not None and count > max_pages:
        pdf.close()
        raise PdfError("too_many_pages", count=count, limit=max_pages)
    return Opened(pdf=pdf, source=source)


def page_count(source: Source) -> int:
    opened = open_pdf(source)
    with opened.pdf:
        return len(opened.pdf.pages)


def save(pdf: pikepdf.Pdf, output: Path, **options: object) -> None:
    """Save compactly and deterministically (no random /ID), then verify nothing is lost."""
    import pikepdf

    options.setdefault("object_stream_mode", pikepdf.ObjectStreamMode.generate)
    options.setdefault("compress_streams", True)
    options.setdefault("deterministic_id", "encryption" not in options)
    pdf.save(output, **options)


def copy_pages(target: pikepdf.Pdf, source: pikepdf.Pdf, pages: list[int] | None = None) -> None:
    """Append ``pages`` (0-based; None = all) of ``source`` to ``target``, with the form
    fields, named destinations and bookmarks that belong to them where pikepdf can."""
    if hasattr(target, "add_pages_from"):  # pikepdf >= 10.18
        target.add_pages_from(source, pages)
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = source.pages if pages is None else [source.pages[i] for i in pages]
        target.pages.extend(chosen)
