"""Blueprints: one module per area of the site."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.views import auth, errors, health, main

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    errors.init_app(app)
