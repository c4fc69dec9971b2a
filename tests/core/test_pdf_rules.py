"""Pure rules of the PDF layer and the API, without a server process: fast to run.

Page labels, download names, the budget's bounded decoders, error mapping
through ``app.test_client()``, and tool pages that show what the API declares.
"""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pikepdf
import pytest

from app import create_app
from app.api.declare import find
from app.api.names import clean_file_name, download_name, header_value
from app.pdf.core import budget
from app.pdf.core.inplace import read_labels, rearrange, write_labels
from app.settings import Settings
from app.views.tools import TOOLS


@pytest.fixture
def client(tmp_path: Path):
    app = create_app(Settings(mode="server", temp_root=tmp_path))
    return app.test_client()


def _doc(pages: int) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    return pdf


@pytest.mark.parametrize(
    ("typed", "pages"),
    [
        ("1，2", [0, 1]),
        ("１、３－４", [0, 2, 3]),
        ("2～最后", [1, 2, 3, 4]),
        ("末页", [4]),
        ("1至2,最后一页", [0, 1, 4]),
        ("1-3,5", [0, 1, 2, 4]),
    ],
)
def test_page_ranges_as_people_type_them_in_chinese(typed, pages):
    from app.pdf.core.ranges import parse

    assert parse(typed, 5) == pages


def test_labels_follow_their_pages_when_pages_move():
    pdf = _doc(6)
    nums = [0, pikepdf.Dictionary(S=pikepdf.Name.r), 2, pikepdf.Dictionary(S=pikepdf.Name.D)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
    assert read_labels(pdf, 6) == [("/r", "", 1), ("/r", "", 2)] + [
        ("/D", "", n) for n in range(1, 5)
    ]
    rearrange(pdf, [5, 0, 4])
    assert read_labels(pdf, 3) == [("/D", "", 4), ("/r", "", 1), ("/D", "", 3)]


def test_labels_are_written_as_the_fewest_ranges():
    pdf = _doc(4)
    write_labels(pdf, [("/D", "", 3), ("/D", "", 4), ("/R", "A-", 1), ("/R", "A-", 2)])
    nums = list(pdf.Root.PageLabels.Nums)
    assert [int(n) for n in nums[::2]] == [0, 2]
    assert int(nums[1].St) == 3 and str(nums[3].P) == "A-"


def test_outline_items_to_removed_pages_go_and_parents_with_kept_children_stay():
    pdf = _doc(3)
    with pdf.open_outline() as outline:
        parent = pikepdf.OutlineItem("Chapter", 0)
        parent.children.extend([pikepdf.OutlineItem("Gone", 0), pikepdf.OutlineItem("Kept", 2)])
        outline.root.extend([parent, pikepdf.OutlineItem("Also gone", 1)])
    rearrange(pdf, [2])
    with pdf.open_outline() as outline:
        assert [i.title for i in outline.root] == ["Chapter"]
        assert [c.title for c in outline.root[0].children] == ["Kept"]
        assert outline.root[0].destination is None


@pytest.mark.parametrize(
    ("raw", "suffix", "expected"),
    [
        ("报告.pdf", ".pdf", "报告.pdf"),
        ("invoice\u202efdp.exe", ".pdf", "invoicefdp.pdf"),
        ("a\x00b.pdf", ".pdf", "ab.pdf"),
        ("../../etc/passwd", ".pdf", "passwd.pdf"),
        ("photo.jpg.exe", ".zip", "photo.jpg.zip"),
        ("", ".pdf", "document.pdf"),
    ],
)
def test_download_names(raw, suffix, expected):
    assert download_name(raw, suffix) == expected


def test_names_are_cut_at_200_bytes_not_characters():
    name = clean_file_name("😀" * 200 + ".pdf")
    assert len(name.encode()) <= 200 and name.endswith(".pdf")
    assert header_value(["报告.pdf"]).isascii()


def test_bounded_inflate_stops_at_the_limit():
    pdf = pikepdf.new()
    bomb = pikepdf.Stream(pdf, zlib.compress(b"\0" * (8 << 20)))
    bomb.Filter = pikepdf.Name.FlateDecode
    with pytest.raises(budget._Over):
        budget.decoded_size(bomb, 1 << 20)
    assert budget.decoded_size(bomb, 16 << 20) == 8 << 20


def test_lzw_decoder_matches_qpdf():
    pdf = pikepdf.open(
        Path(__file__).resolve().parents[2].parent
        / "shared/pdf-samples/007-imagemagick-images/imagemagick-lzw.pdf"
    )
    streams = [
        o
        for o in pdf.objects
        if isinstance(o, pikepdf.Stream) and "/LZWDecode" in str(o.get("/Filter"))
    ]
    assert streams
    for s in streams:
        assert budget.decoded_size(s, 1 << 30) == len(s.read_bytes())


def test_unexpected_errors_are_500_with_an_incident_id(client, monkeypatch):
    from app.pdf import pages

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pages, "rotate", broken)  # a bug inside the operation, not the rule
    r = client.post(
        "/api/v1/rotate",
        data={"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 500
    body = r.get_json()
    assert body["error"] == "internal_error"
    assert re.search(r"incident [0-9a-f]{8}", body["message"])
    assert "damaged" not in body["message"]


def test_tool_pages_show_what_the_operations_declare(client):
    """Read from the rendered page, not from the catalog: every field the page shows is
    a declared field of its operation, and a list offers exactly the declared values."""
    for tool in TOOLS:
        operation = find(tool.operation)
        response = client.get(f"/tools/{tool.slug}")
        assert response.status_code == 200, tool.slug
        page = response.get_data(as_text=True)
        for shown in tool.shown(None):  # every group
            declared = operation.field(shown.name)  # a field the operation does not have: error
            assert f'name="{shown.name}"' in page, (tool.slug, shown.name)
            select = re.search(
                rf'<select id="opt-{shown.name}" name="{shown.name}">(.*?)</select>', page, re.S
            )
            if declared.enum and select:
                offered = re.findall(r'<option value="([^"]*)"', select.group(1))
                assert offered == list(declared.enum), (tool.slug, shown.name)
    split = client.get("/tools/split").get_data(as_text=True)
    assert re.search(r'name="every" type="number" value="2"[^>]*min="1"', split)
    images = client.get("/tools/pdf-to-images").get_data(as_text=True)
    assert re.search(r'name="dpi" type="number" value="150"[^>]*min="36"[^>]*max="600"', images)


def test_split_groups_accept_full_width_commas():
    from app.pdf.pages import groups_for

    assert groups_for(4, "1-2，3－4", 1) == [[0, 1], [2, 3]]


def test_every_tool_is_in_exactly_one_home_page_section(client):
    from app.views.catalog import GROUPS, TOOLS

    placed = [slug for _, slugs in GROUPS for slug in slugs]
    assert sorted(placed) == sorted(tool.slug for tool in TOOLS)
    body = client.get("/").get_data(as_text=True)
    assert body.count('class="tool-grid"') == len(GROUPS)


def test_the_images_chooser_offers_every_image_type_the_api_takes(client):
    from app.api.declare import IMAGES

    body = client.get("/tools/images-to-pdf").get_data(as_text=True)
    accept = body.split('id="file-input"', 1)[1].split('accept="', 1)[1].split('"', 1)[0]
    assert set(IMAGES) <= set(accept.split(",")) and ".gif" in accept.split(",")
