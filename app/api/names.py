"""Names people see: of uploads in messages, of downloads, and in response headers.

Upload names are shown back to people, never used on disk. Download names
keep the person's language (RFC 5987 ``filename*``) but lose what could
mislead or harm: control and bidi-override characters (``invoice‮fdp.exe``
shows as ``invoiceexe.pdf``), path separators, and executable endings.
Response headers are ASCII only: waitress can send nothing else, so values
that carry names are percent-encoded.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from werkzeug.utils import secure_filename

if TYPE_CHECKING:
    from app.api.declare import FileOut

#: Longest name we hand out, in UTF-8 bytes (file systems allow 255).
MAX_NAME_BYTES = 200
#: Endings that run something when opened; never at the end of a download name.
EXECUTABLE = {
    ".exe",
    ".com",
    ".bat",
    ".cmd",
    ".scr",
    ".pif",
    ".msi",
    ".msp",
    ".lnk",
    ".js",
    ".jse",
    ".vbs",
    ".vbe",
    ".wsf",
    ".wsh",
    ".ps1",
    ".hta",
    ".cpl",
    ".jar",
    ".app",
    ".command",
    ".sh",
    ".desktop",
    ".reg",
    ".dll",
    ".html",
    ".htm",
    ".svg",
}
#: Bidi controls and other invisible format characters are category Cf.
_DROP = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")[:limit]
    return data.decode("utf-8", errors="ignore")


def clean_file_name(raw: str, default: str = "document") -> str:
    """A safe display name from whatever a client sent (or ``default``)."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c) not in _DROP)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return default
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode()) > 16:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(suffix.encode())).strip(" .") or "document"
    return stem + suffix


def download_name(name: str, suffix: str) -> str:
    """``name`` cleaned, ending in ``suffix`` (the result's real type, e.g. ``.pdf``)."""
    cleaned = clean_file_name(name)
    path = PurePosixPath(cleaned)
    stem = path.stem if path.suffix.lower() in (suffix, *EXECUTABLE) else cleaned
    while PurePosixPath(stem).suffix.lower() in EXECUTABLE:
        stem = PurePosixPath(stem).stem
    return _truncate_utf8(stem or "document", MAX_NAME_BYTES - len(suffix)) + suffix


def content_disposition(name: str) -> str:
    """``attachment`` with the person's own file name (RFC 6266/5987), Chinese included,
    and a plain ASCII fallback for old clients (``secure_filename`` alone would leave
    nothing of "报告.pdf")."""
    suffix = PurePosixPath(name).suffix
    ascii_stem = secure_filename(PurePosixPath(name).stem)
    if not ascii_stem or ascii_stem[0] in "-_.":  # "年度报告-rotated" -> "-rotated"
        ascii_stem = "document" + (ascii_stem if ascii_stem[:1] in ("-", "_") else "")
    ascii_name = f"{ascii_stem}{secure_filename(suffix) and suffix}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def header_value(names: list[str]) -> str:
    """Names for a response header: percent-encoded UTF-8, comma-separated."""
    return ",".join(quote(n, safe=" ") for n in names)


SUFFIXES = {"application/pdf": ".pdf", "application/zip": ".zip", "image/png": ".png"}


def result_name(out: FileOut) -> str:
    """What a result is called when it is saved: its name, ending in its real type."""
    suffix = SUFFIXES.get(out.mimetype, PurePosixPath(out.download_name).suffix or ".jpg")
    if out.mimetype == "image/jpeg":
        suffix = ".jpg"
    return download_name(out.download_name, suffix)


def result_headers(out: FileOut) -> dict[str, str]:
    """The headers a file result carries besides its type and length, in the order
    they are sent (the same in the plain and the progress form of the API)."""
    headers = {"Content-Disposition": content_disposition(result_name(out))}
    headers.update(out.headers)
    if out.repaired:
        headers["X-Sheaf-Repaired"] = header_value(out.repaired)
    if out.protected:
        headers["X-Sheaf-Protected"] = "kept"
    return headers
