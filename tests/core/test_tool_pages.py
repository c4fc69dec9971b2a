"""Tool pages against the API's declarations, read from the rendered HTML.

The pages derive their inputs from the operations' declarations (app/views/tool_model.py);
these tests parse what a browser would get and compare it with the declarations by
rules of their own (the file-name endings below are written here again on purpose),
so a derivation that goes wrong fails here instead of agreeing with itself.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app import create_app
from app.api.declare import find, operations
from app.api.inputs import Field
from app.settings import Settings
from app.views.catalog import API_ONLY, TOOLS
from app.views.tool_model import Option, kind_of

#: What a chooser's file-name ending stands for, independent of the app's own table.
ENDINGS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(Settings(mode="server", temp_root=tmp_path_factory.mktemp("pages")))
    return app.test_client()


class _Form(HTMLParser):
    """The tool's form as a browser sees it: its attributes, inputs and lists."""

    def __init__(self) -> None:
        super().__init__()
        self.form: dict[str, str] = {}
        self.organize = ""  # the organizer's route, on its section
        self.inputs: list[dict[str, str]] = []
        self.selects: dict[str, list[dict[str, str]]] = {}
        self._inside = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.organize = a.get("data-organize", self.organize)
        if tag == "form" and a.get("id") in ("tool-form", "organize-form"):
            self.form, self._inside = a, True
        elif not self._inside:
            return
        elif tag == "input":
            self.inputs.append(a)
        elif tag == "select":
            self._select = a["name"]
            self.selects[a["name"]] = []
        elif tag == "option" and self._select:
            self.selects[self._select].append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None


def _page(client, slug: str) -> _Form:
    response = client.get(f"/tools/{slug}")
    assert response.status_code == 200, slug
    form = _Form()
    form.feed(response.get_data(as_text=True))
    assert form.form, f"{slug}: no tool form"
    return form


def _input_type(declared: Field) -> str:
    """The input a field should be, by the rule people were promised (issue 19)."""
    return {
        "boolean": "checkbox",
        "integer": "number",
        "number": "number",
        "password": "password",
        "file": "file",
        "files": "file",
    }.get(declared.kind, "select" if declared.enum else "text")


def _accepts(accept: str) -> set[str]:
    """The media types a chooser offers; every ending must stand for one of them."""
    parts = [p for p in accept.split(",") if p]
    types = {p for p in parts if "/" in p}
    endings = [p for p in parts if p.startswith(".")]
    assert len(types) + len(endings) == len(parts), accept
    assert {ENDINGS[e] for e in endings} == types, f"endings and types differ: {accept}"
    return types


def _number(text: str) -> float | None:
    return float(text) if text else None


def _check_input(slug: str, a: dict[str, str], declared: Field, batch: bool) -> None:
    where = (slug, declared.name)
    if declared.enum and a["type"] == "radio":  # a choice shown as buttons (sign's fonts)
        assert a["value"] in declared.enum, where
        assert ("checked" in a) == (a["value"] == declared.default), where
        return
    assert a["type"] == _input_type(declared), where
    if a["type"] == "file":
        assert _accepts(a.get("accept", "")) == set(declared.accept), where
        many = declared.kind == "files" or (batch and a.get("id") == "file-input")
        assert ("multiple" in a) == many, where
    elif a["type"] == "checkbox":
        assert a["value"] == "true", where
        assert ("checked" in a) == (declared.default is True), where
    else:
        value = a.get("value", "")
        if a["type"] == "number" and value:
            assert float(value) == declared.default, where
        else:
            assert value == ("" if declared.default is None else declared.default), where
        assert ("required" in a) == declared.required, where
        if a["type"] == "number":
            assert _number(a.get("min", "")) == declared.minimum, where
            assert _number(a.get("max", "")) == declared.maximum, where
            assert a["step"] == ("any" if declared.kind == "number" else "1"), where


@pytest.mark.parametrize("slug", [t.slug for t in TOOLS])
def test_every_input_is_what_its_field_declares(client, slug):
    """Each input the page posts is a declared field shown as its kind says: the input
    type, what a chooser offers, several files or one, the default, the limits; the
    form posts to the operation's route and names its upload field."""
    tool = next(t for t in TOOLS if t.slug == slug)
    operation = find(tool.operation)
    declared = {f.name: f for f in operation.fields}
    page = _page(client, slug)
    batch = page.form.get("data-batch") == "true"
    endpoint = page.form.get("data-endpoint") or page.organize  # the organizer: on its section
    assert endpoint == f"/api/v1/{operation.name}", slug
    upload = next(a for a in page.inputs if a.get("id") == "file-input")
    files = [f for f in operation.fields if f.kind in ("file", "files")]
    _check_input(slug, upload, files[0], batch)
    if "data-field" in page.form:
        assert upload["name"] == page.form["data-field"] == files[0].name, slug
        assert page.form["data-multiple"] == str(files[0].kind == "files").lower(), slug
    seen = set()
    for a in page.inputs:
        name = a.get("name")
        if a.get("type") == "hidden" or name in (None, "csrf_token") or a is upload:
            continue
        assert name in declared, f"{slug}: {name!r} is not a field of {operation.name}"
        _check_input(slug, a, declared[name], batch)
        seen.add(name)
    for name, options in page.selects.items():
        field = declared[name]
        assert _input_type(field) == "select", (slug, name)
        assert [o["value"] for o in options] == list(field.enum), (slug, name)
        selected = [o["value"] for o in options if "selected" in o]
        assert selected == ([] if field.default is None else [field.default]), (slug, name)
        seen.add(name)
    # The "password, if the PDF is protected" box, or the page's own password option.
    assert ("password" in seen) == ("password" in declared), slug
    for name in seen:  # a checkbox posts "false" when unchecked: a hidden twin after it
        twins = [a for a in page.inputs if a.get("type") == "hidden" and a.get("name") == name]
        checkbox = _input_type(declared[name]) == "checkbox"
        assert [a["value"] for a in twins] == (["false"] if checkbox else []), (slug, name)


def test_every_operation_has_a_tool_page_or_is_api_only_on_purpose():
    declared = {op.name for op in operations()}
    paged = {tool.operation for tool in TOOLS}
    assert paged <= declared, "tool pages for operations that are gone"
    assert not paged & set(API_ONLY), "a tool page for an operation listed as API-only"
    missing = declared - paged - set(API_ONLY)
    assert not missing, f"give these a tool page, or add them to catalog.API_ONLY: {missing}"
    assert set(API_ONLY) <= declared, "API_ONLY names operations that are gone"


def test_no_option_repeats_its_declared_kind():
    """``kind=`` is only for showing a field otherwise than its declaration says."""
    for tool in TOOLS:
        for opt in tool.options:
            derived = kind_of(find(tool.operation).field(opt.name))
            assert not opt.kind or opt.kind != derived, (tool.slug, opt.name)


def test_an_option_written_the_old_way_says_what_changed():
    with pytest.raises(TypeError, match="kind comes from the declaration"):
        Option("dpi", "DPI", "number")  # type: ignore[arg-type]
