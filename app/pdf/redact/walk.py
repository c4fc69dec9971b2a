"""Every value the saved document will hold, once, with where in the document it sits.

qpdf writes only what the trailer reaches, so the walk starts there and
visits each indirect object once (cycles are common: ``/Parent``, ``/P``),
with direct nesting bounded. Each value comes with its *place*: a short word
for the part of the document it belongs to (``info``, ``bookmarks``,
``attachments``, ``comments``...), taken from the keys on the way to it, so a
report can say where the text was found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

MAX_DEPTH = 64
ObjGen = tuple[int, int]

#: The place a key leads into (the first place found on the way wins).
PLACES = {
    "/Info": "info",
    "/Outlines": "bookmarks",
    "/EmbeddedFiles": "attachments",
    "/AF": "attachments",
    "/EF": "attachments",
    "/FS": "attachments",
    "/JavaScript": "javascript",
    "/JS": "javascript",
    "/AA": "javascript",
    "/Dests": "destinations",
    "/StructTreeRoot": "structure",
    "/OCProperties": "layers",
    "/OC": "layers",
    "/PageLabels": "page_labels",
    "/AcroForm": "form",
    "/Metadata": "metadata",
    "/PieceInfo": "private_data",
    "/Thumb": "thumbnails",
    "/XFA": "xfa",
    "/Annots": "comments",
    "/URI": "links",
    "/Threads": "articles",
    "/Collection": "attachments",
    "/Resources": "drawings",
}


GENERAL = ("document", "pages")


@dataclass
class Slot:
    """``container[key]`` is ``value``; ``parent_key`` is the key ``container`` sits under."""

    container: pikepdf.Object
    key: str | int
    value: pikepdf.Object
    place: str
    parent_key: str | None


def values(pdf: pikepdf.Pdf, skip: frozenset[ObjGen] = frozenset()) -> Iterator[Slot]:
    """Each (container, key, value) reachable from the trailer, indirect objects once.
    Containers are visited after the caller saw them, so it may replace a value it was
    given (the walk goes on into what it finds there afterwards)."""
    seen: set[ObjGen] = set(skip)
    trailer = pdf.trailer
    stack: list[tuple[pikepdf.Object, str, str | None, int]] = [(trailer, "document", None, 0)]
    while stack:
        container, place, parent_key, depth = stack.pop()
        if isinstance(container, pikepdf.Array):
            items: list[tuple[str | int, pikepdf.Object]] = list(enumerate(container))
        else:
            items = list(container.items())
        for key, value in items:
            if container is trailer and key in ("/Encrypt", "/ID"):
                continue  # written anew by qpdf when it saves
            inner = place
            if key == "/Pages" and place == "document":
                inner = "pages"
            elif isinstance(key, str) and key in PLACES and place in GENERAL:
                inner = PLACES[key]
            yield Slot(container, key, value, inner, parent_key)
            if not isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                continue
            current = container[key]  # the caller may have replaced it
            if not isinstance(current, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                continue
            if current.is_indirect:
                if current.objgen in seen:
                    continue
                seen.add(current.objgen)
            elif depth > MAX_DEPTH:
                continue
            stack.append((current, inner, key if isinstance(key, str) else parent_key, depth + 1))
