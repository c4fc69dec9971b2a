"""The tool pages people use: one declaration per tool, one generic page and script.

Each tool names the API operation it calls (declared in :mod:`app.api.ops`)
and which of its fields it shows, with labels and help in the person's
language. Everything else comes from the operation's declaration (input kinds,
file types, defaults, limits, choices, "required", the route: see
:mod:`app.views.tool_model`), so the page and the API cannot disagree.
``tools/tool.html`` and ``static/js/tools.js`` render and drive them all. The visual
page organizer has its own page and script.

The tools themselves are listed in :mod:`app.views.catalog`, their parts
described in :mod:`app.views.tool_model`.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.views.catalog import GROUPS, TOOLS
from app.views.results import CONTINUE

bp = Blueprint("tools", __name__)

BY_SLUG = {tool.slug: tool for tool in TOOLS}


@bp.app_context_processor
def tool_list() -> dict:
    groups = [(title, [BY_SLUG[slug] for slug in slugs]) for title, slugs in GROUPS]
    return {
        "TOOLS": TOOLS,
        "TOOL_GROUPS": groups,
        "CONTINUE_TOOLS": [BY_SLUG[slug] for slug in CONTINUE],
    }


@bp.get("/tools/<slug>")
def tool(slug: str) -> str:
    found = BY_SLUG.get(slug)
    if found is None:
        abort(404)
    template = "tools/organize.html" if found.slug == "organize" else "tools/tool.html"
    return render_template(template, tool=found)
