"""PDF operations as pure functions over files: no Flask, no HTTP, no globals.

Each operation reads input paths, writes to an output path it is given and
never modifies its inputs. Errors a person can fix are :class:`PdfError` with
a stable ``code`` the web layer translates. pikepdf (qpdf) does the structure
work, Pillow the images, pypdfium2 the rendering; they are imported inside
the operation modules only, so importing this package costs nothing at start-up.
"""

from app.pdf.core.errors import PdfError

__all__ = ["PdfError"]
