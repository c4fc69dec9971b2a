"""What a redaction did, for the ``X-Sheaf-Report`` header and the tool page.

``pages``: the pages (1-based) that are now pictures; ``found``: occurrences
drawn on pages; ``where``: the parts of the document the text was found in
(``text``, ``comments``, ``info``, ``bookmarks``, ``metadata``,
``attachments``...); ``removed``: each thing taken out whole, by kind, with its
(blacked-out) name where it has one; ``hidden``: hidden information was
removed too. The lists are capped so the header stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_ITEMS = 40
MAX_NAME = 60


@dataclass
class Report:
    pages: list[int] = field(default_factory=list)
    found: int = 0
    where: list[str] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    hidden: bool = False
    more: int = 0

    def place(self, where: str) -> None:
        if where not in self.where:
            self.where.append(where)

    def remove(self, kind: str, name: str = "") -> None:
        if len(self.removed) >= MAX_ITEMS:
            self.more += 1
            return
        item = {"kind": kind}
        if name:
            item["name"] = name[:MAX_NAME]
        self.removed.append(item)

    def info(self) -> dict[str, object]:
        info: dict[str, object] = {
            "pages": self.pages,
            "found": self.found,
            "where": self.where,
            "removed": self.removed,
            "hidden": self.hidden,
        }
        if self.more:
            info["more_removed"] = self.more
        return info
