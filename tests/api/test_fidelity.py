"""Nothing the person gave is lost: every operation, every shared sample it can take.

For each (operation, sample) the result is compared with the input property by
property: document info, XMP, page labels (read by pypdf, an independent
implementation, and remapped to the pages kept), outlines, named destinations,
form fields, attachments, language, mark info, output intents, viewer
preferences, page mode, the structure tree and annotations. Operations that
remove pages must also leave no removed page in the file. New tools join
:data:`OPERATIONS` below.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

import pikepdf
import pypdf
import pytest
from helpers.pdfcheck import open_result

LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
UNREADABLE = "017-unreadable-meta-data/unreadablemetadata.pdf"
DOC_KEYS = ("/Lang", "/MarkInfo", "/OutputIntents", "/ViewerPreferences", "/PageMode")


def _samples(samples_root) -> list[tuple[str, int]]:
    data = json.loads((samples_root / "files.json").read_text())["data"]
    return [
        (d["path"], d["pages"])
        for d in data
        if d["path"] not in (LOCKED, UNREADABLE) and (samples_root / d["path"]).exists()
    ]


@dataclass
class Case:
    """An operation, its options for a document of n pages, and which input pages
    (0-based, in order) the result holds; None: not applicable to such a document."""

    op: str
    options: object
    pages: object
    changes_info: bool = False
    keeps_xmp: bool = True
    extra: dict = field(default_factory=dict)
    draws_annotations: bool = False
    #: The first page becomes a picture (redaction): its fields and comments go with it.
    redacts_first_page: bool = False


OPERATIONS = [
    Case("rotate", lambda n: {"angle": "90"}, lambda n: list(range(n))),
    Case("remove", lambda n: {"pages": "1"}, lambda n: list(range(1, n)) if n > 1 else None),
    Case("select", lambda n: {"pages": "last,1"}, lambda n: [n - 1, 0]),
    Case(
        "organize",
        lambda n: {"order": ",".join(str(i) for i in range(n, 0, -1))},
        lambda n: list(range(n - 1, -1, -1)),
    ),
    # Every compress level (and the default, sent without one) keeps what it did not mean to change.
    Case("compress", lambda n: {"level": "lossless"}, lambda n: list(range(n))),
    Case("compress", lambda n: {"level": "print"}, lambda n: list(range(n))),
    Case("compress", lambda n: {}, lambda n: list(range(n))),
    Case("compress", lambda n: {"level": "small"}, lambda n: list(range(n))),
    Case("metadata/edit", lambda n: {"title": "Fidelity"}, lambda n: list(range(n)), True, True),
    Case("crop", lambda n: {"left": "0.05", "top": "0.05"}, lambda n: list(range(n))),
    Case("crop", lambda n: {"mode": "auto", "pages": "1"}, lambda n: list(range(n))),
    # Flatten means to turn annotations and fields into page content; the rest stays.
    Case("flatten", lambda n: {}, lambda n: list(range(n)), draws_annotations=True),
    Case("repair", lambda n: {}, lambda n: list(range(n))),
    Case("page-numbers", lambda n: {"format": "{n} / {total}"}, lambda n: list(range(n))),
    Case("watermark", lambda n: {"text": "Fidelity 保真"}, lambda n: list(range(n))),
    Case("watermark", lambda n: {"text": "Under", "layer": "under"}, lambda n: list(range(n))),
    Case("sign", lambda n: {"text": "Ada Lovelace"}, lambda n: list(range(n))),
    Case("forms/fill", lambda n: {"values": "{}"}, lambda n: list(range(n))),
    Case(
        "redact",
        lambda n: {"areas": '[{"page": 1, "x": 0.1, "y": 0.1, "width": 0.2, "height": 0.1}]'},
        lambda n: list(range(n)),
        redacts_first_page=True,
    ),
]


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _info(pdf: pikepdf.Pdf) -> dict[str, str]:
    # 023's trailer points /Info at its page tree; only text entries are information.
    return {str(k): _text(v) for k, v in pdf.docinfo.items() if isinstance(v, pikepdf.String)}


def _xmp(pdf: pikepdf.Pdf) -> bytes | None:
    meta = pdf.Root.get("/Metadata")
    return meta.read_bytes() if isinstance(meta, pikepdf.Stream) else None


def _labels(data: bytes) -> list[str] | None:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if "/PageLabels" not in reader.trailer["/Root"]:
        return None
    return list(reader.page_labels)


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles: list[str] = []
    with pdf.open_outline() as outline:
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(reversed(item.children))
    return titles


def _fields(pdf: pikepdf.Pdf) -> list[str]:
    if "/AcroForm" not in pdf.Root:
        return []
    return sorted({f.fully_qualified_name for f in pdf.acroform.fields})


def _dests(pdf: pikepdf.Pdf) -> int:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return 0
    return len(list(pikepdf.NameTree(names.Dests).keys()))


def _page_objects(pdf: pikepdf.Pdf) -> int:
    return sum(
        1 for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page"
    )


def _annots(page: pikepdf.Page) -> list[str]:
    return sorted(str(a.get("/Subtype")) for a in page.obj.get("/Annots", []))


def _compare(case: Case, before_data: bytes, after_data: bytes, kept: list[int]) -> None:
    before = pikepdf.open(io.BytesIO(before_data))
    after = pikepdf.open(io.BytesIO(after_data))
    all_kept = sorted(set(kept)) == list(range(len(before.pages)))
    assert len(after.pages) == len(kept)
    if case.changes_info:
        changed = {k: v for k, v in _info(after).items() if k not in ("/Title", "/ModDate")}
        assert changed == {
            k: v for k, v in _info(before).items() if k not in ("/Title", "/ModDate")
        }
    else:
        assert _info(after) == _info(before)
    if not case.changes_info:
        assert _xmp(after) == _xmp(before)
    else:
        assert (_xmp(after) is None) == (_xmp(before) is None)
    for key in DOC_KEYS:
        assert repr(after.Root.get(key)) == repr(before.Root.get(key)) or (
            key == "/OutputIntents" and (key in after.Root) == (key in before.Root)
        ), key
    assert sorted(after.attachments.keys()) == sorted(before.attachments.keys())
    labels_before = _labels(before_data)
    if labels_before is not None:
        assert _labels(after_data) == [labels_before[i] for i in kept]
    if all_kept:
        assert _outline_titles(after) == _outline_titles(before)
        if case.draws_annotations:
            assert not _fields(after)
            return
        if case.redacts_first_page:
            assert set(_fields(after)) <= set(_fields(before))
            assert [_annots(p) for p in after.pages[1:]] == [_annots(p) for p in before.pages[1:]]
            assert set(_annots(after.pages[0])) <= {"/Link"}
            return
        assert _fields(after) == _fields(before)
        assert _dests(after) == _dests(before)
        assert ("/StructTreeRoot" in after.Root) == ("/StructTreeRoot" in before.Root)
        # A page shown twice keeps its form widgets on its first showing only.
        first = [kept.index(i) == n for n, i in enumerate(kept)]
        assert [_annots(after.pages[n]) for n in range(len(kept)) if first[n]] == [
            _annots(before.pages[i]) for n, i in enumerate(kept) if first[n]
        ]
    else:
        assert set(_outline_titles(after)) <= set(_outline_titles(before))
        assert set(_fields(after)) <= set(_fields(before))
        # No removed page stays in the file through a leftover reference.
        assert _page_objects(after) == len(after.pages)


def pytest_generate_tests(metafunc):
    if "fidelity_case" in metafunc.fixturenames:
        from helpers.support import samples_dir

        params = [
            pytest.param(case, path, pages, id=f"{case.op}-{n}-{path.split('/')[0]}")
            for n, case in enumerate(OPERATIONS)
            for path, pages in _samples(samples_dir())
            if case.pages(pages) is not None
        ]
        metafunc.parametrize(("fidelity_case", "sample", "page_count"), params)


def test_operation_keeps_what_it_does_not_change(
    api, pdf_file, samples, fidelity_case, sample, page_count
):
    case: Case = fidelity_case
    r = api(case.op, [pdf_file(sample)], case.options(page_count))
    assert r.status_code == 200, r.text[:300]
    _compare(case, (samples / sample).read_bytes(), r.content, case.pages(page_count))


@pytest.mark.parametrize("path", ["009-pdflatex-geotopo/GeoTopo-komprimiert.pdf"])
def test_split_parts_carry_the_document_info(api, pdf_file, samples, path):
    r = api("split", [pdf_file(path)], {"mode": "every", "every": "40"})
    before = pikepdf.open(samples / path)
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        names = z.namelist()
        assert len(names) == 3
        for name in names:
            part = pikepdf.open(io.BytesIO(z.read(name)))
            assert _info(part) == _info(before)
            assert _page_objects(part) == len(part.pages)


def test_split_survives_an_info_entry_that_points_at_the_page_tree(api, pdf_file, samples):
    """023's trailer names its page tree as /Info: parts get the text entries only."""
    path = "023-cmyk-image/cmyk-image.pdf"
    r = api("split", [pdf_file(path)], {"mode": "single"})
    part = open_result(r)
    assert len(part.pages) == 1 and _page_objects(part) == 1
    assert _info(part) == _info(pikepdf.open(samples / path))


def test_merge_keeps_first_info_and_everyones_bookmarks_and_fields(api, pdf_file, samples):
    first, forms = (
        "006-pdflatex-outline/pdflatex-outline.pdf",
        "010-pdflatex-forms/pdflatex-forms.pdf",
    )
    r = api(
        "merge",
        [
            pdf_file(first, field="files"),
            pdf_file(forms, field="files"),
            pdf_file(forms, field="files"),
        ],
    )
    merged = open_result(r)
    a, b = pikepdf.open(samples / first), pikepdf.open(samples / forms)
    assert _info(merged) == _info(a)
    titles = _outline_titles(merged)
    assert titles[0] == "pdflatex-outline" and titles[1:4] == _outline_titles(a)[:3]
    assert titles.count("pdflatex-forms") == 2
    # Every input's fields, the second copy's renamed rather than lost.
    assert len(_fields(merged)) == 2 * len(_fields(b)) > 0


@pytest.mark.parametrize(
    "op,options",
    [(c.op, c.options(1)) for c in OPERATIONS]
    + [("metadata/strip", {}), ("split", {"mode": "single"}), ("merge", {})],
)
def test_protected_input_comes_back_protected(api, pdf_file, samples, op, options):
    field_name = "files" if op == "merge" else "file"
    data = {**options, ("passwords" if op == "merge" else "password"): "openpassword"}
    if op == "remove":
        data["pages"] = "1-"  # one page: removing it is refused; check that, then skip
        r = api(op, [pdf_file(LOCKED, field=field_name)], data)
        assert r.status_code == 400
        return
    r = api(op, [pdf_file(LOCKED, field=field_name)], data)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["X-Sheaf-Protected"] == "kept"
    body = r.content
    if op == "split":
        assert r.headers["Content-Type"] == "application/pdf"  # one page: one file
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(io.BytesIO(body))
    result = pikepdf.open(io.BytesIO(body), password="openpassword")
    original = pikepdf.open(samples / LOCKED, password="openpassword")
    if op == "compress" and body == (samples / LOCKED).read_bytes():
        return  # nothing got smaller: the input itself, protected as it was
    assert result.encryption.R == 6  # AES-256
    assert result.allow == original.allow
