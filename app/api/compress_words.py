"""What compress did, in one line of the person's language, for the page and scripts.

"2.9 MB → 0.8 MB, 72% smaller; pictures reduced to 150 dpi", or that nothing
could be made smaller and the file is the one given. Sizes are written as file
managers write them (1 MB = 1,000,000 bytes), the same as the target size.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.pdf.compress.target import human_size


def summary(info: dict) -> str:
    if info["unchanged"]:
        return _(
            "Nothing could be made smaller: the file is unchanged (%(size)s).",
            size=human_size(info["size_before"]),
        )
    before, after = human_size(info["size_before"]), human_size(info["size_after"])
    percent = info["percent_smaller"]
    if info.get("dpi"):
        return _(
            "%(before)s → %(after)s, %(percent)s%% smaller; pictures reduced to %(dpi)s dpi.",
            before=before,
            after=after,
            percent=percent,
            dpi=info["dpi"],
        )
    return _(
        "%(before)s → %(after)s, %(percent)s%% smaller.",
        before=before,
        after=after,
        percent=percent,
    )
