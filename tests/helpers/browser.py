"""What browser tests do on tool pages: choose files and take the result's download.

Files chosen on a tool page go to the workspace first (static/js/workspace.js) and the
page lists them when the workspace says so, a moment later: :func:`choose` waits for
that. Results are shown, not downloaded by themselves: :func:`download` presses the
result's Download button.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _name(item: object) -> str:
    return item["name"] if isinstance(item, dict) else Path(str(item)).name


def choose(page, files, selector: str = "#file-input") -> None:
    """Choose files in the tool page's chooser and wait until the page lists them."""
    many = isinstance(files, (list, tuple))
    items = list(files) if many else [files]
    given = [i if isinstance(i, dict) else str(i) for i in items]
    page.set_input_files(selector, given if many else given[0])
    if not page.locator("#file-list").count():
        return  # the organizer lists pages, not files
    multiple = page.get_attribute(selector, "multiple") is not None
    names = [_name(i) for i in (items if multiple else items[-1:])]
    page.wait_for_function(
        """names => {
            const shown = document.querySelector('#file-list').textContent;
            return names.every(n => shown.includes(n));
        }""",
        arg=names,
    )


def download(page, run: Callable[[], None] | None = None, timeout: float = 60_000) -> bytes:
    """Run the tool (``run``, or press its button), then download the result shown."""
    (run or (lambda: page.click("#run-button")))()
    link = page.locator("#download-link")
    link.wait_for(state="visible", timeout=timeout)
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Drag across the page picture between two points given as fractions of it."""
    page.locator("#page-stage").scroll_into_view_if_needed()
    box = page.locator("#page-image").bounding_box()
    page.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
    page.mouse.down()
    for step in range(1, 6):
        f = step / 5
        page.mouse.move(
            box["x"] + (start[0] + (end[0] - start[0]) * f) * box["width"],
            box["y"] + (start[1] + (end[1] - start[1]) * f) * box["height"],
        )
    page.mouse.up()


def violations(page, axe: Path) -> list:
    """What axe-core finds on the page as it is now (the context needs bypass_csp:
    only the test injects axe, Sheaf's pages never need it)."""
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        "async () => (await axe.run()).violations.map("
        "v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
