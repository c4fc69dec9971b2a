"""Redaction through the real API, checked by extracting text, not by looking.

The attacker's tour of every hiding place is in ``test_redaction_places.py``, the
rules for reading text and names in ``test_redaction_rules.py``; here: what
redaction keeps, what it reports, hidden information, the matches listing, and
how it answers bad requests and a client that leaves.
"""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pikepdf
import pypdfium2 as pdfium
import requests
from helpers.pdfcheck import add_note, error_of, open_result, qpdf_ok, texts
from helpers.redaction_docs import BLUE, GREEN, RED, Doc, colour_pixels, rgb
from helpers.redaction_places import PLACES, build

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"
LINK = "016-libre-office-link/libre-office-link.pdf"
PROTECTED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
LIBRE_FORM = "012-libreoffice-form/libreoffice-form.pdf"


def _report(r) -> dict:
    return json.loads(unquote(r.headers["X-Sheaf-Report"]))


def _post(api, data: bytes, form: dict, op: str = "redact"):
    return api(op, [("file", ("doc.pdf", data, "application/pdf"))], form)


def _place(name: str, secret: str = "ZEBRA42") -> bytes:
    return build(next(p for p in PLACES if p.name == name), secret)


def test_redacted_text_cannot_be_extracted_and_other_pages_keep_theirs(
    api, pdf_file, samples, tmp_path
):
    before = texts((samples / OUTLINE).read_bytes())
    hit = [i for i, t in enumerate(before) if "contents" in t.lower()]
    assert len(hit) == 1
    r = api("redact", [pdf_file(OUTLINE)], {"text": "CONTENTS"})
    out = open_result(r)
    qpdf_ok(r.content, tmp_path)
    after = texts(r.content)
    assert all("contents" not in t.lower() for t in after)
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        assert (new == old) if i not in hit else (new.strip() == "")
    report = _report(r)
    assert report["pages"] == [hit[0] + 1] and report["found"] >= 1 and "text" in report["where"]
    # The redacted page is one image: no fonts, no text operators left in the file's page.
    page = out.pages[hit[0]]
    assert "/Font" not in page.obj.Resources
    assert (
        b"Tj" not in page.obj.Contents.read_bytes() and b"TJ" not in page.obj.Contents.read_bytes()
    )
    with pikepdf.open(samples / OUTLINE) as original:
        assert len(out.open_outline().root) == len(original.open_outline().root)
    raw = r.content.lower()
    assert b"contents" not in raw or b"/contents" in raw  # only the PDF key name /Contents


def test_areas_are_blacked_out_on_their_page_only(api, pdf_file, samples):
    area = {"page": 2, "x": 0.1, "y": 0.1, "width": 0.8, "height": 0.2}
    r = api("redact", [pdf_file(FOUR)], {"areas": json.dumps([area]), "dpi": "100"})
    before, after = texts((samples / FOUR).read_bytes()), texts(r.content)
    assert after[1].strip() == "" and [after[i] for i in (0, 2, 3)] == [
        before[i] for i in (0, 2, 3)
    ]
    image = pdfium.PdfDocument(io.BytesIO(r.content))[1].render(scale=1).to_pil().convert("L")
    w, h = image.size
    assert image.crop(
        (int(0.12 * w), int(0.12 * h), int(0.88 * w), int(0.28 * h))
    ).getextrema() == (0, 0)
    assert image.crop((0, int(0.5 * h), w, h)).getextrema()[1] == 255  # the rest is the page
    assert _report(r)["pages"] == [2]
    assert _report(r)["hidden"] is False  # areas alone keep hidden information


def _falcon_form(samples) -> bytes:
    with pikepdf.open(samples / LIBRE_FORM) as pdf:
        pdf.docinfo["/Title"] = "Project Falcon plan"
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = "Project Falcon plan"
        add_note(pdf, "ask about falcon")
        field = next(f for f in pdf.acroform.fields if f.fully_qualified_name == "Birthday")
        field.set_value(pikepdf.String("FALCON"), True)
        data = io.BytesIO()
        pdf.save(data)
    return data.getvalue()


def test_text_is_removed_from_details_comments_and_form_values(api, samples):
    r = _post(api, _falcon_form(samples), {"text": "falcon", "remove_hidden": "false"})
    out = open_result(r)
    assert "falcon" not in str(out.docinfo.get("/Title")).lower()
    assert "Project" in str(out.docinfo.get("/Title"))  # the rest of the title stays
    assert b"falcon" not in out.Root.Metadata.read_bytes().lower()
    for obj in out.objects:
        if isinstance(obj, pikepdf.Dictionary):
            for value in obj.values():
                if isinstance(value, pikepdf.String):
                    assert "falcon" not in str(value).lower()
    assert _report(r)["pages"] == [1]  # the field's page became an image
    assert "/AcroForm" not in out.Root or all(
        f.get("/T") != "Birthday" for f in out.Root.AcroForm.Fields
    )


def test_links_outside_redacted_areas_stay(api, pdf_file, samples):
    with pikepdf.open(samples / LINK) as original:
        links = [a for a in original.pages[0].Annots if a.Subtype == "/Link"]
        assert links
    area = {"page": 1, "x": 0.0, "y": 0.9, "width": 0.2, "height": 0.09}
    r = api("redact", [pdf_file(LINK)], {"areas": json.dumps([area])})
    out = open_result(r)
    assert [a.Subtype for a in out.pages[0].Annots] == ["/Link"] * len(links)


def test_redact_keeps_the_password(api, pdf_file):
    r = api(
        "redact",
        [pdf_file(PROTECTED)],
        {
            "password": "openpassword",
            "areas": json.dumps([{"page": 1, "x": 0, "y": 0, "width": 1, "height": 0.5}]),
        },
    )
    assert r.headers["X-Sheaf-Protected"] == "kept"
    assert open_result(r, password="openpassword").is_encrypted


def test_redact_says_when_there_is_nothing_to_remove_or_the_areas_are_wrong(api, pdf_file):
    r = api("redact", [pdf_file(FOUR)], {"text": "zebra-unicorn"}, lang="zh-CN")
    assert "zebra-unicorn" in error_of(r, 422, "nothing_to_redact")
    r = api(
        "redact",
        [pdf_file(FOUR)],
        {"areas": '[{"page": 1, "x": 0.9, "y": 0, "width": 0.5, "height": 0.1}]'},
    )
    error_of(r, 400, "bad_option")
    assert r.json()["field"] == "areas"
    r = api(
        "redact",
        [pdf_file(FOUR)],
        {"areas": '[{"page": 9, "x": 0, "y": 0, "width": 0.5, "height": 0.1}]'},
    )
    error_of(r, 400, "page_out_of_range")
    error_of(api("redact", [pdf_file(FOUR)], {}), 400, "bad_option")
    error_of(api("redact", [pdf_file(FOUR)], {"text": "  "}), 400, "bad_option")


def test_the_report_says_where_the_text_was_and_what_was_removed(api):
    r = _post(api, _place("attachment_contents"), {"text": "zebra42", "remove_hidden": "false"})
    report = _report(r)
    assert {"kind": "attachment", "name": "notes.txt"} in report["removed"]
    assert {"text", "attachments"} <= set(report["where"]) and report["hidden"] is False
    assert "notes.txt" not in open_result(r).attachments
    r = _post(api, _place("title_and_bookmarks_only"), {"text": "zebra42"})
    report = _report(r)
    assert report["pages"] == [] and {"info", "bookmarks"} <= set(report["where"])


def test_text_only_outside_the_pages_changes_no_page(api):
    data = _place("title_and_bookmarks_only")
    r = _post(api, data, {"text": "ZEBRA42", "remove_hidden": "false"})
    assert texts(r.content) == texts(data)
    out = open_result(r)
    title = str(out.docinfo["/Title"])
    assert "ZEBRA42" not in title and title.startswith("About ")


def _hidden_information() -> bytes:
    """The secret on page 1, and harmless hidden information of every kind."""
    doc = Doc.new("ZEBRA42")
    doc.write(0, "ZEBRA42", 40, 120)
    pdf = doc.pdf
    pdf.attachments["plan.txt"] = pikepdf.AttachedFileSpec(pdf, b"plan", filename="plan.txt")
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    pdf.Root.OpenAction = script
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=[], XFA=[pikepdf.String("datasets"), pikepdf.Stream(pdf, b"<d/>")]
    )
    doc.page(1).obj.PieceInfo = pikepdf.Dictionary(App=pikepdf.Dictionary(Private=1))
    doc.page(1).obj.Thumb = pikepdf.Stream(
        pdf,
        b"\xff" * 12,
        Width=2,
        Height=2,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Subtype=pikepdf.Name.Image,
    )
    pdf.docinfo["/Author"] = "Ada"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Ada"]
    layer = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Draft"))
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[layer], D=pikepdf.Dictionary(OFF=[layer]))
    doc.resources(1).Properties = pikepdf.Dictionary(L0=layer)
    doc.font(1)
    doc.add(1, f"/OC /L0 BDC BT {rgb(GREEN)} rg 40 60 Td /Helv 20 Tf (LAYERWORD) Tj ET EMC")
    return doc.save()


def test_hidden_information_goes_with_text_redaction_unless_asked_to_stay(api):
    data = _hidden_information()
    r = _post(api, data, {"text": "ZEBRA42"})
    out = open_result(r)
    report = _report(r)
    assert report["hidden"] is True
    kinds = {item["kind"] for item in report["removed"]}
    assert {"attachment", "javascript", "xfa", "private_data", "thumbnail", "metadata"} <= kinds
    assert "hidden_layers" in kinds
    assert not out.attachments and "/OpenAction" not in out.Root
    assert "/XFA" not in out.Root.AcroForm and "/Metadata" not in out.Root
    assert "/Info" not in out.trailer
    assert "/PieceInfo" not in out.pages[1].obj and "/Thumb" not in out.pages[1].obj
    assert "LAYERWORD" not in texts(r.content)[1] and "OTHER" in texts(r.content)[1]
    kept = open_result(_post(api, data, {"text": "ZEBRA42", "remove_hidden": "false"}))
    assert list(kept.attachments) == ["plan.txt"] and "/OpenAction" in kept.Root
    assert "/XFA" in kept.Root.AcroForm and str(kept.docinfo["/Author"]) == "Ada"
    assert "LAYERWORD" in texts(_saved(kept))[1]
    area = json.dumps([{"page": 1, "x": 0, "y": 0, "width": 0.5, "height": 0.5}])
    by_area = open_result(_post(api, data, {"areas": area}))
    assert list(by_area.attachments) == ["plan.txt"] and "/Metadata" in by_area.Root


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_matches_lists_where_the_text_shows_without_changing_anything(api):
    data = _place("typewriter_beside_page_text")
    r = _post(api, data, {"text": "zebra 42"}, op="redact/matches")
    assert r.status_code == 200, r.text[:300]
    found = r.json()
    assert found["found"] == 2 and [p["page"] for p in found["pages"]] == [1]
    boxes = found["pages"][0]["boxes"]
    # The boxes cover every red pixel: fed back as areas, they remove the secret.
    areas = [{"page": 1, **b} for b in boxes]
    for area in areas:
        assert 0 <= area["x"] < 1 and 0 < area["width"] <= 1 and area["y"] + area["height"] <= 1
    red = _post(api, data, {"areas": json.dumps(areas)})
    assert colour_pixels(red.content, RED) == [0, 0]
    assert colour_pixels(red.content, BLUE)[0] > 0
    error_of(_post(api, data, {}, op="redact/matches"), 400, "missing_field")


def _boxes(page: dict, match: int | None = None) -> list[dict]:
    """A page's match boxes as areas (``match``: only that occurrence's)."""
    return [
        {"page": page["page"], **{k: b[k] for k in ("x", "y", "width", "height")}}
        for b in page["boxes"]
        if match is None or b["match"] == match
    ]


def _inside(point: tuple[float, float], areas: list[dict], slack: float = 0.01) -> bool:
    x, y = point
    return any(
        a["x"] - slack <= x <= a["x"] + a["width"] + slack
        and a["y"] - slack <= y <= a["y"] + a["height"] + slack
        for a in areas
    )


def _red_points(data: bytes, index: int) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(io.BytesIO(data))
    try:
        image = doc[index].render(scale=2).to_pil().convert("RGB")
    finally:
        doc.close()
    (w, h), px = image.size, image.load()
    return [
        (x / w, y / h)
        for y in range(h)
        for x in range(w)
        if px[x, y][0] > 200 and px[x, y][1] < 80 and px[x, y][2] < 80
    ]


def test_matches_number_each_occurrence_so_one_can_be_kept(api):
    doc = Doc.new("ZEBRA42")
    doc.add(0, "q BT 1 0 0 rg 300 200 Td /Helv 24 Tf (ZEBRA) Tj 0 -30 Td (42) Tj ET Q")
    doc.font(0)
    doc.write(0, "ZEBRA42", 40, 80)
    doc.write(1, "ZEBRA42", 40, 120)
    data = doc.save()
    found = _post(api, data, {"text": "zebra42"}, op="redact/matches").json()
    first, second = found["pages"]
    assert found["found"] == 3 and (first["found"], second["found"]) == (2, 1)
    assert [b["match"] for b in first["boxes"]] == [0, 0, 1]  # the first wraps: two boxes
    assert [b["match"] for b in second["boxes"]] == [0]

    # Keep the wrapped one: the other two places go, without the text, and it stays whole.
    areas = _boxes(first, 1) + _boxes(second)
    r = _post(api, data, {"areas": json.dumps(areas), "remove_hidden": "false"})
    assert _report(r)["pages"] == [1, 2]
    red = _red_points(r.content, 0)
    kept = _boxes(first, 0)
    assert red and all(_inside(p, kept) for p in red)
    assert len(red) > 0.9 * len([p for p in _red_points(data, 0) if _inside(p, kept)])
    assert not _red_points(r.content, 1)

    # Keep page 2's: that page is not touched, its word still text to search and copy.
    r = _post(api, data, {"areas": json.dumps(_boxes(first))})
    assert _report(r)["pages"] == [1]
    after = texts(r.content)
    assert "zebra" not in after[0].lower() and "ZEBRA42" in after[1]
    assert not _red_points(r.content, 0)


def test_the_openapi_document_describes_matches_and_the_hidden_option(api, desktop_shared):
    spec = requests.get(
        f"{desktop_shared.base}/api/v1/openapi.json", headers=desktop_shared.bearer(), timeout=30
    ).json()
    matches = spec["paths"]["/api/v1/redact/matches"]["post"]
    body = matches["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file", "text"] and "boxes" in matches["summary"]
    assert "match numbers the occurrences" in matches["summary"]
    assert "application/json" in matches["responses"]["200"]["content"]
    redact = spec["paths"]["/api/v1/redact"]["post"]["requestBody"]["content"]
    option = redact["multipart/form-data"]["schema"]["properties"]["remove_hidden"]
    assert option["type"] == "boolean" and "attachments" in option["description"]


def test_redaction_stops_between_pages_when_the_client_goes_away(tmp_path):
    import socket

    from helpers.support import Sheaf, wait_until

    temp = tmp_path / "tmp"
    temp.mkdir()
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"], data_dir=None, env={"TMPDIR": str(temp)}
    )
    try:
        doc = Doc.new("ZEBRA42")
        doc.write(0, "ZEBRA42", 40, 120)
        for _ in range(9):
            doc.pdf.pages.extend(doc.pdf.pages)  # 1,024 pages that all show it
        data = doc.save()
        head = (
            b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nZEBRA42\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="long.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n"
        )
        body = head + data + b"\r\n--b--\r\n"
        request = (
            f"POST /api/v1/redact HTTP/1.1\r\nHost: 127.0.0.1:{sheaf.port}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", sheaf.port)) as conn:
            conn.sendall(request + body)
            wait_until(lambda: list(temp.glob("sheaf-scratch-*/req-*/out/view.pdf")), 60, "pages")
        wait_until(
            lambda: "redact stopped early: the client went away" in sheaf.output(),
            120,
            "the redaction to stop",
        )
        wait_until(lambda: not list(temp.glob("sheaf-scratch-*/req-*")), 30, "cleanup")
    finally:
        sheaf.stop()
