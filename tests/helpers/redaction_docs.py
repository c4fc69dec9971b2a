"""Documents that hide one secret word, one hiding place each, and readers that look for it.

Each document has two pages. Page 1 shows ``KEEP`` in pure blue (words that must
survive redaction), page 2 ``OTHER`` in green; the secret, where it is drawn,
is pure red, so "no red pixel left" is a sharp check and "blue pixels left"
shows the redaction did not black out everything. The hiding places are in
:mod:`redaction_places`; :data:`SECRETS` are a Latin and a Chinese word.

Three independent readers look for the secret in a result (:func:`leaks`):
the file itself as ``qpdf --qdf --object-streams=disable --decode-level=all``
writes it, searched in every encoding a PDF can hold text in; pdfium's and
poppler's text of every page, and pdfium's text of every form and pattern drawn
alone (nothing may draw them, and a CID font's codes do not spell the word);
and the pixels of every page.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from app.pdf.core.canvas import Canvas

SECRETS = ("ZEBRA42", "绝密文件")
PASSWORD = "open-sesame"
SIZE = (400, 300)
RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 160, 0)


@dataclass
class Doc:
    """A document being built: its two pages' content and shared fonts."""

    pdf: pikepdf.Pdf
    secret: str
    canvas: Canvas
    helvetica: pikepdf.Object = None

    @classmethod
    def new(cls, secret: str) -> Doc:
        pdf = pikepdf.new()
        for _ in range(2):
            pdf.add_blank_page(page_size=SIZE)
        doc = cls(pdf, secret, Canvas(pdf))
        doc.helvetica = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        doc.write(0, "KEEP", 20, 250, color=BLUE, size=30)
        doc.write(1, "OTHER", 20, 250, color=GREEN, size=30)
        return doc

    @property
    def latin(self) -> bool:
        return self.secret.isascii()

    def page(self, index: int) -> pikepdf.Page:
        return self.pdf.pages[index]

    def resources(self, index: int) -> pikepdf.Dictionary:
        page = self.page(index).obj
        if "/Resources" not in page:
            page.Resources = pikepdf.Dictionary()
        return page.Resources

    def font(self, index: int) -> str:
        """Helvetica in page ``index``'s resources, as ``/Helv``."""
        res = self.resources(index)
        if "/Font" not in res:
            res.Font = pikepdf.Dictionary()
        res.Font.Helv = self.helvetica
        return "/Helv"

    def add(self, index: int, ops: str | bytes) -> None:
        data = ops.encode("latin-1") if isinstance(ops, str) else ops
        self.page(index).contents_add(pikepdf.Stream(self.pdf, b"\n" + data + b"\n"))

    def shown(self, text: str, size: float = 24, cid: bool = False) -> str:
        """Operators (inside BT/ET) drawing ``text``: Helvetica for Latin words, Sheaf's
        CID fonts (embedded, with ToUnicode) for anything else or when ``cid``."""
        if text.isascii() and not cid:
            return f"/Helv {size} Tf ({text}) Tj"
        return self.canvas.text.show(text, size)

    def write(
        self, index: int, text: str, x: float, y: float, *, color=RED, size=24, cid=False, pre=""
    ) -> None:
        """Draw ``text`` at (x, y); ``pre``: operators before it (a render mode, a clip)."""
        self.font(index)
        self.add(index, f"q {pre} BT {rgb(color)} rg {x} {y} Td {self.shown(text, size, cid)} ET Q")
        self.fonts_into(self.resources(index))

    def fonts_into(self, resources: pikepdf.Dictionary) -> None:
        if "/Font" not in resources:
            resources.Font = pikepdf.Dictionary()
        resources.Font.Helv = self.helvetica
        for name, font in self.canvas.text.resources().items():
            resources.Font[f"/{name}"] = font

    def form(self, ops: str, bbox=(0, 0, 300, 60), **extra) -> pikepdf.Stream:
        """A form XObject with Helvetica and Sheaf's fonts in its resources."""
        resources = pikepdf.Dictionary()
        self.fonts_into(resources)
        return self.pdf.make_indirect(
            pikepdf.Stream(
                self.pdf,
                ops.encode("latin-1"),
                Type=pikepdf.Name.XObject,
                Subtype=pikepdf.Name.Form,
                BBox=list(bbox),
                Resources=resources,
                **extra,
            )
        )

    def save(self, **options) -> bytes:
        self.canvas.finish()
        out = io.BytesIO()
        self.pdf.save(out, fix_metadata_version=False, **options)  # XMP exactly as written
        return out.getvalue()


def rgb(color: tuple[int, int, int]) -> str:
    return " ".join(f"{c / 255:.3f}" for c in color)


# -- readers --------------------------------------------------------------------------


def _compact(text: str) -> str:
    return re.sub(r"[\s\u00ad\u200b\u3000]+", "", text).casefold()


def encodings(secret: str) -> list[bytes]:
    """Every way the file (as qpdf writes it, decoded) could spell the secret."""
    forms = {secret.encode("utf-8"), secret.encode("utf-16-be"), secret.encode("utf-16-le")}
    if not secret.isascii():
        forms.add(secret.encode("gb18030"))
    else:
        forms.add(" ".join(secret).encode())  # letter-spaced in a string
    for raw in (secret.encode("utf-16-be"), secret.encode("utf-8")):
        forms |= {raw.hex().encode(), raw.hex().upper().encode()}
    forms.add("".join(f"&#x{ord(c):X};" for c in secret).encode())
    forms.add("".join(f"&#x{ord(c):x};" for c in secret).encode())
    forms.add("".join(f"&#{ord(c)};" for c in secret).encode())
    forms.add("".join(f"#{b:02X}" for b in secret.encode()).encode())  # a name, escaped
    forms.add("".join(f"%{b:02X}" for b in secret.encode()).encode())  # an address, escaped
    return sorted(forms)


def qdf(data: bytes, password: str = "") -> bytes:
    """The file as ``qpdf --qdf --object-streams=disable --decode-level=all`` writes it:
    every object readable, every stream decoded."""
    with tempfile.TemporaryDirectory() as folder:
        given, written = Path(folder) / "in.pdf", Path(folder) / "qdf.pdf"
        given.write_bytes(data)
        args = ["qpdf", "--qdf", "--object-streams=disable", "--decode-level=all"]
        if password:
            args += [f"--password={password}", "--decrypt"]
        subprocess.run([*args, str(given), str(written)], check=False, capture_output=True)
        return written.read_bytes()


def raw_hits(data: bytes, secret: str, password: str = "") -> list[str]:
    """Spellings of the secret in the decoded file (any case), base64 payloads too."""
    decoded = qdf(data, password)
    payloads = b"".join(_base64(blob) for blob in re.findall(rb"[A-Za-z0-9+/]{64,}={0,2}", decoded))
    searched = (decoded + b"\n" + payloads).lower()
    return [form.decode("latin-1") for form in encodings(secret) if form.lower() in searched]


def _base64(blob: bytes) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(blob + b"=" * (-len(blob) % 4))
    except (binascii.Error, ValueError):
        return b""


def page_texts(data: bytes, password: str = "") -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data, password=password or None)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def drawn_alone(data: bytes, password: str = "") -> list[str]:
    """The text pdfium reads in each form XObject and tiling pattern of the file, each
    drawn alone on a page of its own (nothing draws some of them; a CID font's text
    cannot be read from the file's bytes)."""
    import pypdfium2 as pdfium

    with pikepdf.open(io.BytesIO(data), password=password) as pdf, pikepdf.new() as scratch:
        for obj in pdf.objects:
            drawing = isinstance(obj, pikepdf.Stream) and (
                obj.get("/Subtype") == pikepdf.Name.Form or "/PatternType" in obj
            )
            if not drawing:
                continue
            form = pikepdf.Stream(scratch, obj.read_bytes())
            form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
            form.BBox = [-5000, -5000, 5000, 5000]
            if isinstance(obj.get("/Resources"), pikepdf.Dictionary):
                own = (
                    obj.Resources if obj.Resources.is_indirect else pdf.make_indirect(obj.Resources)
                )
                form.Resources = scratch.copy_foreign(own)
            page = scratch.add_blank_page(page_size=SIZE)
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(S=form))
            page.obj.Contents = pikepdf.Stream(scratch, b"/S Do")
        if not len(scratch.pages):
            return []
        out = io.BytesIO()
        scratch.save(out)
    doc = pdfium.PdfDocument(out.getvalue())
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def poppler_text(data: bytes, password: str = "") -> str:
    with tempfile.TemporaryDirectory() as folder:
        given = Path(folder) / "in.pdf"
        given.write_bytes(data)
        args = ["pdftotext", "-q"] + (["-upw", password] if password else [])
        done = subprocess.run([*args, str(given), "-"], capture_output=True, check=False)
    return done.stdout.decode("utf-8", errors="replace")


def colour_pixels(data: bytes, colour: tuple[int, int, int], password: str = "") -> list[int]:
    """Per page, how many pixels are (nearly) ``colour``, drawn as a viewer draws."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    doc = pdfium.PdfDocument(data, password=password or None)
    doc.init_forms()
    counts = []
    try:
        for page in doc:
            image = page.render(scale=100 / 72, may_draw_forms=True).to_pil().convert("RGB")
            bands = [
                band.point(lambda v, c=c: 255 if abs(v - c) < 90 else 0)
                for band, c in zip(image.split(), colour, strict=True)
            ]
            both = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
            counts.append(both.histogram()[255])
    finally:
        doc.close()
    return counts


def leaks(data: bytes, secret: str, password: str = "") -> list[str]:
    """What each reader still finds of the secret in ``data`` (empty: nothing)."""
    found = [f"raw: {hit}" for hit in raw_hits(data, secret, password)]
    for number, text in enumerate(page_texts(data, password), 1):
        if _compact(secret) in _compact(text):
            found.append(f"pdfium text of page {number}")
    if _compact(secret) in _compact(poppler_text(data, password)):
        found.append("poppler text")
    if any(_compact(secret) in _compact(text) for text in drawn_alone(data, password)):
        found.append("pdfium text of a form or pattern drawn alone")
    for number, count in enumerate(colour_pixels(data, RED, password), 1):
        if count:
            found.append(f"{count} red pixels on page {number}")
    return found
