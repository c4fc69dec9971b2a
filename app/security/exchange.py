"""The launch token (or a ticket) traded for the session cookie, once per browser.

The desktop opens the browser on ``/?token=...`` (or ``/?ticket=...``,
:mod:`app.security.tickets`). That request gets the cookie and a page that moves
on to the same address without the token, so the token leaves the address bar
and the history.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, render_template, request
from flask_babel import gettext as _

from app.security.cookies import set_session_cookie
from app.web import error_response


def exchange_token(valid: bool) -> Response:
    """Trade the launch token (or a ticket) for a cookie, then get it out of the address bar.

    A 302 would lose the cookie: SameSite=Strict cookies are withheld from a
    redirect chain that started on another site (the browser opened a local
    file). A page that refreshes to the clean URL is a same-site navigation.
    """
    if not valid:
        return error_response(
            401,
            "unauthorized",
            _("This Sheaf link has expired. Please start Sheaf from its icon."),
        )
    args = request.args.to_dict(flat=False)
    args.pop("token", None)
    args.pop("ticket", None)
    target = request.path
    if args:
        target += "?" + urlencode(args, doseq=True)
    resp = Response(render_template("enter.html", target=target), mimetype="text/html")
    set_session_cookie(resp)
    return resp
