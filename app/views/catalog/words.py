"""Help lines several tool pages share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PAGES_HELP = _l("For example 1-3,5,8- or last. Empty means all pages.")
WHICH_PAGES_HELP = _l("Which pages, for example 2 or 4-5, or last.")
FRACTION_HELP = _l("A fraction of the page, from 0 to 1: 0.5 is the middle.")
