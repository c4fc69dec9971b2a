"""A small form made for the tests, where we know what a person reads on the page.

Page 1 prints its labels as page text beside the fields (left of, above, right of a
checkbox); one field has a tooltip that wins over its printed word; the radio group
"radio_grp" has appearance states Female and Male, export values 1 and 2 (/Opt) and no
words beside its buttons, but "Sex:" printed before them; "addr_line_2" has nothing
near it; "tel" lies over the underscores printed after "Phone"; "zip_cd" covers
its printed caption "Postcode". Page 2 is turned
(/Rotate 90) and cropped, its field painted red, so a box the server gives can be
checked against the rendered picture.
"""

from __future__ import annotations

import io

import pikepdf

RED = b"1 0 0 rg 0 0 %.2f %.2f re f"
#: Page 2: the field "town" as shown, in points from the top-left of the cropped,
#: turned page (720 wide, 540 high): left, top, right, bottom.
TOWN_SHOWN = (150.0, 100.0, 350.0, 118.0)
TOWN_PAGE = (720.0, 540.0)


def _text(x: float, y: float, words: str, matrix: str = "") -> str:
    place = f"{matrix} Tm" if matrix else f"{x} {y} Td"
    return f"BT /F1 11 Tf {place} ({words}) Tj ET\n"


def _appearance(pdf: pikepdf.Pdf, w: float, h: float, fill: bytes = b"") -> pikepdf.Object:
    return pdf.make_indirect(
        pikepdf.Stream(
            pdf,
            fill or b"0 g 1 1 %.2f %.2f re S" % (w - 2, h - 2),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, w, h],
        )
    )


def form_pdf() -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont="/Helvetica"
        )
    )
    fields = []

    def page(content: str, **extra) -> pikepdf.Dictionary:
        obj = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pikepdf.Stream(pdf, content.encode()),
            **extra,
        )
        pdf.pages.append(pikepdf.Page(obj))
        added = pdf.pages[-1].obj
        added.Annots = pikepdf.Array()
        return added

    def widget(on: pikepdf.Dictionary, rect: list[float], **entries) -> pikepdf.Object:
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                Rect=rect,
                F=4,
                P=on,
                **entries,
            )
        )
        on.Annots.append(annot)
        return annot

    def text_field(on, name: str, rect: list[float], **entries) -> None:
        fields.append(
            widget(
                on, rect, FT=pikepdf.Name.Tx, T=pikepdf.String(name), DA="/Helv 0 Tf 0 g", **entries
            )
        )

    def states(on_state: str, rect: list[float]) -> pikepdf.Dictionary:
        w, h = rect[2] - rect[0], rect[3] - rect[1]
        normal = {
            f"/{on_state}": _appearance(pdf, w, h, b"0 g 2 2 %.2f %.2f re f" % (w - 4, h - 4))
        }
        normal["/Off"] = _appearance(pdf, w, h)
        return pikepdf.Dictionary(N=pikepdf.Dictionary(normal))

    one = page(
        _text(50, 701, "Full name:")
        + _text(50, 671, "E-mail")
        + _text(50, 596, "Comments")
        + _text(20, 522, "Sex:")
        + _text(68, 452, "I agree to the terms")
        + _text(50, 485, "Phone " + "_" * 30)
        + _text(252, 409, "Postcode")
    )
    text_field(one, "fullname", [130, 696, 330, 714])
    text_field(one, "email", [130, 666, 330, 684], TU=pikepdf.String("Your e-mail address"))
    text_field(one, "addr_line_2", [130, 630, 330, 648])
    text_field(one, "comments", [50, 560, 330, 590])
    text_field(one, "tel", [86, 482, 266, 496])  # over the printed underscores
    text_field(one, "zip_cd", [250, 390, 400, 420])  # its caption printed inside
    sex = pdf.make_indirect(
        pikepdf.Dictionary(
            FT=pikepdf.Name.Btn,
            Ff=(1 << 15) | (1 << 14),
            T=pikepdf.String("radio_grp"),
            V=pikepdf.Name.Off,
            Opt=[pikepdf.String("1"), pikepdf.String("2")],
            Kids=[],
        )
    )
    for state, rect in (("Female", [50, 518, 62, 530]), ("Male", [120, 518, 132, 530])):
        sex.Kids.append(widget(one, rect, Parent=sex, AS=pikepdf.Name.Off, AP=states(state, rect)))
    fields.append(sex)
    rect = [50, 450, 62, 462]
    fields.append(
        widget(
            one,
            rect,
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("agree"),
            V=pikepdf.Name.Off,
            AS=pikepdf.Name.Off,
            AP=states("Yes", rect),
        )
    )
    # Page 2, shown turned a quarter clockwise: shown x is user y - 36, shown y is
    # user x - 36. Text set along user +y reads left to right there.
    left, top, right, bottom = TOWN_SHOWN
    two = page(_text(0, 0, "Town:", f"0 1 -1 0 {36 + 114} {36 + 80}"), Rotate=90)
    two.CropBox = [36, 36, 576, 756]
    rect = [36 + top, 36 + left, 36 + bottom, 36 + right]
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    appearance = pikepdf.Dictionary(N=_appearance(pdf, w, h, RED % (w, h)))
    text_field(two, "town", rect, AP=appearance)
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=fields,
        DA="/Helv 0 Tf 0 g",
        DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font)),
    )
    data = io.BytesIO()
    pdf.save(data)
    return data.getvalue()
