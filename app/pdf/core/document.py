"""Opening a PDF the one careful way every operation shares.

- Not a PDF, empty, encrypted without or with a wrong password: a PdfError.
- Damaged: qpdf repairs what it can while opening; ``repaired`` says so, so
  the person can be told. What qpdf cannot read is "damaged_pdf".
- Too many pages for the configured limit: "too_many_pages".
- A page tree whose ``/Count`` is not its number of pages is mended in memory:
  qpdf refuses to add or move pages in such a tree, and pdfium believes the
  count (it cannot load the pages past it).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.pdf.core.errors import PdfError

if TYPE_CHECKING:
    import pikepdf

    from app.pdf.core.job import Job

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


@dataclass(frozen=True)
class Protection:
    """How an input was protected, so a result can be protected the same way."""

    user: str
    owner: str | None  # None: the person gave the open password, not the owner's
    allow: pikepdf.Permissions
    aes256: bool

    def encryption(self, *, native: bool) -> pikepdf.Encryption | bool:
        """What to pass to ``Pdf.save``. ``native``: saving the document it came from.

        The same document, already AES-256: qpdf keeps its encryption exactly
        (same keys, same owner password). Otherwise: AES-256 with the same open
        password and permissions. An owner password Sheaf was not given becomes
        one nobody knows, so restricted permissions stay as binding as they were.
        """
        import pikepdf

        if native and self.aes256:
            return True
        owner = self.owner
        if owner is None:
            owner = secrets.token_urlsafe(24) if not all(self.allow) else self.user
        return pikepdf.Encryption(user=self.user, owner=owner, R=6, allow=self.allow)


def protection_of(pdf: pikepdf.Pdf, password: str | None) -> Protection | None:
    if not pdf.is_encrypted:
        return None
    info = pdf.encryption
    given = password or ""
    # OpenDocument with the owner password: qpdf recovers the user's where R < 5.
    user = given if pdf.user_password_matched else info.user_password.decode("latin-1")
    owner = given if pdf.owner_password_matched else None
    return Protection(user=user, owner=owner, allow=pdf.allow, aes256=info.R >= 6)


@dataclass
class OpenDocument:
    pdf: pikepdf.Pdf
    source: Source
    protection: Protection | None = None
    #: Sheaf mended the page tree's count while opening (see :func:`mend_page_count`).
    mended: bool = False

    @property
    def repaired(self) -> bool:
        """Did qpdf (or Sheaf) have to repair anything so far? Damage is often found
        only while objects are read, so ask after the work is done."""
        return self.mended or bool(self.pdf.get_warnings())

    @property
    def repaired_names(self) -> list[str]:
        return [self.source.name] if self.repaired else []

    def save(self, output: Path, **options: object) -> None:
        """Save, protected as the input was (see :meth:`Protection.encryption`)."""
        if self.protection is not None:
            options.setdefault("encryption", self.protection.encryption(native=True))
        save(self.pdf, output, **options)

    def result(self, output: Path, info: dict[str, object] | None = None) -> Result:
        """Save to ``output`` and say what was made: the end of most edits."""
        self.save(output)
        return Result(
            [output], self.repaired_names, info or {}, protected=self.protection is not None
        )


@dataclass
class Result:
    """What an operation made, and whether any input had to be repaired."""

    outputs: list[Path]
    repaired: list[str]  # names of inputs qpdf repaired
    info: dict[str, object]
    #: The result is protected with the input's password (not for protect/unlock).
    protected: bool = False
    #: What people call each output (``outputs`` are generated names on disk).
    names: list[str] | None = None


def sniff(path: Path, name: str) -> None:
    """Refuse empty and non-PDF files before qpdf tries to "repair" a JPEG into a PDF."""
    with open(path, "rb") as f:
        head = f.read(HEADER_WINDOW)
    if not head:
        raise PdfError("empty_file", name=name)
    if b"%PDF-" not in head:
        raise PdfError("not_a_pdf", name=name)


def open_pdf(
    source: Source, job: Job | None = None, *, decodes: bool = False, image_pixels: bool = True
) -> OpenDocument:
    """Open ``source`` with the job's page limit. ``decodes``: the caller will decode
    streams (render, parse content, recompress), so refuse decompression bombs first
    (always for encrypted files: re-encrypting them decodes what qpdf can).
    ``image_pixels=False``: the caller decodes no picture past the pixel limit itself
    (compress leaves such a picture as it is), so only stream sizes are checked."""
    import pikepdf

    max_pages = job.max_pages if job is not None else None

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
    if count == 0:
        pdf.close()
        raise PdfError("no_pages", name=source.name)
    if max_pages is not None and count > max_pages:
        pdf.close()
        raise PdfError("too_many_pages", count=count, limit=max_pages)
    mended = mend_page_count(pdf, count)
    if (decodes or pdf.is_encrypted) and job is not None:
        from app.pdf.core.budget import check_streams

        try:
            check_streams(pdf, source.name, job, image_pixels=image_pixels)
        except BaseException:
            pdf.close()
            raise
    protection = protection_of(pdf, source.password)
    return OpenDocument(pdf=pdf, source=source, protection=protection, mended=mended)


def mend_page_count(pdf: pikepdf.Pdf, count: int) -> bool:
    """Make the page tree's ``/Count`` say the ``count`` pages qpdf found in it; True
    when it said something else. Only the root's count matters: qpdf flattens the
    tree into the root as soon as pages are added, moved or removed."""
    import pikepdf

    pages = pdf.Root.get("/Pages")
    if not isinstance(pages, pikepdf.Dictionary):
        return False
    said = pages.get("/Count")
    if isinstance(said, int) and not isinstance(said, bool) and said == count:
        return False
    pages.Count = count
    return True


def save(pdf: pikepdf.Pdf, output: Path, **options: Any) -> None:  # Pdf.save options
    """Save without decoding any stream (an edit changes structure, not content) and
    deterministically where unencrypted. Callers that mean to recompress say so."""
    import pikepdf

    options.setdefault("encryption", False)
    options.setdefault("fix_metadata_version", False)  # the XMP packet stays as it was
    if options["encryption"] is False:
        options.setdefault("stream_decode_level", pikepdf.StreamDecodeLevel.none)
    else:  # pikepdf decides decoding itself when it encrypts; open_pdf checked the streams
        options.pop("stream_decode_level", None)
    options.setdefault("deterministic_id", options["encryption"] is False)
    pdf.save(output, **options)


def chosen_pages(pdf: pikepdf.Pdf, indexes: Sequence[int]) -> Iterator[pikepdf.Page]:
    """The pages at ``indexes`` (sorted, each once), in one walk of the page list:
    pikepdf's ``pages[i]`` builds a list of every page each time it is asked."""
    wanted = iter(indexes)
    upcoming = next(wanted, None)
    for index, page in enumerate(pdf.pages):
        if upcoming is None:
            return
        if index == upcoming:
            yield page
            upcoming = next(wanted, None)


def copy_pages(
    target: pikepdf.Pdf,
    source: pikepdf.Pdf,
    pages: list[int] | None = None,
    *,
    outlines: bool = True,
) -> None:
    """Append ``pages`` (0-based; None = all) of ``source`` to ``target``, with the form
    fields, named destinations, layers and (``outlines``) bookmarks that belong to them
    where pikepdf can."""
    if hasattr(target, "add_pages_from"):  # pikepdf >= 10.18
        target.add_pages_from(source, pages, outlines="preserve" if outlines else "ignore")
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = source.pages if pages is None else [source.pages[i] for i in pages]
        target.pages.extend(chosen)
