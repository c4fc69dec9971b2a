"""Blueprints: one module per area of the site."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.desktop.opened import OpenedFiles
    from app.views import auth, errors, health, main, opened, results, signature, tools, workspace

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(tools.bp)
    app.register_blueprint(signature.bp)
    app.register_blueprint(opened.bp)
    from app.web import state_of

    if state_of(app).settings.desktop:
        state_of(app).opened = OpenedFiles()  # files opened with Sheaf, by id
    errors.init_app(app)
    workspace.init_app(app)
    results.init_app(app)
