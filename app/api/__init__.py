"""The HTTP API: ``/api/v1/<operation>``, multipart in, a file (or JSON) out.

Every operation is declared once, beside its handler, in :mod:`.ops` (fields, limits
and what it returns); :mod:`.inputs` validates requests against those
declarations and :mod:`.openapi` describes them, so the document and the
behaviour cannot drift apart. Auth, Host and CSRF checks are the app-wide
ones in :mod:`app.security`.
"""

from __future__ import annotations

from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    from app.api import routes, workspace
    from app.api.declare import BLUEPRINT

    bp = Blueprint(BLUEPRINT, __name__, url_prefix="/api/v1")  # one per app: tests make several
    routes.register(bp)
    app.register_blueprint(bp)
    workspace.init_app(app)
