"""The built executables from tests: building them (build_scripts/build.py, as CI and
people run it), the build scripts' own modules, and the API calls that prove a build
works on a system (they load every native part it carries)."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pikepdf
import pypdfium2 as pdfium
import requests

from helpers.support import REPO, Sheaf

SAMPLE = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"


def build(dist: Path, work: Path, *extra: str, script: str = "build.py") -> Path:
    """Run a build script as people do; the path it printed last (the artifact)."""
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "build_scripts" / script),
            "--dist",
            str(dist),
            "--work",
            str(work),
            *extra,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return Path(result.stdout.strip().splitlines()[-1])


def build_script(name: str) -> ModuleType:
    """A module of the build_scripts package, by its name there."""
    return importlib.import_module(f"build_scripts.{name}")


def _post(sheaf: Sheaf, op: str, pdf: bytes, data: dict[str, str]) -> requests.Response:
    r = requests.post(
        f"{sheaf.base}/api/v1/{op}",
        headers=sheaf.bearer(),
        files=[("file", ("sample.pdf", pdf, "application/pdf"))],
        data=data,
        timeout=180,
    )
    assert r.status_code == 200, f"{op}: {r.status_code} {r.text[:500]}"
    return r


def exercise(sheaf: Sheaf, samples: Path) -> None:
    """Rotate and compress (qpdf), Chinese page numbers (fontTools and the CJK font),
    redact and PDF to images (pdfium, Pillow): each result checked, not just its status."""
    pdf = (samples / SAMPLE).read_bytes()
    health = requests.get(sheaf.base + "/healthz", timeout=30)
    assert health.status_code == 200 and health.json()["status"] == "ok"

    rotated = _post(sheaf, "rotate", pdf, {"angle": "90", "pages": "2"}).content
    with pikepdf.open(io.BytesIO(rotated)) as doc:
        assert [int(p.obj.get("/Rotate", 0)) for p in doc.pages] == [0, 90, 0, 0]

    compressed = _post(sheaf, "compress", pdf, {"level": "high"}).content
    with pikepdf.open(io.BytesIO(compressed)) as doc:
        assert len(doc.pages) == 4

    numbered = _post(sheaf, "page-numbers", pdf, {"format": "第 {n} 页"}).content
    text = pdfium.PdfDocument(numbered)[2].get_textpage().get_text_range()
    assert "第 3 页" in text

    redacted = _post(sheaf, "redact", pdf, {"text": "information"})
    report = json.loads(requests.utils.unquote(redacted.headers["X-Sheaf-Report"]))
    assert report["pages"], report
    after = pdfium.PdfDocument(redacted.content)
    assert all("information" not in page.get_textpage().get_text_range() for page in after)

    images = _post(sheaf, "pdf-to-images", pdf, {"pages": "1", "dpi": "50", "format": "png"})
    assert images.content[:8] == b"\x89PNG\r\n\x1a\n"
