"""The process that serves Sheaf: everything ``launcher.py`` does, in testable pieces.

- :mod:`.cli` - command line and environment -> :class:`~.cli.Options`
- :mod:`.console` - logging, and surviving a windowed build with no console
- :mod:`.dirs` - where user data, config, cache and logs live (platformdirs)
- :mod:`.instance` - one desktop instance per data dir; a second launch reuses it
- :mod:`.server` - the waitress server on a socket we bound, and its graceful stop
- :mod:`.browser` - opening the person's browser without leaking the token
- :mod:`.idle` - quitting after the last tab closed
- :mod:`.main` - puts them together

Nothing here is imported by the web app itself (``app.views`` and friends);
the app learns what it needs through :class:`app.settings.Settings`.
"""
