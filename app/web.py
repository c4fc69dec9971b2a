"""What every blueprint needs: the app's one state object, its settings, and the one
way to say no (JSON for API callers, a page for people).

The state is one typed object in ``app.extensions["sheaf"]`` instead of a string key
per part, so a reader finds in one place everything an app instance holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, jsonify, render_template, request

from app.meta import SLUG
from app.settings import Settings

if TYPE_CHECKING:
    from app.desktop.opened import OpenedFiles
    from app.desktop.presence import Presence
    from app.desktop.recent import RecentFiles
    from app.runtime.instance import InstanceLock
    from app.security.authn import Policy
    from app.security.keys import Keys
    from app.security.throttle import Throttle
    from app.security.tickets import Tickets
    from app.telemetry.metrics import Metrics

#: Where the runtime keeps the TCP peer's address before proxy headers rewrite it.
PEER_KEY = f"{SLUG}.peer"


@dataclass
class State:
    """Everything one app instance holds. Parts a mode does not use stay ``None``:
    presence, opened and recent files and tickets are the desktop's; metrics only
    when asked for."""

    settings: Settings
    presence: Presence | None = None
    opened: OpenedFiles | None = None
    #: Desktop: the "Recent files" list in the data folder (app.desktop.recent).
    recent: RecentFiles | None = None
    tickets: Tickets | None = None
    keys: Keys | None = None
    throttle: Throttle | None = None
    policy: Policy | None = None
    metrics: Metrics | None = None
    scratch: Path | None = None
    scratch_lock: InstanceLock | None = None
    #: The home page's tool list, rendered once per (language, script root).
    tool_grid: dict[tuple[str, str], Any] = field(default_factory=dict)


def state_of(app: Flask) -> State:
    return app.extensions[SLUG]


def state() -> State:
    """The state of the app handling this request."""
    return current_app.extensions[SLUG]


def settings() -> Settings:
    return state().settings


def need(part: Any, what: str) -> Any:
    """``part`` if this app has it: a missing part is a wiring bug, said plainly."""
    if part is None:
        raise RuntimeError(f"this app has no {what}")
    return part


def wants_json() -> bool:
    """The API, and the opened files' bytes, previews and saves (asked for by scripts
    on the page, which read the message from JSON)."""
    return (
        request.path.startswith(("/api/", "/opened/"))
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """One way to say no: JSON for API callers, a page for people. ``field``: the form
    field at fault, so a tool page can show the message beside it."""
    if wants_json():
        resp = jsonify(error=code, message=message, **({"field": field} if field else {}))
    else:
        resp = Response(
            render_template("error.html", status=status, code=code, message=message),
            mimetype="text/html",
        )
    resp.status_code = status
    return resp
