"""The workspace as a person uses it: one file chosen once, many steps, results shown,
undo, many files at once, progress and cancel, drop anywhere. Real Chromium, real Sheaf."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from helpers.browser import violations
from helpers.hostile_inputs import blank_pages
from helpers.pdfcheck import texts
from helpers.support import Sheaf, scratch_entries, wait_until
from PIL import Image

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
WORDS = {
    "en-US": {"done": "Done.", "undo": "Undo", "forget": "Forget all files", "steps": "turned"},
    "zh-CN": {"done": "完成。", "undo": "撤销", "forget": "忘掉所有文件", "steps": "已旋转"},
}


def _open(chromium, sheaf: Sheaf, locale: str = "en-US", width: int = 1366, **extra):
    context = chromium.new_context(
        accept_downloads=True,
        locale=locale,
        viewport={"width": width, "height": 844 if width < 500 else 768},
        **extra,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(sheaf.url)
    page.wait_for_url(f"{sheaf.base}/")
    return context, page, errors


def _tool(page, sheaf: Sheaf, slug: str) -> None:
    page.goto(f"{sheaf.base}/tools/{slug}", wait_until="load")


def _result(page) -> None:
    page.wait_for_selector("#result .result-page img", timeout=60_000)


def _download(page, selector: str = "#download-link") -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def _picture(src: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))


def _history(page) -> str:
    return page.inner_text("#workspace-list .workspace-history")


@pytest.mark.parametrize(
    "locale,width", [("en-US", 1366), ("zh-CN", 1366), ("en-US", 390), ("zh-CN", 390)]
)
def test_one_file_many_steps_with_undo(chromium, sheaf, samples, locale, width):
    words = WORDS[locale]
    context, page, errors = _open(chromium, sheaf, locale, width)
    try:
        _tool(page, sheaf, "rotate")
        page.set_input_files("#file-input", str(samples / FOUR))  # chosen once, here only
        page.wait_for_selector("#file-list .file-item")
        page.click("#run-button")
        _result(page)
        assert page.inner_text("#result .result-line").startswith(words["done"])
        first = _picture(page.get_attribute("#result .result-page img", "src"))
        assert first.width > first.height  # the portrait page, turned, is shown turned
        assert "4" in page.inner_text("#result .result-facts")

        page.click("#continue a[data-tool=page-numbers]")
        page.wait_for_selector("#file-list .file-item")  # the rotated file, not chosen again
        assert "-rotated" in page.inner_text("#file-list")
        page.fill("#opt-format", "Seite {n}")
        page.click("#run-button")
        _result(page)
        assert "-rotated-numbered" in page.inner_text("#result .result-facts")
        page.click("#undo-button")
        page.wait_for_function(
            "() => !document.querySelector('#workspace-list .workspace-history')"
            " .textContent.includes('→')"
        )
        assert words["steps"] in _history(page)

        page.fill("#opt-format", "{n}/{total}")
        page.click("#run-button")
        _result(page)
        page.click("#continue a[data-tool=compress]")
        page.wait_for_selector("#file-list .file-item")
        page.click("#run-button")
        page.wait_for_selector("#download-link")
        page.wait_for_function(  # turned → numbers → compressed
            "() => document.querySelector('#workspace-list .workspace-history')"
            " .textContent.split('→').length === 3"
        )
        data = _download(page)
        assert page.get_attribute("#download-link", "download").endswith(
            "-rotated-numbered-compressed.pdf"
        )
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert [int(p.obj.get("/Rotate", 0)) % 360 for p in pdf.pages] == [90] * 4
        shown = texts(data)
        assert any("1/4" in t for t in shown) and not any("Seite" in t for t in shown)
        assert not errors, errors
    finally:
        context.close()


def test_reload_keeps_the_workspace_and_forget_all_empties_it(chromium, sheaf, samples):
    context, page, errors = _open(chromium, sheaf)
    try:
        _tool(page, sheaf, "compress")
        page.set_input_files("#file-input", str(samples / FOUR))
        page.wait_for_selector("#workspace-list .workspace-item")
        page.reload()
        page.wait_for_selector("#workspace-list .workspace-item")
        page.wait_for_selector("#file-list .file-item")  # and still chosen for the tool
        page.goto(sheaf.base + "/")
        page.wait_for_selector("#workspace-list .workspace-item")
        page.on("dialog", lambda d: d.accept())
        page.click("#forget-all")
        page.wait_for_selector("#workspace", state="hidden")
        count = page.evaluate("Sheaf.workspace.list().then(d => d.length)")
        assert count == 0
        page.reload()
        assert page.locator("#workspace-list .workspace-item").count() == 0
        assert not errors, errors
    finally:
        context.close()


def test_five_files_compressed_at_once_give_five_results_and_a_zip(
    chromium, sheaf, samples, tmp_path
):
    context, page, errors = _open(chromium, sheaf)
    try:
        names = []
        for i in range(5):
            path = tmp_path / f"doc-{i}.pdf"
            path.write_bytes((samples / FOUR).read_bytes())
            names.append(path)
        broken = tmp_path / "broken.pdf"
        broken.write_bytes(b"%PDF-1.4 this is not a PDF")
        _tool(page, sheaf, "compress")
        page.set_input_files("#file-input", [str(p) for p in names])
        page.wait_for_function(
            "() => document.querySelectorAll('#file-list .file-item').length === 5"
        )
        page.click("#run-button")
        page.wait_for_selector("#download-all", timeout=120_000)
        assert page.locator("#result .batch-ok").count() == 5
        data = _download(page, "#download-all")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            got = sorted(z.namelist())
            assert got == sorted(f"doc-{i}-compressed.pdf" for i in range(5))
            for name in got:
                with pikepdf.open(io.BytesIO(z.read(name))) as pdf:
                    assert len(pdf.pages) == 4
        # Each file has its new version in the workspace.
        steps = page.locator("#workspace-list .workspace-history").all_inner_texts()
        assert len(steps) == 5

        # An error names its file and does not stop the others.
        page.goto(sheaf.base + "/tools/rotate")
        page.set_input_files("#workspace-input", [str(broken)])
        page.wait_for_function(
            "() => document.querySelectorAll('#file-list .file-item').length === 6"
        )
        page.click("#run-button")
        page.wait_for_selector("#result .batch-list", timeout=120_000)
        failed = page.locator("#result .batch-failed")
        assert failed.count() == 1 and "broken.pdf" in failed.inner_text()
        assert page.locator("#result .batch-ok").count() == 5
        assert not errors, errors
    finally:
        context.close()


def test_a_file_dropped_on_the_home_page_joins_the_workspace(chromium, sheaf, samples):
    context, page, errors = _open(chromium, sheaf)
    try:
        data = list((samples / FOUR).read_bytes())
        page.evaluate(
            """(bytes) => {
                const type = {type: 'application/pdf'};
                const file = new File([new Uint8Array(bytes)], 'dropped.pdf', type);
                const dt = new DataTransfer();
                dt.items.add(file);
                const target = document.querySelector('#tool-grid');
                const how = {dataTransfer: dt, bubbles: true, cancelable: true};
                target.dispatchEvent(new DragEvent('dragover', how));
                target.dispatchEvent(new DragEvent('drop', how));
            }""",
            data,
        )
        page.wait_for_selector("#workspace-list .workspace-item:has-text('dropped.pdf')")
        assert page.url == f"{sheaf.base}/"  # the browser did not leave Sheaf for the file
        page.wait_for_selector("#workspace-list .workspace-thumb[src^='data:image/png']")
        assert "4" in page.inner_text("#workspace-list .workspace-facts")
        # Switching the language keeps it.
        page.select_option("#lang-select", "zh_Hans")
        page.wait_for_load_state("load")
        page.wait_for_selector("#workspace-list .workspace-item:has-text('dropped.pdf')")
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.slow
def test_progress_goes_up_to_the_total_and_cancel_stops_the_work(chromium, samples, tmp_path):
    sheaf = Sheaf.start(data_dir=tmp_path / "data")
    temp = tmp_path / "data" / "cache"  # where a desktop Sheaf keeps its requests' files
    context = None
    try:
        context, page, errors = _open(chromium, sheaf)
        # Record every progress report the page gets.
        page.add_init_script(
            """(() => {
              const seen = [];
              window.__progress = seen;
              const wrap = () => {
                const real = window.Sheaf && window.Sheaf.request;
                if (!real || real.wrapped) return;
                window.Sheaf.request = function (url, data, options) {
                  const inner = options && options.onProgress;
                  return real(url, data, Object.assign({}, options, {onProgress: (d, t) => {
                    seen.push([d, t]); if (inner) inner(d, t); }}));
                };
                window.Sheaf.request.wrapped = true;
              };
              document.addEventListener('DOMContentLoaded', wrap);
            })()"""
        )
        path = tmp_path / "twenty.pdf"
        path.write_bytes(blank_pages(20, (300, 300)))
        _tool(page, sheaf, "page-numbers")
        page.set_input_files("#file-input", str(path))
        page.wait_for_selector("#file-list .file-item")
        page.click("#run-button")
        _result(page)
        seen = page.evaluate("window.__progress")
        done = [d for d, _ in seen]
        assert done and done == sorted(done) and seen[-1] == [20, 20]

        long = tmp_path / "long.pdf"
        long.write_bytes(blank_pages(400, (200, 200)))
        _tool(page, sheaf, "pdf-to-images")
        page.set_input_files("#file-input", str(long))
        page.wait_for_selector("#file-list .file-item")
        page.fill("#opt-dpi", "300")
        page.click("#run-button")
        page.wait_for_function("() => window.__progress.some(p => p[0] >= 2)", timeout=60_000)
        assert list(temp.glob("sheaf-scratch-*/req-*"))  # the work is under way
        page.click("#cancel-button")
        wait_until(lambda: not list(temp.glob("sheaf-scratch-*/req-*")), 10, "the work to stop")
        page.wait_for_selector("#form-error:not([hidden])")
        import requests

        r = requests.get(sheaf.base + "/healthz", timeout=5)  # served at once, not queued
        assert r.status_code == 200
        assert not scratch_entries(temp)
        assert not errors, errors
    finally:
        if context is not None:
            context.close()
        sheaf.stop()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_workspace_and_results_have_no_violations(
    chromium, sheaf, samples, axe, scheme, locale
):
    # Only the test injects axe: bypass_csp lets its script in.
    context, page, errors = _open(chromium, sheaf, locale, color_scheme=scheme, bypass_csp=True)
    found: dict[str, list] = {}

    def check(state: str) -> None:
        found[state] = violations(page, axe)

    try:
        _tool(page, sheaf, "rotate")
        page.set_input_files("#file-input", [str(samples / FOUR), str(samples / FOUR)])
        page.wait_for_selector("#workspace-list .workspace-thumb[src^='data:image/png']")
        check("strip with files")
        page.click("#run-button")
        page.wait_for_selector("#download-all", timeout=60_000)
        check("results of two files")
        page.locator("#workspace-list input[type=checkbox]").nth(1).uncheck()
        page.wait_for_function(
            "() => document.querySelectorAll('#file-list .file-item').length === 1"
        )
        page.click("#run-button")
        _result(page)
        check("a result with its pages and what comes next")
        page.goto(sheaf.base + "/")
        page.wait_for_selector("#workspace-list .workspace-item")
        check("home page with files")
        assert not errors, errors
    finally:
        context.close()
    assert {name: v for name, v in found.items() if v} == {}


COUNT_FILES = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open('sheaf-workspace', 1);
  req.onsuccess = () => {
    const t = req.result.transaction(['docs', 'blobs'], 'readonly');
    const docs = t.objectStore('docs').count();
    const blobs = t.objectStore('blobs').count();
    t.oncomplete = () => { req.result.close(); resolve([docs.result, blobs.result]); };
  };
  req.onerror = () => reject(req.error);
})"""


def _add_one(page, samples) -> None:
    page.set_input_files("#workspace-input", str(samples / FOUR))
    page.wait_for_selector("#workspace-list .workspace-item")
    assert page.evaluate(COUNT_FILES) == [1, 1]


def test_quit_sheaf_forgets_the_files(chromium, samples, tmp_path):
    desktop = Sheaf.start(data_dir=tmp_path / "data")
    context = None
    try:
        context, page, errors = _open(chromium, desktop)
        _add_one(page, samples)
        page.once("dialog", lambda d: d.accept())
        with page.expect_navigation(wait_until="load"):
            page.click("#quit-button", no_wait_after=True)
        page.wait_for_selector("#stopped")
        assert page.evaluate(COUNT_FILES) == [0, 0]  # nothing left in the browser's storage
        assert not errors, errors
    finally:
        if context is not None:
            context.close()
        desktop.stop()


def test_server_forgets_files_on_sign_out_and_after_the_stated_time(chromium, samples):
    server = Sheaf.start(
        ["--server", "--host", "127.0.0.1", "--port", "0"],
        data_dir=None,
        env={"SHEAF_PASSWORD": "correct horse", "SHEAF_WORKERS": "1"},
    )
    context = chromium.new_context()
    try:
        page = context.new_page()

        def sign_in() -> None:
            page.goto(server.base + "/")
            page.fill("input[name=password]", "correct horse")
            with page.expect_navigation(wait_until="load"):
                page.keyboard.press("Enter")
            page.wait_for_selector("#tool-grid")

        sign_in()
        assert "up to 12 hours unused" in page.inner_text("#workspace-where")
        _add_one(page, samples)
        with page.expect_navigation(wait_until="load"):
            page.click("#signout-form button")
        assert page.evaluate(COUNT_FILES) == [0, 0]

        sign_in()
        _add_one(page, samples)
        # Thirteen hours without use (the page says twelve): forgotten at the next page.
        page.evaluate(
            """() => new Promise(resolve => {
              const req = indexedDB.open('sheaf-workspace', 1);
              req.onsuccess = () => {
                const t = req.result.transaction(['meta'], 'readwrite');
                const store = t.objectStore('meta');
                const got = store.get('scope');
                got.onsuccess = () => {
                  store.put(Object.assign(got.result, {used: Date.now() - 13 * 3600 * 1000}));
                };
                t.oncomplete = () => { req.result.close(); resolve(); };
              };
            })"""
        )
        page.reload()
        page.wait_for_function("() => Sheaf.workspace.ready.then(() => true)")
        assert page.evaluate(COUNT_FILES) == [0, 0]
    finally:
        context.close()
        server.stop()


def test_history_keeps_ten_versions_and_says_which_went(chromium, sheaf, samples):
    context, page, errors = _open(chromium, sheaf)
    try:
        _add_one(page, samples)
        dropped = page.evaluate(
            """async () => {
              const ws = Sheaf.workspace;
              let [doc] = await ws.list();
              const dropped = [];
              for (let i = 1; i <= 10; i++) {
                const blob = new Blob(['%PDF-1.4 step ' + i], {type: 'application/pdf'});
                const out = await ws.addResult(blob, 'step-' + i + '.pdf', 'rotate', doc);
                dropped.push(...out.dropped);
              }
              [doc] = await ws.list();
              return [dropped, doc.versions.length, doc.versions[0].name];
            }"""
        )
        assert dropped == [["pdflatex-4-pages.pdf"], 10, "step-1.pdf"]
        assert page.evaluate(COUNT_FILES) == [1, 10]  # the dropped version's bytes went too
        assert not errors, errors
    finally:
        context.close()


def test_a_result_shows_its_first_pages_and_all_on_request(chromium, sheaf, tmp_path):
    context, page, errors = _open(chromium, sheaf)
    try:
        path = tmp_path / "seven.pdf"
        path.write_bytes(blank_pages(7, (200, 300)))
        _tool(page, sheaf, "rotate")
        page.set_input_files("#file-input", str(path))
        page.wait_for_selector("#file-list .file-item")
        page.wait_for_selector("#workspace-list .workspace-thumb[src^='data:']")
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url.rsplit("/", 1)[-1]))
        page.click("#run-button")
        _result(page)
        pictures = page.locator("#result .result-page img")
        assert pictures.count() == 4
        assert "preview" not in asked  # the pictures came with the result
        assert "7" in page.inner_text("#result .result-facts")
        page.click("#all-pages")
        page.wait_for_function(
            "() => document.querySelectorAll('#result .result-page img').length === 7"
        )
        assert not errors, errors
    finally:
        context.close()
