"""What the pages tell the browser's workspace (static/js/workspace.js) about keeping files.

The workspace lives in the person's browser (IndexedDB), never on the server, so
server mode stays stateless. The server only says three things, as ``<meta>`` tags
in every page (templates/base.html):

* the *scope*: files kept under another scope are forgotten when a page loads.
  Desktop: one per launch (a hash of the launch token, never the token), so what a
  quit or crashed Sheaf held is gone at the next start. Server: one per signed-in
  user behind a sign-in proxy, else one for the server;
* how long files are kept unused: desktop until Sheaf quits; server the longest a
  sign-in lasts (``session_max_age``), said on the page;
* the largest file the server takes, so the workspace refuses what it could not send.
"""

from __future__ import annotations

import hashlib
import math

from flask import Flask, g

from app.web import settings


def _scope() -> str:
    s = settings()
    if s.desktop:
        secret = s.token or ""
        return "desktop-" + hashlib.sha256(secret.encode()).hexdigest()[:16]
    user = getattr(g, "user", "")
    if user:
        return "user-" + hashlib.sha256(user.encode()).hexdigest()[:16]
    return "server"


def workspace_context() -> dict:
    s = settings()
    return {
        "workspace": {
            "scope": _scope(),
            "keep_hours": 0 if s.desktop else max(1, math.ceil(s.session_max_age / 3600)),
            "max_bytes": s.limits.max_upload_bytes,
        }
    }


def init_app(app: Flask) -> None:
    app.context_processor(workspace_context)
