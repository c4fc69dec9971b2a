"""Blueprints: one module per area of the site."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.meta import SLUG
    from app.opened import OpenedFiles
    from app.views import auth, errors, health, main, opened, signature, tools

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(tools.bp)
    app.register_blueprint(signature.bp)
    app.register_blueprint(opened.bp)
    if app.extensions[f"{SLUG}.settings"].desktop:
        app.extensions[opened.KEY] = OpenedFiles()  # files opened with Sheaf, by id
    errors.init_app(app)
