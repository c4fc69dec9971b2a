"""The languages Sheaf speaks, and how it picks one for a request.

Order: the ``lang`` cookie set by the language switch, then the browser's
Accept-Language, then English. Any Chinese preference gets Simplified
Chinese, the only Chinese we ship.

Translations live as ``.po`` files in ``app/translations``. Builds compile
them to ``.mo`` (``build_scripts``, the Dockerfile); a source checkout
compiles missing or stale ones on start, so ``uv run launcher.py`` works
from a fresh clone.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_locale

from app.meta import SLUG
from app.resources import FROZEN, TRANSLATIONS

log = logging.getLogger(__name__)

#: Locale code -> name of the language in itself, for the switch.
LANGUAGES: dict[str, str] = {"en": "English", "zh_Hans": "简体中文"}
DEFAULT = "en"
COOKIE = f"{SLUG}_lang"


def normalize(code: str | None) -> str | None:
    """Map what browsers and people send ("zh-CN", "zh_Hans", "en-GB") to one we ship."""
    if not code:
        return None
    code = code.strip().replace("-", "_").lower()
    if code.startswith("zh"):
        return "zh_Hans"
    if code.startswith("en"):
        return "en"
    return None


def select_locale() -> str:
    chosen = normalize(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    for value, _quality in request.accept_languages:
        found = normalize(value)
        if found:
            return found
    return DEFAULT


def compile_catalogs(source: Path = TRANSLATIONS, force: bool = False) -> list[Path]:
    """Compile each ``messages.po`` below ``source`` to a ``messages.mo`` beside it.

    Returns the files written. Used at build time and, from a source checkout,
    at start-up for catalogs whose .mo is missing or older than the .po.
    """
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        tmp.replace(mo)
        written.append(mo)
    return written


def init_app(app: Flask) -> None:
    # A source checkout compiles its own catalogues; bundles and images ship them
    # compiled, often on a read-only filesystem, and are left alone.
    if not FROZEN and os.access(TRANSLATIONS, os.W_OK):
        try:
            compile_catalogs()
        except OSError as exc:
            log.warning("could not compile translations: %s", exc)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, get_locale=get_locale)
