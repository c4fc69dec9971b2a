"""The API's progress form as a page script uses it: ``fetch`` reads the lines as they
come, and ``AbortController.abort()`` cancels the work on the server. Real Chromium
against a real server (its own ``TMPDIR``, so its request folders can be watched)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.hostile_inputs import blank_pages
from helpers.support import Sheaf, wait_until

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"

FOLLOW = """
async ({data, op, fields, stopAfter}) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const form = new FormData();
  form.append("file", new Blob([bytes], {type: "application/pdf"}), "doc.pdf");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const stop = new AbortController();
  const resp = await fetch("/api/v1/" + op, {
    method: "POST", body: form, signal: stop.signal,
    headers: {"Accept": "application/x-sheaf-progress", "X-CSRF-Token": token},
  });
  const reader = resp.body.getReader();
  let got = new Uint8Array(0);
  const lines = [];
  let result = null;
  for (;;) {
    const end = got.indexOf(10);
    if (end >= 0 && result === null) {
      const line = JSON.parse(new TextDecoder().decode(got.slice(0, end)));
      got = got.slice(end + 1);
      lines.push(line);
      if (line.result) result = line.result;
      if (line.error || (stopAfter && lines.length >= stopAfter)) break;
      continue;
    }
    if (result !== null && got.length >= result.size) break;
    const {value, done} = await reader.read();
    if (done) break;
    const joined = new Uint8Array(got.length + value.length);
    joined.set(got);
    joined.set(value, got.length);
    got = joined;
  }
  if (stopAfter) stop.abort();
  const head = Array.from(got.slice(0, 5), c => String.fromCharCode(c)).join("");
  return {status: resp.status, type: resp.headers.get("Content-Type"), lines, size: got.length,
          head};
}
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Sheaf]:
    sheaf = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={"TMPDIR": str(tmp_path)},
    )
    sheaf.temp = tmp_path  # type: ignore[attr-defined]
    yield sheaf
    sheaf.stop()


@pytest.fixture
def page(chromium, server):
    context = chromium.new_context(locale="en-US")
    page = context.new_page()
    page.goto(server.base + "/")
    yield page
    context.close()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_page_reads_the_lines_and_the_result(page, samples):
    data = (samples / FOUR).read_bytes()
    got = page.evaluate(
        FOLLOW, {"data": _b64(data), "op": "rotate", "fields": {"angle": "90"}, "stopAfter": 0}
    )
    assert got["status"] == 200
    assert got["type"] == "application/x-sheaf-progress"
    progress = [line["progress"] for line in got["lines"] if "progress" in line]
    assert progress[-1] == {"done": 4, "total": 4}
    result = got["lines"][-1]["result"]
    assert result["type"] == "application/pdf"
    assert got["size"] == result["size"]
    assert got["head"] == "%PDF-"


def test_abort_in_the_page_stops_the_work_and_removes_its_files(page, server):
    data = blank_pages(400, (612, 792))
    got = page.evaluate(
        FOLLOW,
        {"data": _b64(data), "op": "pdf-to-images", "fields": {"dpi": "300"}, "stopAfter": 3},
    )
    assert got["status"] == 200
    assert all("progress" in line for line in got["lines"])
    wait_until(
        lambda: "pdf-to-images stopped early: the client went away" in server.output(),
        15,
        "the work to stop",
    )
    wait_until(lambda: not list(server.temp.glob("sheaf-scratch-*/req-*")), 10, "cleanup")
