"""The rules redaction reads text by: what counts as the word, in which encodings, which
names are the document's to rename, and what happens to a stream too large to read."""

from __future__ import annotations

import pikepdf
import pytest
from helpers.pdfcheck import error_of, open_result, texts
from helpers.redaction_docs import Doc
from helpers.redaction_places import PLACES, build


def _post(api, data: bytes, form: dict):
    return api("redact", [("file", ("doc.pdf", data, "application/pdf"))], form)


def _place(name: str, secret: str = "ZEBRA42") -> bytes:
    return build(next(p for p in PLACES if p.name == name), secret)


def test_the_format_s_own_names_and_a_font_s_glyph_names_are_never_renamed(api):
    """Redacting "under" must not rename the glyph /underscore, nor "Font" the key /Font."""
    doc = Doc.new("under")
    doc.write(0, "under the sea", 40, 120)
    font = doc.pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name("/Helvetica"),
            Encoding=pikepdf.Dictionary(Differences=[95, pikepdf.Name("/underscore")]),
        )
    )
    doc.resources(1).Font.F9 = font
    doc.font(1)
    doc.add(1, "BT /F9 20 Tf 40 60 Td (a_b) Tj ET")
    r = _post(api, doc.save(), {"text": "under"})
    out = open_result(r)
    assert list(out.pages[1].Resources.Font.F9.Encoding.Differences) == [95, "/underscore"]
    assert "a_b" in texts(r.content)[1]
    r = _post(api, _place("standard_font"), {"text": "font"})
    error_of(r, 422, "nothing_to_redact")  # /Font, /FontFile... are the format's words


@pytest.mark.parametrize(
    ("needle", "text", "found"),
    [
        ("zebra42", "the Z E B R A 4 2 code", True),  # letter-spaced
        ("ZEBRA 42", "zebra42", True),
        ("fish", "ﬁsh", True),  # a ligature
        ("ZEBRA", "ＺＥＢＲＡ", True),  # full-width letters
        ("zebra", "ze\u00adbra", True),  # a soft hyphen
        ("绝密", "&#x7EDD;&#23494;", True),  # character references
        ("绝密", "%E7%BB%9D%E5%AF%86", True),  # percent escapes
        ("绝密", "\\u7edd\\u5bc6", True),  # JavaScript escapes
        ("zebra", "zeb-ra", False),
        ("zebra", "a zebu ran", False),
    ],
)
def test_what_counts_as_the_text(needle, text, found):
    from app.pdf.redact.needle import Needle

    assert Needle(needle).holds(text) is found


@pytest.mark.parametrize(
    "data",
    [
        "绝密".encode("utf-16-be"),
        b"\xfe\xff" + "绝密".encode("utf-16-be"),
        "x绝密".encode("utf-16-le"),
        "绝密".encode(),
        "绝密".encode("gb18030"),
        b"<x:image>" + __import__("base64").b64encode("nothing but 绝密 here".encode() * 9) + b"<",
    ],
)
def test_bytes_hold_the_text_in_any_encoding(data):
    from app.pdf.redact.needle import Needle

    assert Needle("绝密").holds_bytes(data, "xmp")


def test_a_stream_too_large_to_read_is_removed_and_reported(tmp_path):
    """Streams are read within the job's budget; one that would unpack past it is
    removed, never kept unread."""
    import zlib

    from app.pdf.core.job import Job
    from app.pdf.redact.needle import Needle
    from app.pdf.redact.report import Report
    from app.pdf.redact.scrub import Scrub

    pdf = pikepdf.new()
    pdf.add_blank_page()
    big = pikepdf.Stream(pdf, zlib.compress(b"x" * (4 << 20)))
    big.Filter = pikepdf.Name.FlateDecode
    pdf.Root.PieceInfo = pikepdf.Dictionary(App=pikepdf.Dictionary(Private=big))
    report = Report()
    Scrub(pdf, Needle("secret"), Job(memory_budget=3 << 20), report, tmp_path).run()
    assert {"kind": "too_large"} in report.removed
    assert "/Private" not in pdf.Root.PieceInfo.App


def test_a_renamed_destination_still_leads_where_it_led(api):
    """The secret named a destination: it is renamed the same way where it is defined and
    where a link uses it, so the link still works."""
    r = _post(api, _place("destination_name"), {"text": "ZEBRA42"})
    out = open_result(r)
    names = [str(k) for k in list(out.Root.Dests.keys())]
    link = next(a for a in out.pages[1].Annots if a.Subtype == "/Link")
    assert names == [str(link.Dest)] and "ZEBRA42" not in names[0]
    assert out.Root.Dests[names[0]][0].objgen == out.pages[0].obj.objgen
