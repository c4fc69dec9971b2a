"""The desktop remembers one drawn signature, on this computer only, if asked.

It is a PNG in the person's data folder (readable by them alone), written when
they tick "Remember" on the Sign page and removed by "Forget" there. Server mode
keeps nothing: these routes do not exist there (404). Requests come through the
same token, Host and CSRF checks as every other page.

``/signature/font/cjk`` (both modes) hands the page the CJK font a typed name
falls back to in the PDF, so a Chinese name looks on the page as it will in the
file; the page asks for it only when a name needs it (CSS unicode-range).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_file

from app import resources, web

bp = Blueprint("signature", __name__)

MAX_BYTES = 512 * 1024
MAX_SIDE = 3000
NAME = "signature.png"


def _path() -> Path:
    settings = web.settings()
    if not settings.desktop or settings.data_dir is None:
        abort(404)
    return settings.data_dir / NAME


@bp.get("/signature/font/cjk")
def cjk_font() -> Response:
    resp = send_file(resources.FONTS / "DroidSansFallback.ttf", mimetype="font/ttf", max_age=86400)
    resp.headers["Cache-Control"] = "private, max-age=86400"
    return resp


@bp.get("/signature")
def read() -> Response:
    path = _path()
    if not path.is_file():
        abort(404)
    resp = send_file(path, mimetype="image/png", max_age=0)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.put("/signature")
def remember() -> tuple[str, int]:
    path = _path()
    data = request.get_data(cache=False)
    if not data or len(data) > MAX_BYTES or not _is_small_png(data):
        abort(400)
    tmp = path.with_name(f".{NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return "", 204


@bp.delete("/signature")
def forget() -> tuple[str, int]:
    _path().unlink(missing_ok=True)
    return "", 204


def _is_small_png(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "PNG" or max(img.size) > MAX_SIDE:
                return False
            img.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True
