"""The tools as a person uses them: a real headless Chromium against a real Sheaf."""

from __future__ import annotations

import io
import json
import re

import pikepdf
import pytest
from helpers.browser import choose, download
from helpers.pdfcheck import page_texts, texts
from helpers.support import Sheaf
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FOUR = "004-pdflatex-4-pages/pdflatex-4-pages.pdf"
OUTLINE = "006-pdflatex-outline/pdflatex-outline.pdf"


@pytest.fixture
def page(chromium, sheaf):
    context = chromium.new_context(accept_downloads=True, locale="en-US")
    p = context.new_page()
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.goto(sheaf.url)  # the launch URL: token exchanged for the cookie
    p.wait_for_url(f"{sheaf.base}/")
    yield p
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def open_tool(page, title: str) -> None:
    """Click a tool on the home page and wait until its scripts have run: a file
    chosen before that would fire a change event nobody listens to yet."""
    with page.expect_navigation(wait_until="load"):
        page.click(f"#tool-grid a:has-text('{title}')")


def _download(page, click) -> bytes:
    return download(page, click)


def test_home_lists_the_tools(page):
    names = page.locator(".tool-grid strong").all_inner_texts()
    for expected in ("Merge PDFs", "Split a PDF", "Organise pages", "Compress"):
        assert expected in names


def test_merge_with_drag_reorder(page, samples):
    open_tool(page, "Merge PDFs")
    choose(page, [str(samples / FOUR), str(samples / OUTLINE)])
    items = page.locator("#file-list .file-item")
    assert items.count() == 2
    # Drag the second file above the first.
    items.nth(1).drag_to(items.nth(0), target_position={"x": 10, "y": 2})
    page.wait_for_function(
        "document.querySelector('#file-list .file-name').textContent.startsWith('pdflatex-outline')"
    )
    data = _download(page, lambda: page.click("#run-button"))
    merged = pikepdf.open(io.BytesIO(data))
    with pikepdf.open(samples / OUTLINE) as a, pikepdf.open(samples / FOUR) as b:
        assert page_texts(merged) == page_texts(a) + page_texts(b)
    assert page.locator("#result").is_visible()


def test_chosen_files_show_their_first_page_and_page_count(page, samples, tmp_path):
    from PIL import Image

    photo = tmp_path / "photo.png"
    Image.new("RGB", (60, 40), "orange").save(photo)
    open_tool(page, "Merge PDFs")
    choose(page, [str(samples / FOUR), str(samples / OUTLINE)])
    items = page.locator("#file-list .file-item")
    expect(items.nth(0).locator(".file-pages")).to_have_text("4 pages")
    expect(items.nth(0).locator("img.file-thumb")).to_have_attribute(
        "src", re.compile("^data:image/png")
    )
    page.goto(page.url.rsplit("/", 1)[0] + "/images-to-pdf", wait_until="load")
    choose(page, str(photo))
    thumb = page.locator("#file-list .file-item img.file-thumb")
    expect(thumb).to_have_attribute("src", re.compile("^blob:"))


def test_merge_order_with_keyboard_buttons(page, samples):
    page.goto(page.url.rsplit("/", 1)[0] + "/tools/merge", wait_until="load")
    choose(page, [str(samples / FOUR), str(samples / OUTLINE)])
    page.get_by_role("button", name="Move up: pdflatex-outline.pdf").click()
    data = _download(page, lambda: page.click("#run-button"))
    merged = pikepdf.open(io.BytesIO(data))
    with pikepdf.open(samples / OUTLINE) as a:
        assert page_texts(merged)[: len(a.pages)] == page_texts(a)


def test_split_shows_only_the_chosen_modes_field(page, samples):
    open_tool(page, "Split a PDF")
    every, ranges = page.locator("#opt-every"), page.locator("#opt-ranges")
    expect(every).to_be_hidden()
    expect(ranges).to_be_hidden()
    page.select_option("#opt-mode", "every")
    expect(every).to_be_visible()
    expect(every).to_have_value("2")  # the API's own default
    expect(ranges).to_be_hidden()
    choose(page, str(samples / FOUR))
    data = _download(page, lambda: page.click("#run-button"))
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len(z.namelist()) == 2  # 4 pages, 2 per file


def test_the_whole_drop_area_chooses_files(page, samples):
    open_tool(page, "Split a PDF")
    native = page.locator("#file-input").bounding_box()  # no "No file chosen" box shown
    assert native["width"] <= 1 and native["height"] <= 1
    with page.expect_file_chooser() as chooser:
        box = page.locator("#dropzone").bounding_box()
        page.mouse.click(box["x"] + 8, box["y"] + box["height"] - 8)  # a corner, not the words
    chooser.value.set_files(str(samples / FOUR))
    expect(page.locator("#file-list .file-item")).to_have_count(1)


def test_split_into_single_pages(page, samples):
    open_tool(page, "Split a PDF")
    choose(page, str(samples / FOUR))
    data = _download(page, lambda: page.click("#run-button"))
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len(z.namelist()) == 4


def test_details_show_at_once_and_only_the_change_is_saved(page, samples):
    """Choosing a file shows its details; saving a new title keeps the author and the rest."""
    xmp = "008-reportlab-inline-image/inline-image.pdf"  # title, author, subject
    with pikepdf.open(samples / xmp) as original:
        before = {str(k): str(v) for k, v in original.docinfo.items()}
    assert before.get("/Author")
    open_tool(page, "Title and author")
    choose(page, str(samples / xmp))
    expect(page.locator("#opt-title")).to_have_value(before["/Title"])
    expect(page.locator("#opt-author")).to_have_value(before["/Author"])
    page.fill("#opt-title", "新的标题")
    data = _download(page, lambda: page.click("#run-button"))
    with pikepdf.open(io.BytesIO(data)) as edited:
        after = {str(k): str(v) for k, v in edited.docinfo.items()}
    assert after["/Title"] == "新的标题"
    for key in ("/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate"):
        assert after.get(key) == before.get(key), key
    assert after["/ModDate"] != before["/ModDate"]


def test_a_protected_result_says_it_keeps_its_password(page, samples):
    open_tool(page, "Rotate pages")
    choose(page, str(samples / "005-libreoffice-writer-password/libreoffice-writer-password.pdf"))
    page.fill("#opt-password", "openpassword")
    data = _download(page, lambda: page.click("#run-button"))
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(io.BytesIO(data))
    page.wait_for_selector("#result:has-text('keeps its password')")


def test_page_organizer_reorder_rotate_delete(page, samples):
    open_tool(page, "Organise pages")
    choose(page, str(samples / FOUR))
    pages = page.locator("#page-grid .page")
    pages.nth(3).wait_for()
    assert pages.count() == 4
    # Move page 4 to the front by dragging, turn it right, delete page 2.
    pages.nth(3).drag_to(pages.nth(0), target_position={"x": 5, "y": 5})
    page.wait_for_function("document.querySelector('#page-grid .page').dataset.page === '4'")
    page.locator("#page-grid .page").nth(0).get_by_role("button", name="Turn right").click()
    page.locator("#page-grid .page[data-page='2']").get_by_role("button", name="Delete").click()
    data = _download(page, lambda: page.click("#run-button"))
    out = pikepdf.open(io.BytesIO(data))
    with pikepdf.open(samples / FOUR) as original:
        texts = page_texts(original)
    order = [
        int(x)
        for x in page.eval_on_selector_all(
            "#page-grid .page:not(.deleted)", "els => els.map(e => e.dataset.page)"
        )
    ]
    assert order[0] == 4 and 2 not in order
    assert page_texts(out) == [texts[n - 1] for n in order]
    assert int(out.pages[0].obj.get("/Rotate", 0)) == 90
    assert len(out.pages) == 3


def test_organizer_long_documents_keep_download_in_reach(page, samples):
    open_tool(page, "Organise pages")
    page.set_input_files(
        "#file-input", str(samples / "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf")
    )
    expect(page.locator("#page-grid .page")).to_have_count(117)
    status = page.locator("#doc-status")
    expect(status).to_have_text("117 pages, 0 selected")
    expect(page.locator("#doc-name")).to_have_text("GeoTopo-komprimiert.pdf")
    # The Download button is on screen without scrolling through 117 pages.
    run = page.locator("#run-button").bounding_box()
    assert run["y"] + run["height"] <= page.viewport_size["height"]
    # Shift+click selects a range; select all and clear.
    page.locator("#page-grid .page").nth(2).click()
    page.locator("#page-grid .page").nth(6).click(modifiers=["Shift"])
    expect(status).to_have_text("117 pages, 5 selected")
    page.click("#delete-selected")
    expect(status).to_have_text("112 pages, 0 selected")
    page.click("#select-all")
    expect(status).to_have_text("112 pages, 117 selected")


def test_organizer_password_then_enter_shows_the_pages(page, samples):
    """A protected file: the password prompt, then Enter in the password box loads the
    pages (it used to submit an empty organizer: 'Every page is deleted')."""
    open_tool(page, "Organise pages")
    locked = samples / "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
    choose(page, str(locked))
    expect(page.locator("#error-password")).to_contain_text("password")
    expect(page.locator("#run-button")).to_be_disabled()  # until there are pages
    page.fill("#opt-password", "openpassword")
    page.press("#opt-password", "Enter")
    expect(page.locator("#page-grid .page")).to_have_count(1)
    data = _download(page, lambda: page.click("#run-button"))
    with pikepdf.open(io.BytesIO(data), password="openpassword") as out:
        assert len(out.pages) == 1


def test_organizer_keyboard_moves_and_selects(page, samples):
    open_tool(page, "Organise pages")
    choose(page, str(samples / FOUR))
    first = page.locator("#page-grid .page-select").nth(0)
    first.wait_for()
    # One Tab stop for all pages: Tab from the toolbar's last button lands on page 1,
    # the next Tab leaves the grid.
    page.focus("#select-none")
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Alt+ArrowRight")
    assert page.locator("#page-grid .page").nth(1).get_attribute("data-page") == "1"
    page.keyboard.press("Space")
    moved = page.locator("#page-grid .page").nth(1).locator(".page-select")
    expect(moved).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowLeft")  # plain arrows move the focus, not the page
    expect(page.locator("#page-grid .page-select").nth(0)).to_be_focused()
    assert page.locator("#page-grid .page").nth(0).get_attribute("data-page") == "2"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#page-grid')") is None


def test_an_error_is_shown_under_its_field(page, samples):
    open_tool(page, "Delete pages")
    choose(page, str(samples / FOUR))
    page.fill("#opt-pages", "7")
    page.click("#run-button")
    error = page.locator("#error-pages")
    error.wait_for(state="visible")
    assert "Page 7 does not exist" in error.inner_text()
    field = page.locator("#opt-pages")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    assert "error-pages" in field.get_attribute("aria-describedby")
    # An empty required field is named as the page names it, not by its API name.
    page.fill("#opt-pages", "")
    page.click("#run-button")
    expect(page.locator("#error-pages")).to_have_text("Please fill in “Pages to delete”.")
    # Fixing it clears the mark.
    page.fill("#opt-pages", "2")
    download(page)
    expect(page.locator("#error-pages")).to_have_count(0)
    expect(field).not_to_have_attribute("aria-invalid", "true")


def test_chinese_interface_and_errors(chromium, sheaf, samples):
    context = chromium.new_context(locale="zh-CN")
    p = context.new_page()
    try:
        p.goto(sheaf.url)
        p.wait_for_url(f"{sheaf.base}/")
        assert "合并 PDF" in p.locator("#tool-grid").inner_text()
        assert "签名与填写" in p.locator("#tool-grid").inner_text()
        open_tool(p, "删除页面")
        choose(p, str(samples / FOUR))
        p.fill("#opt-pages", "9")
        p.click("#run-button")
        error = p.locator("#error-pages")
        error.wait_for(state="visible")
        assert "第 9 页不存在" in error.inner_text()
        p.fill("#opt-pages", "")
        p.click("#run-button")
        expect(p.locator("#error-pages")).to_contain_text("要删除的页面")  # the label, not "pages"
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_layout_fits_phone_and_desktop(chromium, sheaf, width, tmp_path):
    context = chromium.new_context(viewport={"width": width, "height": 800})
    p = context.new_page()
    try:
        p.goto(sheaf.url)
        p.wait_for_url(f"{sheaf.base}/")
        p.goto(sheaf.base + "/tools/merge")
        overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        p.screenshot(path=str(tmp_path / f"merge-{width}.png"))
    finally:
        context.close()


def test_open_server_ui_merges(chromium, samples):
    """Server mode without a password: no token, double-submit CSRF, same pages."""
    server = Sheaf.start(["--server", "--host", "127.0.0.1", "--port", "0"], data_dir=None)
    context = chromium.new_context(accept_downloads=True)
    try:
        p = context.new_page()
        p.goto(server.base + "/", wait_until="load")
        assert p.locator("#quit-button").count() == 0
        open_tool(p, "Merge PDFs")
        choose(p, [str(samples / FOUR), str(samples / OUTLINE)])
        data = _download(p, lambda: p.click("#run-button"))
        assert len(pikepdf.open(io.BytesIO(data)).pages) == 8
    finally:
        context.close()
        server.stop()


# Each tool with its default options, as a new user tries it: a file, what is required.
LOCKED = "005-libreoffice-writer-password/libreoffice-writer-password.pdf"
DEFAULT_RUNS = {
    "merge": ([FOUR, OUTLINE], {}),
    "split": ([FOUR], {}),
    "rotate": ([FOUR], {}),
    "remove": ([FOUR], {"#opt-pages": "2"}),
    "extract": ([FOUR], {"#opt-pages": "1-2"}),
    "compress": ([FOUR], {}),
    "protect": ([FOUR], {"#opt-new_password": "s3cret", "#opt-new_password_again": "s3cret"}),
    "unlock": ([LOCKED], {"#opt-password": "openpassword"}),
    "metadata": ([FOUR], {"#opt-title": "New title"}),
    "strip-metadata": ([FOUR], {}),
    "pdf-to-images": ([FOUR], {}),
    "crop": ([FOUR], {"#opt-left": "0.1"}),
    "flatten": (["010-pdflatex-forms/pdflatex-forms.pdf"], {}),
    "repair": ([FOUR], {}),
    "sign": ([FOUR], {"#opt-text": "王小明"}),
    "forms": (["012-libreoffice-form/libreoffice-form.pdf"], {"#ff-1": "李"}),
    "page-numbers": ([FOUR], {}),
    "watermark": ([FOUR], {"#opt-text": "草稿"}),
    "redact": ([FOUR], {"#opt-text": "text"}),
}


def _field_values(data: bytes) -> dict:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {f.fully_qualified_name: str(f.value) for f in pdf.acroform.fields}


@pytest.mark.parametrize("slug", sorted(DEFAULT_RUNS))
def test_every_tool_gives_a_file_with_its_defaults(chromium, sheaf, samples, slug):
    files, fill = DEFAULT_RUNS[slug]
    context = chromium.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/{slug}", wait_until="load")
        choose(page, [str(samples / f) for f in files])
        if slug == "sign":
            page.click("#way-type")  # the pad opens on drawing
        for selector, value in fill.items():
            page.fill(selector, value)
        if page.locator("#page-box").count():
            # The page preview arrives a moment later and moves the run button down: a
            # click aimed before it lands would hit the preview instead.
            # A stamp's preview runs the tool on the whole file first: slow on a busy machine.
            expect(page.locator("#page-image")).to_have_attribute(
                "src", re.compile("^data:"), timeout=30_000
            )
        data = _download(page, lambda: page.click("#run-button"))
        assert data[:4] in (b"%PDF", b"PK\x03\x04", b"\x89PNG"), slug
        if slug in ("sign", "watermark", "forms"):  # what was typed is in the result
            words = next(iter(fill.values()))
            found = "".join(texts(data)) + json.dumps(_field_values(data), ensure_ascii=False)
            assert words in found, slug
        expect(page.locator("#form-error")).to_be_hidden()
    finally:
        context.close()


def test_compress_offers_described_levels_and_says_what_it_did(page, samples):
    """Balanced by default, each level's line from its declaration, old names not
    offered; the result says the sizes, the percent and the pictures' resolution."""
    page.goto(page.url.rstrip("/") + "/tools/compress", wait_until="load")
    level = page.locator("#opt-level")
    expect(level).to_have_value("balanced")
    labels = level.locator("option").all_inner_texts()
    assert [lb.split(":")[0] for lb in labels] == ["Lossless", "Print", "Balanced", "Smallest"]
    assert "150 dpi" in labels[2]
    choose(page, str(samples / "003-pdflatex-image/pdflatex-image.pdf"))
    _download(page, lambda: page.click("#run-button"))
    expect(page.locator("#result")).to_contain_text(re.compile(r"KB → .* KB, \d+% smaller"))


PROTECT_WORDS = {
    "en-US": ("not the same", "opens only with the new password", "cannot be recovered"),
    "zh-CN": ("不一致", "只能用新密码打开", "无法找回"),
}


@pytest.mark.parametrize("locale", sorted(PROTECT_WORDS))
@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_protect_asks_for_the_password_twice_and_says_what_it_did(
    chromium, sheaf, samples, locale, size
):
    mismatch, done, warning = PROTECT_WORDS[locale]
    context = chromium.new_context(
        accept_downloads=True, locale=locale, viewport={"width": size[0], "height": size[1]}
    )
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/protect", wait_until="load")
        expect(page.locator("#help-new_password_again")).to_contain_text(warning)
        choose(page, str(samples / FOUR))
        page.fill("#opt-new_password", "s3cret")
        page.fill("#opt-new_password_again", "s3crte")
        page.click("#run-button")
        expect(page.locator("#error-new_password_again")).to_contain_text(mismatch)
        expect(page.locator("#result")).to_be_hidden()  # nothing was locked
        page.check("#show-passwords")
        expect(page.locator("#opt-new_password_again")).to_have_attribute("type", "text")
        page.fill("#opt-new_password_again", "s3cret")
        expect(page.locator("#error-new_password_again")).to_have_count(0)
        data = _download(page, lambda: page.click("#run-button"))
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(io.BytesIO(data))
        pikepdf.open(io.BytesIO(data), password="s3cret").close()
        expect(page.locator("#result")).to_contain_text(done)
        expect(page.locator("#result")).not_to_contain_text("keeps its password")
        expect(page.locator("#result")).not_to_contain_text("原来的密码")
    finally:
        context.close()


def test_words_say_what_happens_in_both_languages(chromium, sheaf):
    """Compress starts at the balanced level, Chinese page help asks for “最后” (what the
    ranges accept), and the details tool says it downloads a copy."""
    for locale, balanced, last, details in (
        ("en-US", "Balanced", "or last", "Download with new details"),
        ("zh-CN", "均衡", "“最后”", "下载改好信息的副本"),
    ):
        context = chromium.new_context(locale=locale)
        try:
            page = context.new_page()
            page.goto(sheaf.url)
            page.wait_for_url(f"{sheaf.base}/")
            page.goto(f"{sheaf.base}/tools/compress")
            expect(page.locator("#opt-level option:checked")).to_contain_text(balanced)
            page.goto(f"{sheaf.base}/tools/rotate")
            expect(page.locator("#help-pages")).to_contain_text(last)
            expect(page.locator("#help-pages")).not_to_contain_text("或 last")
            page.goto(f"{sheaf.base}/tools/metadata")
            expect(page.locator("#run-button")).to_have_text(details)
        finally:
            context.close()


def test_counts_and_sizes_are_said_right(page, samples, tmp_path):
    """A one-page file says “1 page”; a file Compress cannot shrink says so and comes back
    as it was, instead of “reduced from 24 KB to 24 KB”."""
    page.goto(page.url + "tools/compress", wait_until="load")
    choose(page, str(samples / "001-trivial/minimal-document.pdf"))
    expect(page.locator(".file-pages")).to_have_text("1 page")
    once = tmp_path / "once.pdf"
    once.write_bytes(_download(page, lambda: page.click("#run-button")))
    page.reload(wait_until="load")
    choose(page, str(once))
    again = _download(page, lambda: page.click("#run-button"))
    assert again == once.read_bytes()
    expect(page.locator("#result")).to_contain_text("Nothing could be made smaller")


@pytest.mark.parametrize(
    "locale, arrange, rotate_says",
    [("en-US", "Arrange pages", "at once"), ("zh-CN", "调整页面", "一次旋转")],
)
def test_home_groups_tools_by_what_people_want_to_do(chromium, sheaf, locale, arrange, rotate_says):
    context = chromium.new_context(locale=locale, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        grid = page.locator(".tool-group", has_text=arrange).locator(
            "xpath=following-sibling::ul[1]"
        )
        expect(grid.locator("[data-tool=rotate]")).to_contain_text(rotate_says)
        expect(grid.locator("[data-tool=organize]")).to_be_visible()
        # The two kinds of document details sit together.
        details = page.locator("ul.tool-grid", has=page.locator("[data-tool=metadata]"))
        expect(details.locator("[data-tool=strip-metadata]")).to_have_count(1)
    finally:
        context.close()


def test_the_brand_name_shows_on_phones(chromium, sheaf):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        expect(page.locator(".brand span")).to_be_visible()
        expect(page.locator(".brand span")).to_have_text("Sheaf")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


SIZE_WORDS = {"en-US": "pictures for 4 pages", "zh-CN": "4 页图片约"}


@pytest.mark.parametrize("locale", sorted(SIZE_WORDS))
def test_pdf_to_images_says_roughly_how_big_the_result_will_be(chromium, sheaf, samples, locale):
    context = chromium.new_context(accept_downloads=True, locale=locale)
    try:
        page = context.new_page()
        page.goto(sheaf.url)
        page.wait_for_url(f"{sheaf.base}/")
        page.goto(f"{sheaf.base}/tools/pdf-to-images", wait_until="load")
        choose(page, str(samples / FOUR))
        page.fill("#opt-dpi", "300")
        note = page.locator("#size-estimate")
        expect(note).to_contain_text(SIZE_WORDS[locale])
        said = re.search(r"([\d.]+) (KB|MB)", note.inner_text())
        estimate = float(said.group(1)) * (1024 if said.group(2) == "KB" else 1024 * 1024)
        data = _download(page, lambda: page.click("#run-button"))
        assert 0.2 < len(data) / estimate < 5, (len(data), estimate)  # the right size, roughly
    finally:
        context.close()
