"""``/healthz``: for load balancers, probes and the launcher. No auth, nothing secret."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from app.meta import VERSION

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok", version=VERSION)
