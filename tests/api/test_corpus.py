"""Every operation over every shared sample, whole, cut short and with flipped bytes,
and over the damaged kinds that gave 500s on real-world files: a clear answer each
time (2xx or 4xx), never a 500. In-process (the Flask test client), so the 2,000-odd
requests take about a minute and a half. An operation registered in ``app.api`` but
missing here fails the sweep."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.hostile_inputs import damaged_variants

from app import create_app
from app.api.declare import operations
from app.settings import Settings

AREA = '[{"page": 1, "x": 0.1, "y": 0.1, "width": 0.3, "height": 0.1}]'
OPERATIONS = {
    "rotate": {"angle": "90"},
    "remove": {"pages": "1"},
    "select": {"pages": "1"},
    "organize": {"order": "1"},
    "split": {"mode": "single"},
    "compress": {"level": "high"},
    "protect": {"new_password": "x"},
    "unlock": {"password": "x"},
    "metadata": {},
    "metadata/edit": {"title": "T"},
    "metadata/strip": {},
    "pdf-to-images": {"dpi": "50", "pages": "1"},
    "thumbnails": {"width": "60"},
    "preview": {},
    "page-numbers": {"format": "第 {n} 页 / {total}"},
    "watermark": {"text": "机密 DRAFT"},
    "sign": {"text": "Ada"},
    "forms": {},
    "forms/fill": {"values": "{}"},
    "redact": {"areas": AREA, "dpi": "72"},
    "redact/matches": {"text": "the"},
    "crop": {"mode": "auto"},
    "flatten": {},
    "repair": {},
    "images-to-pdf": {},
}
#: Operations swept another way: merge takes the samples two by two.
IN_PAIRS = {"merge"}


def test_the_sweep_covers_every_operation(client):
    registered = {op.name for op in operations()}
    assert registered - set(OPERATIONS) - IN_PAIRS == set(), "add them to OPERATIONS"
    assert set(OPERATIONS) | IN_PAIRS <= registered, "operations that are gone"


def _file_field(op: str) -> str:
    """The upload field the operation declares ("file" or "files")."""
    declared = next(o for o in operations() if o.name == op)
    return next(f.name for f in declared.fields if f.kind in ("file", "files"))


def _variants(samples: Path) -> Iterator[tuple[str, bytes]]:
    shuffle = random.Random(7)  # the same "random" damage on every run
    for path in sorted(samples.rglob("*.pdf")):
        data = path.read_bytes()
        yield path.name, data
        yield f"{path.stem}-cut.pdf", data[: len(data) * 2 // 3]
        flipped = bytearray(data)
        for _ in range(20):
            flipped[shuffle.randrange(len(flipped))] = shuffle.randrange(256)
        yield f"{path.stem}-flipped.pdf", bytes(flipped)
    yield from damaged_variants().items()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(Settings(mode="server", temp_root=tmp_path_factory.mktemp("corpus")))
    return app.test_client()


@pytest.fixture(scope="module")
def variants(samples) -> list[tuple[str, bytes]]:
    return list(_variants(samples))


@pytest.mark.parametrize("op", sorted(OPERATIONS))
def test_no_sample_gets_a_500(client, variants, op):
    failures = []
    for name, data in variants:
        r = client.post(
            f"/api/v1/{op}",
            data={**OPERATIONS[op], _file_field(op): (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        if r.status_code >= 500:
            failures.append((name, r.status_code))
    assert not failures


def test_no_pair_of_samples_gets_a_500_from_merge(client, variants):
    failures = []
    for first, second in zip(variants[::2], variants[1::2], strict=False):
        files = [(io.BytesIO(first[1]), first[0]), (io.BytesIO(second[1]), second[0])]
        r = client.post("/api/v1/merge", data={"files": files}, content_type="multipart/form-data")
        if r.status_code >= 500:
            failures.append((first[0], second[0], r.status_code))
    assert not failures
