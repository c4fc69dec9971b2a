"""Blueprints: one module per area of the site."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.views import auth, errors, health, main, opened, results, signature, tools, workspace

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(tools.bp)
    app.register_blueprint(signature.bp)
    app.register_blueprint(opened.bp)
    _desktop_parts(app)
    errors.init_app(app)
    workspace.init_app(app)
    results.init_app(app)


def _desktop_parts(app: Flask) -> None:
    """The desktop's files: those opened with Sheaf (by id, in memory) and the list of
    recent ones (in the data folder). Server mode has neither, not even the list's
    routes: it keeps nothing."""
    from app.desktop.opened import OpenedFiles
    from app.desktop.recent import RecentFiles
    from app.views import recent as recent_views
    from app.web import state_of

    state = state_of(app)
    if not state.settings.desktop:
        return
    app.register_blueprint(recent_views.bp)
    if state.settings.data_dir is not None:
        recent = state.recent = RecentFiles(state.settings.data_dir)
        state.opened = OpenedFiles(on_open=lambda entry: recent.record(entry.path, "opened"))
    else:
        state.opened = OpenedFiles()
