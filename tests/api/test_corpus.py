"""Every operation over every shared sample, whole, cut short and with flipped bytes:
a clear answer each time (2xx or 4xx), never a 500. In-process (the Flask test client),
so the 2,000-odd requests take about a minute and a half."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
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
    "crop": {"mode": "auto"},
    "flatten": {},
    "repair": {},
}


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
            data={**OPERATIONS[op], "file": (io.BytesIO(data), name)},
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
