"""The progress form of the API (``Accept: application/x-sheaf-progress``): pages done of
total, then the same result the plain API gives, in one response; closing it cancels.

A real server in a subprocess, read with ``requests`` as it streams. The server has
its own ``TMPDIR`` (to watch the request folders) and one worker thread, so a request
served after a cancel shows the thread was given back.
"""

from __future__ import annotations

import io
import json
import signal
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import requests
from helpers.hostile_inputs import blank_pages
from helpers.support import Sheaf, served_by, wait_until

SERVER = ["--server", "--host", "127.0.0.1", "--port", "0"]
MEDIA = "application/x-sheaf-progress"
FOLLOW = {"Accept": MEDIA}
FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sheaf]:
    temp = tmp_path_factory.mktemp("tmp")
    sheaf = Sheaf.start(SERVER, data_dir=None, env={"TMPDIR": str(temp), "SHEAF_THREADS": "1"})
    sheaf.temp = temp  # type: ignore[attr-defined]
    yield sheaf
    sheaf.stop()


def _post(
    sheaf: Sheaf, op: str, name: str, data: bytes, fields: dict | None = None, **kw: Any
) -> requests.Response:
    return requests.post(
        f"{sheaf.base}/api/v1/{op}",
        files=[("file", (name, io.BytesIO(data), "application/pdf"))],
        data=fields or {},
        **{"timeout": 120, **kw},
    )


def _read(resp: requests.Response) -> tuple[list[dict], dict, bytes]:
    """The progress lines, the last line (result or error) and the bytes after it."""
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == MEDIA
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Accel-Buffering"] == "no"
    progress: list[dict] = []
    while True:
        line = resp.raw.readline()
        assert line.endswith(b"\n"), line
        entry = json.loads(line)
        if "progress" not in entry:
            break
        progress.append(entry["progress"])
    body = resp.raw.read()
    if "result" in entry:
        assert len(body) == entry["result"]["size"]
    else:
        assert body == b""  # an error line ends the answer
    return progress, entry, body


def _climbs(progress: list[dict], total: int) -> None:
    done = [p["done"] for p in progress]
    assert done == sorted(done)
    assert {p["total"] for p in progress if p["total"]} == {total}
    assert progress[-1] == {"done": total, "total": total}


def test_pdf_to_images_reports_its_pages_then_the_plain_zip(server):
    data = blank_pages(30, (200, 200))
    fields = {"dpi": "72"}
    progress, last, body = _read(
        _post(server, "pdf-to-images", "long.pdf", data, fields, headers=FOLLOW, stream=True)
    )
    _climbs(progress, 30)
    assert last["result"]["type"] == "application/zip"
    assert last["result"]["name"] == "long-images.zip"
    plain = _post(server, "pdf-to-images", "long.pdf", data, fields)
    assert plain.status_code == 200
    ours, theirs = zipfile.ZipFile(io.BytesIO(body)), zipfile.ZipFile(io.BytesIO(plain.content))
    assert ours.namelist() == theirs.namelist()
    assert len(ours.namelist()) == 30
    assert body == plain.content
    assert last["result"]["headers"]["Content-Disposition"] == plain.headers["Content-Disposition"]


def test_rotate_and_compress_results_open_and_carry_their_headers(server, samples):
    data = (samples / FOUR).read_bytes()
    progress, last, body = _read(
        _post(server, "rotate", "four.pdf", data, {"angle": "90"}, headers=FOLLOW, stream=True)
    )
    _climbs(progress, 4)
    assert last["result"]["type"] == "application/pdf"
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert [int(p.obj.get("/Rotate", 0)) for p in pdf.pages] == [90] * 4

    progress, last, body = _read(
        _post(server, "compress", "four.pdf", data, headers=FOLLOW, stream=True)
    )
    assert progress[-1]["done"] == progress[-1]["total"]
    plain = _post(server, "compress", "four.pdf", data)
    sent = last["result"]["headers"]
    wanted = {k: v for k, v in plain.headers.items() if k.startswith("X-Sheaf-")}
    assert "X-Sheaf-Size-After" in wanted
    assert {k: v for k, v in sent.items() if k.startswith("X-Sheaf-")} == wanted
    assert sent["Content-Disposition"] == plain.headers["Content-Disposition"]
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert len(pdf.pages) == 4


def test_a_refusal_once_work_started_is_the_error_line_in_the_persons_language(server, samples):
    data = (samples / LOCKED).read_bytes()
    zh = {"Accept-Language": "zh-CN"}
    wrong = {"password": "nope"}
    _, last, _ = _read(
        _post(server, "rotate", "locked.pdf", data, wrong, headers={**FOLLOW, **zh}, stream=True)
    )
    plain = _post(server, "rotate", "locked.pdf", data, wrong, headers=zh)
    assert plain.status_code == 422
    said = plain.json()
    assert last["error"] == {
        "status": 422,
        "error": "wrong_password",
        "message": said["message"],
        "field": None,
    }
    assert "密码" in last["error"]["message"]
    # Not a PDF at all: the same line as the plain 422.
    _, last, _ = _read(_post(server, "compress", "fake.pdf", b"hello", headers=FOLLOW, stream=True))
    assert last["error"]["status"] == 422
    assert last["error"]["error"] == _post(server, "compress", "fake.pdf", b"hello").json()["error"]


def test_a_bad_option_is_the_plain_400_not_a_stream(server, samples):
    data = (samples / FOUR).read_bytes()
    for op, fields, field in (
        ("pdf-to-images", {"dpi": "5"}, "dpi"),  # refused while the request is read
        ("split", {"mode": "ranges"}, "ranges"),  # refused by the operation, at once
    ):
        followed = _post(server, op, "four.pdf", data, fields, headers=FOLLOW)
        plain = _post(server, op, "four.pdf", data, fields)
        assert followed.status_code == plain.status_code == 400
        assert followed.headers["Content-Type"] == "application/json"
        assert followed.json() == plain.json()
        assert followed.json()["field"] == field


def test_closing_the_answer_cancels_the_work_and_removes_its_files(server):
    before = server.output().count("pdf-to-images stopped early: the client went away")
    data = blank_pages(400, (612, 792))
    resp = _post(
        server, "pdf-to-images", "long.pdf", data, {"dpi": "300"}, headers=FOLLOW, stream=True
    )
    assert resp.status_code == 200
    counted = []  # the first lines may come before the pages are counted (total 0)
    while len(counted) < 3:
        line = json.loads(resp.raw.readline())["progress"]
        assert line["total"] in (0, 400)
        if line["total"]:
            counted.append(line["done"])
    assert counted[-1] < 400
    assert list(server.temp.glob("sheaf-scratch-*/req-*"))
    resp.close()
    wait_until(lambda: not list(server.temp.glob("sheaf-scratch-*/req-*")), 10, "cleanup")
    wait_until(
        lambda: server.output().count("pdf-to-images stopped early: the client went away") > before,
        10,
        "the log to say the work stopped",
    )
    # One worker thread: this is answered only because the cancelled one was given back.
    small = _post(server, "rotate", "a.pdf", blank_pages(2), {"angle": "90"}, timeout=10)
    assert small.status_code == 200


def test_without_the_header_the_answer_is_as_before(server, samples):
    data = (samples / FOUR).read_bytes()
    plain = _post(server, "rotate", "four.pdf", data, {"angle": "180"})
    again = _post(server, "rotate", "four.pdf", data, {"angle": "180"}, headers={"Accept": "*/*"})
    assert plain.status_code == again.status_code == 200
    assert plain.headers["Content-Type"] == "application/pdf"
    assert plain.headers["Content-Length"] == str(len(plain.content))
    assert "Transfer-Encoding" not in plain.headers
    assert plain.content == again.content
    _, last, body = _read(
        _post(server, "rotate", "four.pdf", data, {"angle": "180"}, headers=FOLLOW, stream=True)
    )
    assert body == plain.content
    assert last["result"]["headers"]["Content-Disposition"] == plain.headers["Content-Disposition"]


def test_json_operations_have_the_form_too(server, samples):
    data = (samples / FOUR).read_bytes()
    progress, last, body = _read(
        _post(server, "thumbnails", "four.pdf", data, {"width": "40"}, headers=FOLLOW, stream=True)
    )
    _climbs(progress, 4)
    assert last["result"]["type"] == "application/json"
    plain = _post(server, "thumbnails", "four.pdf", data, {"width": "40"})
    assert json.loads(body) == plain.json()


def test_the_openapi_document_describes_the_form(server):
    doc = requests.get(server.base + "/api/v1/openapi.json", timeout=10).json()
    assert MEDIA in doc["info"]["description"]
    for path, item in doc["paths"].items():
        if path.endswith("openapi.json"):
            continue
        content = item["post"]["responses"]["200"]["content"]
        described = content[MEDIA]["schema"]["description"]
        for words in ('{"progress"', '{"result"', '{"error"', "exactly N bytes"):
            assert words in described, (path, words)


def test_the_form_works_with_two_workers(tmp_path: Path):
    sheaf = Sheaf.start(
        SERVER, data_dir=None, env={"SHEAF_WORKERS": "2", "SHEAF_LOG_FORMAT": "json"}
    )
    try:
        data = blank_pages(60, (200, 200))
        barrier = threading.Barrier(4)
        results: list[tuple[list[dict], dict, bytes]] = []

        def follow() -> None:
            barrier.wait()
            with _post(
                sheaf, "pdf-to-images", "long.pdf", data, {"dpi": "72"}, headers=FOLLOW, stream=True
            ) as resp:
                results.append(_read(resp))

        jobs = [threading.Thread(target=follow) for _ in range(4)]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(120)
        assert len(results) == 4
        for progress, last, body in results:
            _climbs(progress, 60)
            assert last["result"]["type"] == "application/zip"
            assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 60
        assert len({body for _, _, body in results}) == 1
        assert len(set(served_by(sheaf, "/api/v1/pdf-to-images", 4))) == 2
    finally:
        sheaf.stop()


def test_done_only_climbs_and_a_line_repeats_while_a_page_takes_long(tmp_path: Path):
    """In-process, with an operation that reports and then waits: a second loop with
    another total and a step back change nothing, and the last line comes again (the
    keep-alive) though nothing changed, before the work goes on."""
    from app import create_app
    from app.api import progress, routes
    from app.api.declare import Operation
    from app.api.workspace import Workspace
    from app.pdf.core.job import Job
    from app.settings import Settings

    app = create_app(Settings(mode="server", temp_root=tmp_path))
    go_on = threading.Event()

    def handler(_inputs: Any, ctx: Any) -> dict:
        for done, total in ((2, 5), (1, 5), (3, 9)):
            ctx.job.step(done, total)
        go_on.wait(60)
        ctx.job.step(4, 5)
        return {"ok": True}

    op = Operation("waits", "", [], ("application/json",), handler)
    with app.test_request_context("/api/v1/waits", method="POST", headers=FOLLOW):
        workspace = Workspace()
        resp = progress.respond(op, None, workspace, Job(), routes._refusal)  # type: ignore[arg-type]
        chunks = iter(resp.response)
        seen = [json.loads(next(chunks))["progress"]]
        while len(seen) < 5 and seen[-1:] * 2 != seen[-2:]:
            seen.append(json.loads(next(chunks))["progress"])
        assert seen[-2:] == [{"done": 2, "total": 5}] * 2
        go_on.set()
        rest = list(chunks)
        resp.close()
    lines = [json.loads(c) for c in rest[:-1]]
    assert lines[-2] == {"progress": {"done": 5, "total": 5}}
    assert lines[-1]["result"]["type"] == "application/json"
    assert json.loads(rest[-1]) == {"ok": True}
    assert all(line["progress"]["total"] == 5 for line in lines[:-1])
    assert not workspace.path.exists()


def test_a_stop_mid_way_ends_the_answer_with_the_503_line_and_leaves_nothing(tmp_path: Path):
    sheaf = Sheaf.start(SERVER, data_dir=None, env={"TMPDIR": str(tmp_path)})
    try:
        data = blank_pages(400, (612, 792))
        resp = _post(
            sheaf, "pdf-to-images", "long.pdf", data, {"dpi": "300"}, headers=FOLLOW, stream=True
        )
        wait_until(lambda: json.loads(resp.raw.readline())["progress"]["done"] > 0, 30, "a page")
        sheaf.proc.send_signal(signal.SIGTERM)
        while "progress" in (entry := json.loads(resp.raw.readline())):
            pass
        assert entry["error"]["status"] == 503
        assert entry["error"]["error"] == "stopping"
        assert resp.raw.read() == b""
        assert sheaf.stop() == 0
        assert "stopped early: the server is stopping" in sheaf.output()
        assert list(tmp_path.iterdir()) == []
    finally:
        sheaf.stop()


@pytest.mark.parametrize(
    ("op", "fields", "total"),
    [
        ("page-numbers", {}, 4),
        ("watermark", {"text": "DRAFT"}, 4),
        ("split", {"mode": "single"}, 4),
        ("crop", {"left": "0.1"}, 4),
        ("redact", {"text": "text"}, 4),
        ("repair", {}, None),  # objects, not pages
    ],
)
def test_the_long_operations_report_their_pages(server, samples, op, fields, total):
    data = (samples / FOUR).read_bytes()
    progress, last, body = _read(
        _post(server, op, "four.pdf", data, fields, headers=FOLLOW, stream=True)
    )
    assert "result" in last, last
    if total is None:
        total = progress[-1]["total"]
        assert total > 0
    _climbs(progress, total)
    if op == "split":
        assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 4
    else:
        with pikepdf.open(io.BytesIO(body)) as pdf:
            assert len(pdf.pages) == 4


def test_merge_reports_its_files(server, samples):
    data = (samples / FOUR).read_bytes()
    files = [("files", (f"{n}.pdf", io.BytesIO(data), "application/pdf")) for n in "abc"]
    progress, _, body = _read(
        requests.post(
            server.base + "/api/v1/merge", files=files, headers=FOLLOW, stream=True, timeout=60
        )
    )
    _climbs(progress, 3)
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert len(pdf.pages) == 12


def test_a_pdf_result_can_come_with_pictures_of_its_first_pages(server, samples):
    """The workspace shows a result's first pages without sending it back to be pictured."""
    import base64

    from PIL import Image

    data = blank_pages(6, (200, 400))
    headers = {"Accept": MEDIA, "X-Sheaf-Pictures": "4"}
    r = _post(server, "rotate", "six.pdf", data, {"angle": "90"}, headers=headers, stream=True)
    _, last, body = _read(r)
    shown = last["result"]["pictures"]
    assert shown["pages"] == 6 and len(shown["images"]) == 4
    first = Image.open(io.BytesIO(base64.b64decode(shown["images"][0].split(",", 1)[1])))
    assert first.width == 160 and first.height == 80  # the turned page, as shown
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert len(pdf.pages) == 6
    # Not asked, not made; a result that cannot be pictured (a password now) has none.
    plain = {"Accept": MEDIA}
    _, last, _ = _read(_post(server, "rotate", "six.pdf", data, headers=plain, stream=True))
    assert "pictures" not in last["result"]
    fields = {"new_password": "s3cret", "new_password_again": "s3cret"}
    locked = _post(server, "protect", "six.pdf", data, fields, headers=headers, stream=True)
    _, last, _ = _read(locked)
    assert "result" in last and "pictures" not in last["result"]
