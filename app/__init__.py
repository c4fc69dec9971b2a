"""Sheaf: a private PDF toolbox. ``create_app`` is where every request's journey starts.

Request path: :mod:`app.security` (host, auth, CSRF) -> a blueprint in
:mod:`app.views` -> for PDF work, the pure operations in :mod:`app.pdf`.
The process that serves the app lives in :mod:`app.runtime` (``launcher.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.meta import NAME, SLUG, VERSION
from app.settings import Settings

if TYPE_CHECKING:
    from flask import Flask


@dataclass(frozen=True)
class ModeForPages:
    """What pages need to know about the mode Sheaf runs in."""

    desktop: bool
    can_quit: bool
    signs_in: bool


def create_app(settings: Settings | None = None) -> Flask:
    """Build the WSGI app. ``settings`` decide desktop or server mode (default: open server).

    Flask is imported here, not at the top: ``--version``, ``--help`` and a
    second launch that only hands over to the running instance never need it.
    """
    from flask import Flask

    from app import i18n, resources, security
    from app.desktop.presence import Presence
    from app.telemetry import access_log
    from app.views import register_blueprints
    from app.web import State

    settings = settings or Settings()
    app = Flask(
        __name__,
        template_folder=str(resources.TEMPLATES),
        static_folder=str(resources.STATIC),
    )
    app.config.update(
        MAX_CONTENT_LENGTH=settings.limits.max_upload_bytes,
        # Form fields beyond files; uploads themselves stream to temp files.
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        JSON_AS_ASCII=False,
    )
    state = State(settings)
    app.extensions[SLUG] = state
    if settings.desktop:  # open tabs decide when the desktop app quits; a server never does
        state.presence = Presence()
    # Templates get flags, never the settings (whose repr holds the token and password).
    app.jinja_env.globals.update(
        APP_NAME=NAME,
        APP_VERSION=VERSION,
        mode=ModeForPages(
            desktop=settings.desktop,
            can_quit=settings.desktop and settings.request_shutdown is not None,
            signs_in=bool(settings.password),
        ),
    )
    if settings.metrics_dir is not None:
        from app.telemetry import metrics

        metrics.init_app(app, settings.metrics_dir)
    if not settings.desktop:
        access_log.init_app(app)
    i18n.init_app(app)
    security.init_app(app, settings)
    register_blueprints(app)
    from app import api

    api.init_app(app)
    return app
