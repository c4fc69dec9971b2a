"""Who may talk to Sheaf, and what every response carries. This module only wires.

Three checks run before each request, in this order:

1. **Host** (:mod:`app.security.hosts`) – the Host header must be one we serve,
   which defeats DNS rebinding.
2. **Who is asking** (:mod:`app.security.authn`) – the desktop's launch token, a
   server password with expiring sessions (:mod:`~app.security.sessions`, slowed down
   by :mod:`~app.security.attempts` and :mod:`~app.security.throttle`), or a sign-in
   proxy's user header. The secrets it checks are :mod:`~app.security.keys`, the
   cookie it sets :mod:`~app.security.cookies`, the desktop's token-for-cookie trade
   :mod:`~app.security.exchange`.
3. **Cross-site requests** (:mod:`app.security.csrf`) – changes must come from
   Sheaf's own page with its token.

Then every response gets the headers of :mod:`app.security.headers`.
"""

from __future__ import annotations

from flask import Flask

from app.settings import Settings


def init_app(app: Flask, s: Settings) -> None:
    """The checks in the order above: Host, who, cross-site; then headers on every answer."""
    from app.security import authn, csrf, headers, hosts

    app.before_request(hosts.check_host)
    authn.init_app(app, s)
    csrf.init_app(app)
    app.after_request(headers.finish)
