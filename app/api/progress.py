"""The progress form of every operation: pages done of total, then the result, in one answer.

A request with ``Accept: application/x-sheaf-progress`` gets, once its inputs
are valid, a ``200`` whose body is JSON lines (:data:`MEDIA`)::

    {"progress": {"done": 3, "total": 117}}       at most ten a second, one every 2 s at least
    {"progress": {"done": 117, "total": 117}}
    {"result": {"size": N, "type": "application/zip", "name": "...", "headers": {...}}}
    <exactly N bytes: what the plain API would have answered>

With ``X-Sheaf-Pictures: N`` (up to 12), a PDF result's line also holds ``pictures``:
``{"pages": count, "images": [data URLs of its first N pages, 160 px wide]}``, what
the preview operation would give for it, without sending the file back for them.

or, instead of the last two, ``{"error": {"status": 422, "error": code, "message": ...,
"field": ...}}`` (the plain API's refusal, word for word) and nothing more.

Why it works this way:

* **Everything travels in the one response.** Server mode runs several worker
  processes (and replicas) without sticky sessions: a "job id" polled by a
  second request could land on a process that never heard of it.
* **The handler runs in a thread of its own** while the request's thread writes
  lines: an operation is one long call into :mod:`app.pdf`, which only reports
  through ``job.step(done, total)`` (:class:`~app.pdf.core.job.Job`). The request
  thread waits on a condition: woken by a step, throttled to :data:`SPACING`, and
  repeating itself every :data:`EVERY` so that proxies and the slow-client guard
  see a live connection. Each line is sent at once (:mod:`app.runtime.flush`).
* **Cancel is closing the connection.** Waitress notices (the channel reads
  ahead), refuses the next write and closes the body, which is :meth:`Run.close`:
  it tells the job (which stops before its next page), waits for it a bounded
  time, and removes the request's folder. The job itself also sees the
  disconnect through its ``cancelled`` check, so whichever comes first stops it.
* **A quick no keeps its status.** A refusal that is about the request (``400``)
  and comes within :data:`GRACE`, before any page is done, is answered as the
  plain API would, so a bad option is a 400 with JSON, not a stream. Later, or
  any other refusal (a wrong password is 422), comes as the error line.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Response, copy_current_request_context, jsonify, request

from app.api.declare import JSON, PDF, Context, FileOut, Operation
from app.api.inputs import Inputs
from app.api.names import result_headers, result_name
from app.api.workspace import Workspace
from app.pdf.core.job import Job
from app.runtime.flush import send_each_write

MEDIA = "application/x-sheaf-progress"
#: A line at least this often (seconds), changed or not.
EVERY = 2.0
#: At most one progress line this often (seconds).
SPACING = 0.1
#: How long a quick 400 may take to be answered as the plain API would (seconds).
GRACE = 0.5
#: How long a closed answer waits for its job to stop (seconds): one page, normally.
JOIN = 3.0
CHUNK = 256 * 1024
#: At most this many pages pictured with a result, this wide (pixels).
PICTURES = 12
PICTURE_WIDTH = 160

Refuse = Callable[[Operation, Exception], Response]


def wanted() -> bool:
    """The request asks for the progress form by name (``*/*`` does not count)."""
    return any(value == MEDIA and quality > 0 for value, quality in request.accept_mimetypes)


@dataclass
class Outcome:
    """How the job ended: a refusal (``plain`` is the plain API's answer), or a result."""

    plain: Response | None = None
    error: dict[str, Any] | None = None
    path: Path | None = None
    body: bytes | None = None
    about: dict[str, Any] = field(default_factory=dict)


LOST = Outcome(error={"status": 500, "error": "internal_error", "message": "", "field": None})


class Run:
    """One operation at work in its own thread, and how far it has got."""

    def __init__(
        self, op: Operation, inputs: Inputs, workspace: Workspace, job: Job, refuse: Refuse
    ) -> None:
        self.workspace = workspace
        self.stop = threading.Event()
        self.changed = threading.Condition()
        self.done = self.total = 0
        self.outcome: Outcome | None = None
        #: ``X-Sheaf-Pictures: N``: a PDF result's first N pages come with it (the
        #: workspace shows them without sending the whole file back to be pictured).
        self.pictures = _pictures_asked()
        asked = job.cancelled
        self.job = replace(
            job, cancelled=lambda: self.stop.is_set() or asked(), progress=self.report
        )
        work = copy_current_request_context(self._work)  # messages in the person's language
        self.thread = threading.Thread(
            target=work, args=(op, inputs, refuse), name=f"op-{op.name}", daemon=True
        )

    def report(self, done: int, total: int) -> None:
        """``job.step``: the first total is kept, and ``done`` only goes up. A step of
        another phase with another total (a second loop) changes nothing."""
        with self.changed:
            if not self.total and total > 0:
                self.total = total
            if total and total != self.total:
                return
            bound = self.total or done
            self.done = max(self.done, min(done, bound))
            self.changed.notify_all()

    def _work(self, op: Operation, inputs: Inputs, refuse: Refuse) -> None:
        outcome = LOST  # only if even the refusal failed (the thread's traceback is logged)
        try:
            try:
                outcome = _finished(op.handler(inputs, Context(self.workspace, self.job, op)))
                if self.pictures:
                    _add_pictures(outcome, self.pictures, self.job)
            except Exception as exc:  # one answer for each way it fails, as in the plain API
                outcome = _refused(refuse(op, exc))
        finally:
            with self.changed:
                self.outcome = outcome
                self.changed.notify_all()
            if self.stop.is_set():  # nobody waits: the folder goes now
                self.workspace.cleanup()

    def wait(self, ready: Callable[[], object], timeout: float) -> None:
        with self.changed:
            self.changed.wait_for(ready, max(timeout, 0.0))

    def close(self) -> None:
        """The answer ended (sent, or the client went away): stop, wait a little, clean.
        A job still on its page after :data:`JOIN` cleans up itself when it stops
        (removing its folder under it would turn a cancel into an "unexpected" error)."""
        self.stop.set()
        self.thread.join(JOIN)
        if not self.thread.is_alive():
            self.workspace.cleanup()


def _pictures_asked() -> int:
    try:
        return max(0, min(int(request.headers.get("X-Sheaf-Pictures", "0")), PICTURES))
    except ValueError:
        return 0


def _add_pictures(outcome: Outcome, count: int, job: Job) -> None:
    """The result line's ``pictures``: ``{pages, images}`` as the preview operation gives
    them. A result that cannot be pictured (it has a password now) simply has none."""
    if outcome.path is None or outcome.about.get("type") != PDF:
        return
    from app.pdf.core.document import Source
    from app.pdf.core.errors import PdfError
    from app.pdf.render import preview

    try:
        shown = preview(Source(outcome.path), job, width=PICTURE_WIDTH, count=count)
    except PdfError:
        return
    outcome.about["pictures"] = {"pages": shown["pages"], "images": shown["images"]}


def _finished(result: FileOut | dict) -> Outcome:
    if isinstance(result, FileOut):
        about = {
            "type": result.mimetype,
            "name": result_name(result),
            "headers": result_headers(result),
        }
        return Outcome(path=result.path, about=about)
    body = jsonify(result).get_data()
    return Outcome(body=body, about={"type": JSON, "name": "", "headers": {}})


def _refused(resp: Response) -> Outcome:
    said = resp.get_json(silent=True) or {}
    error = {
        "status": resp.status_code,
        "error": said.get("error", "internal_error"),
        "message": said.get("message", ""),
        "field": said.get("field"),
    }
    return Outcome(plain=resp, error=error)


def respond(
    op: Operation, inputs: Inputs, workspace: Workspace, job: Job, refuse: Refuse
) -> Response:
    """Start the job; answer with its lines (or with a quick 400 as the plain API would)."""
    run = Run(op, inputs, workspace, job, refuse)
    run.thread.start()
    run.wait(lambda: run.outcome is not None or run.done or run.total, GRACE)
    early = run.outcome
    if early is not None and early.plain is not None and early.plain.status_code == 400:
        run.close()
        return early.plain
    undo = send_each_write(request.environ)
    resp = Response(_lines(run), status=200, mimetype=MEDIA)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Accel-Buffering"] = "no"  # nginx passes each line on at once
    # However the body ends (sent, closed half way, or never started): stop and clean.
    resp.call_on_close(run.close)
    resp.call_on_close(undo)
    return resp


def _line(**entry: Any) -> bytes:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _lines(run: Run) -> Iterator[bytes]:
    """The body: progress while the job works, then its error or its result."""
    sent: tuple[int, int] | None = None
    last = 0.0
    while True:

        def moved(sent: tuple[int, int] | None = sent) -> bool:
            return run.outcome is not None or (run.done, run.total) != sent

        run.wait(moved, last + EVERY - time.monotonic())
        with run.changed:
            outcome, now = run.outcome, (run.done, run.total)
        if outcome is not None:
            break
        yield _line(progress={"done": now[0], "total": now[1]})
        sent, last = now, time.monotonic()
        run.wait(lambda: run.outcome is not None, SPACING)
    if outcome.error is not None:
        yield _line(error=outcome.error)
        return
    end = max(run.done, run.total)
    yield _line(progress={"done": end, "total": end})
    yield from _result(outcome)


def _result(outcome: Outcome) -> Iterator[bytes]:
    if outcome.body is not None:
        yield _line(result={"size": len(outcome.body), **outcome.about})
        yield outcome.body
        return
    assert outcome.path is not None
    with open(outcome.path, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(0)
        yield _line(result={"size": size, **outcome.about})
        while chunk := handle.read(CHUNK):
            yield chunk
