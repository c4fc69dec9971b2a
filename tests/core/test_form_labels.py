"""How internal names become words, and printed letters become label runs."""

from __future__ import annotations

from app.pdf.form_labels import readable
from app.pdf.page_text import split_runs


def test_internal_names_made_readable():
    assert readable("First Name_2") == "First Name 2"
    assert readable("gdpr") == "Gdpr"
    assert readable("form1[0].page1[0].dateOfBirth[0]") == "Date Of Birth"
    assert readable("Text1") == "Text 1"
    assert readable("addr-line") == "Addr line"


def _letters(text: str, x: float, y: float = 100.0, width: float = 6.0, tall: float = 10.0):
    out, spaced = [], False
    for ch in text:
        if ch == " ":
            spaced = True
        else:
            out.append((ch, (x, y, x + width, y + tall), spaced))
            spaced = False
        x += width
    return out


def test_a_wide_gap_or_another_line_starts_a_new_run():
    letters = _letters("Name:", 10) + _letters("Date of birth", 200) + _letters("Sex", 10, 130)
    assert [(r.text, round(r.box[0])) for r in split_runs(letters)] == [
        ("Name", 10),  # the colon goes
        ("Date of birth", 200),
        ("Sex", 10),
    ]
