"""Every place a PDF can hold a secret word, one builder each (see :mod:`redaction_docs`).

:data:`PLACES` lists them: the ones redaction already held (fonts, split and
hidden text, document parts) and the ones issue 17 found leaking, numbered as
in the issue. Each builder (in :mod:`redaction_pages` and :mod:`redaction_parts`)
adds the secret to a fresh two-page :class:`Doc`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pikepdf

from helpers.redaction_docs import PASSWORD, Doc
from helpers.redaction_pages import (
    checkbox_export_value,
    cid_font,
    clipped_text,
    comment,
    crop_box_larger_than_media_box,
    field_value,
    hidden_layer,
    invisible_text,
    letter_spaced,
    link_uri,
    rotated_and_cropped,
    split_over_many_shows,
    stamp_on_unredacted_page,
    standard_font,
    stroked_text,
    tiling_pattern,
    type3_font,
    type3_glyph_larger_than_its_box,
    typewriter,
    typewriter_beside_page_text,
    value_on_grandparent,
    white_text,
    widget_drawing_differs_from_value,
)
from helpers.redaction_parts import (
    attachment_contents,
    attachment_name,
    bookmarks,
    destination_name,
    info,
    info_key,
    inherited_form,
    javascript_stream,
    layer_name,
    on_page_too,
    page_labels,
    page_xmp,
    private_data,
    structure_tree,
    title_and_bookmarks_only,
    undrawn_form,
    xfa,
    xmp,
    xmp_character_references,
    xmp_thumbnail,
)

Build = Callable[[Doc], None]


@dataclass(frozen=True)
class Place:
    name: str
    build: Build
    #: The leak of issue 17 this place is (None: a place that already held).
    issue: int | None = None
    latin_only: bool = False
    password: str = ""
    #: Red pixels of the secret show on page 1 of the input (area redaction can take them).
    drawn: bool = True
    #: The secret is in no page's text or drawing: nothing becomes a picture.
    pictures: bool = True


HELD = [
    Place("standard_font", standard_font, latin_only=True),
    Place("cid_font", cid_font),
    Place("type3_font", type3_font),
    Place("split_over_many_shows", split_over_many_shows),
    Place("hidden_layer", hidden_layer, drawn=False),
    Place("white_text", white_text, drawn=False),
    Place("clipped_text", clipped_text, drawn=False),
    Place("invisible_text", invisible_text, drawn=False),
    Place("info", on_page_too(info)),
    Place("bookmarks", on_page_too(bookmarks)),
    Place("page_labels", on_page_too(page_labels)),
    Place("layer_name", on_page_too(layer_name)),
    Place("attachment_name", on_page_too(attachment_name)),
    Place("link_uri", link_uri),
    Place("comment", comment),
    Place("field_value", field_value),
    Place("structure_tree", on_page_too(structure_tree)),
    Place("xmp", on_page_too(xmp)),
    Place("encrypted", standard_font, password=PASSWORD),
    Place("rotated_and_cropped", rotated_and_cropped),
]
LEAKED = [
    Place("typewriter_only", typewriter, issue=1),
    Place("typewriter_beside_page_text", typewriter_beside_page_text, issue=1),
    Place("stamp_on_unredacted_page", stamp_on_unredacted_page, issue=1, drawn=False),
    Place("widget_drawing", widget_drawing_differs_from_value, issue=1, drawn=False),
    Place("value_on_grandparent", value_on_grandparent, issue=1, drawn=False),
    Place("letter_spaced", letter_spaced, issue=2),
    Place("crop_box_larger", crop_box_larger_than_media_box, issue=3),
    Place("attachment_contents", on_page_too(attachment_contents), issue=4),
    Place("javascript_stream", on_page_too(javascript_stream), issue=4),
    Place("xfa", on_page_too(xfa), issue=4),
    Place("private_data", on_page_too(private_data), issue=4),
    Place("page_xmp", on_page_too(page_xmp), issue=4),
    Place("undrawn_form", on_page_too(undrawn_form), issue=4),
    Place("inherited_form", on_page_too(inherited_form), issue=4),
    Place("xmp_thumbnail", on_page_too(xmp_thumbnail), issue=4),
    Place("xmp_character_references", on_page_too(xmp_character_references), issue=4),
    Place("destination_name", on_page_too(destination_name), issue=4),
    Place("info_key", on_page_too(info_key), issue=4),
    Place("checkbox_export_value", checkbox_export_value, issue=4),
    Place("attachment_only", attachment_contents, issue=5, drawn=False, pictures=False),
    Place(
        "title_and_bookmarks_only", title_and_bookmarks_only, issue=5, drawn=False, pictures=False
    ),
    Place("type3_glyph_larger", type3_glyph_larger_than_its_box, issue=6),
    Place("tiling_pattern", tiling_pattern, issue=6),
    Place("stroked_text", stroked_text, issue=6),
]
PLACES = HELD + LEAKED


def build(place: Place, secret: str) -> bytes:
    doc = Doc.new(secret)
    place.build(doc)
    if place.password:
        return doc.save(encryption=pikepdf.Encryption(user=place.password, owner=place.password))
    return doc.save()
