"""The text out of everything else the result holds: strings, names and streams.

Once the pages that show the text are pictures, every value the result will
hold (:mod:`.walk`) is read:

* **strings** (details, bookmarks, layer names, attachment names, link
  addresses, comments, field values, structure, page labels...) have the text
  blacked out, in whichever encoding they hold it;
* **names** the document chose (destinations, custom detail keys, checkbox
  export values) are renamed the same way everywhere (:mod:`.names`);
* **streams** are decoded within the job's budget (a stream too large to read
  safely is removed, never kept unread) and read: XMP is rewritten
  (:mod:`.xmp`); a drawing stream still holding the text (a form nothing draws,
  an appearance state nobody sees) and any other stream holding it
  (attachment contents, JavaScript, XFA, private data, thumbnails) is removed
  with every reference to it. Drawing streams that show text only a renderer
  reads (Chinese in a CID font) are read with pdfium (:func:`.view.read_streams`).

Images and font programs are pictures and glyphs, not words, and are not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from app.pdf.core.budget import _Over, decoded_size
from app.pdf.core.job import Job
from app.pdf.redact import tokens, walk, xmp
from app.pdf.redact.audit import said_holds
from app.pdf.redact.names import CHOSEN_KEYS, CHOSEN_VALUES, renamable, renamed
from app.pdf.redact.needle import BLACK, Needle
from app.pdf.redact.report import Report

ObjGen = tuple[int, int]
FONT_FILES = {"/FontFile", "/FontFile2", "/FontFile3"}
#: Streams that are machinery, not words: maps of glyph codes, colour profiles, functions.
MACHINERY = {"/ToUnicode", "/Encoding", "/CIDSet", "/CIDToGIDMap", "/Function", "/Functions"}
APPEARANCE_STATES = {"/N", "/D", "/R"}
#: A font's strings: its glyph names (``/underscore`` is not the word "under") and the
#: character collection it uses.
GLYPH_LISTS = {"/CharSet", "/Registry", "/Ordering", "/FontFamily"}
#: What a removed stream was, by the place it sat in.
REMOVED_KIND = {
    "attachments": "attachment",
    "javascript": "javascript",
    "xfa": "xfa",
    "private_data": "private_data",
    "thumbnails": "thumbnail",
    "metadata": "metadata",
}


@dataclass
class Scrub:
    pdf: pikepdf.Pdf
    needle: Needle
    job: Job
    report: Report
    folder: Path
    skip: frozenset[ObjGen] = frozenset()  # the new page pictures
    used: set[ObjGen] = field(default_factory=set)  # drawing streams pages use
    clean: set[ObjGen] = field(default_factory=set)  # ... read already, not holding it
    drop_thumbnails: bool = False
    doomed: set[ObjGen] = field(default_factory=set)
    _unread: list[ObjGen] = field(default_factory=list)
    _names: dict[ObjGen, str] = field(default_factory=dict)

    def run(self) -> None:
        self._attachment_names()
        keys: list[tuple[pikepdf.Object, str]] = []
        for count, slot in enumerate(walk.values(self.pdf, self.skip)):
            if count % 4096 == 0:
                self.job.check()
            chosen = slot.parent_key in CHOSEN_KEYS
            if isinstance(slot.key, str) and renamable(
                slot.key, self.needle, slot.parent_key, chosen
            ):
                keys.append((slot.container, slot.key))
            self._value(slot)
        for container, key in keys:
            new = str(renamed(key, self.needle))
            while new in container:
                new += BLACK
            container[new] = container[key]
            del container[key]
            self.report.place("names")
        if self._unread:
            from app.pdf.redact.view import read_streams

            for objgen in read_streams(self.pdf, self._unread, self.needle, self.folder, self.job):
                self._doom(objgen, "drawing", "")
                self.report.place("drawings")
        if self.doomed:
            self._remove_doomed()

    def _value(self, slot: walk.Slot) -> None:
        value, key = slot.value, slot.key
        if key in GLYPH_LISTS:
            return
        if isinstance(value, pikepdf.String):
            new = self._string(value)
            if new is not None:
                slot.container[key] = new
                self.report.place(slot.place)
        elif isinstance(value, pikepdf.Name):
            name = str(value)
            guard = key if isinstance(key, str) else slot.parent_key
            if renamable(name, self.needle, guard, key in CHOSEN_VALUES):
                slot.container[key] = renamed(name, self.needle)
                self.report.place(slot.place)
        elif isinstance(value, pikepdf.Stream):
            self._stream(slot, value)

    def _string(self, value: pikepdf.String) -> pikepdf.String | None:
        text = str(value)
        if self.needle.holds(text):
            new = self.needle.black_out(text)
            if new == text or self.needle.holds(new):
                new = BLACK * max(1, min(len(text), 64))
            return pikepdf.String(new)
        raw = bytes(value)
        if self.needle.holds_bytes(raw):
            for codec in ("latin-1", "utf-8"):
                try:
                    decoded = raw.decode(codec)
                except UnicodeDecodeError:
                    continue
                new = self.needle.black_out(decoded)
                if new != decoded and not self.needle.holds_bytes(new.encode(codec, "replace")):
                    return pikepdf.String(new.encode(codec, "replace"))
            return pikepdf.String(BLACK * max(1, min(len(raw) // 2, 64)))
        return None

    def _stream(self, slot: walk.Slot, stream: pikepdf.Stream) -> None:
        kind = _kind(slot, stream)
        if kind in ("image", "font", "machinery") or stream.objgen in self.clean:
            return
        try:
            decoded_size(stream, self.job.max_stream_bytes)
            data = stream.read_bytes()
        except _Over:
            self._doom(stream.objgen, "too_large", "")
            return
        except pikepdf.PdfError:
            data = stream.read_raw_bytes()  # undecodable: read as stored
        if kind == "xmp":
            new = xmp.rewrite(data, self.needle, self.drop_thumbnails)
            if new is None:
                self._doom(stream.objgen, "metadata", "")
            elif new != data:
                stream.write(new)
                self.report.place("metadata")
            return
        if kind == "drawing":
            said = tokens.read(data)
            if said_holds(said, self.needle):
                self._doom(stream.objgen, "drawing", "")
                self.report.place(slot.place)
            elif said.shows_text and stream.objgen not in self.used:
                self._unread.append(stream.objgen)
            return
        if self.needle.holds_bytes(data):
            self.report.place(slot.place)
            self._doom(stream.objgen, REMOVED_KIND.get(slot.place, "data"), "")

    def _doom(self, objgen: ObjGen, kind: str, name: str) -> None:
        if objgen in self.doomed:
            return
        self.doomed.add(objgen)
        name = name or self._names.get(objgen, "")
        self.report.remove("attachment" if objgen in self._names else kind, name)

    def _attachment_names(self) -> None:
        """The (blacked-out) name of each embedded file's stream, for the report."""
        try:
            specs = list(self.pdf.attachments.items())
        except (pikepdf.PdfError, ValueError, TypeError):
            return
        for name, spec in specs:
            ef = spec.obj.get("/EF")
            for stream in ef.values() if isinstance(ef, pikepdf.Dictionary) else ():
                if isinstance(stream, pikepdf.Stream):
                    self._names[stream.objgen] = self.needle.black_out(str(name))

    def _remove_doomed(self) -> None:
        removals: list[tuple[pikepdf.Object, str | int, str | None]] = []
        for slot in walk.values(self.pdf):
            if _gone(slot.value, self.doomed, 0):
                removals.append((slot.container, slot.key, slot.parent_key))
        for container, key, parent_key in reversed(removals):
            if isinstance(container, pikepdf.Array):
                assert isinstance(key, int)
                if key >= len(container):
                    continue
                if parent_key == "/Names" and key % 2 == 1:
                    del container[key]
                    del container[key - 1]  # a name tree's key and its value
                elif parent_key == "/XFA":
                    container[key] = pikepdf.Stream(self.pdf, b"")
                else:
                    del container[key]
            elif isinstance(key, str) and key in container:  # a dictionary's keys are names
                del container[key]


def _kind(slot: walk.Slot, stream: pikepdf.Stream) -> str:
    key, container = slot.key, slot.container
    if stream.get("/Subtype") == pikepdf.Name.Image:
        return "image"
    if key in FONT_FILES:
        return "font"
    if key in MACHINERY or slot.parent_key in MACHINERY or "/FunctionType" in stream:
        return "machinery"
    if isinstance(container, pikepdf.Array) and len(container) and container[0] == "/ICCBased":
        return "machinery"
    if key == "/Metadata" or stream.get("/Type") == pikepdf.Name.Metadata:
        return "xmp"
    if stream.get("/Subtype") == pikepdf.Name.Form or "/PatternType" in stream:
        return "drawing"
    if slot.parent_key == "/CharProcs" or key in APPEARANCE_STATES:
        return "drawing"
    if slot.parent_key in APPEARANCE_STATES or (
        key == "/Contents" and container.get("/Type") == pikepdf.Name.Page
    ):
        return "drawing"
    return "data"


def _gone(value: object, doomed: set[ObjGen], depth: int) -> bool:
    """Is ``value`` removed: a removed stream, or a file specification, JavaScript action
    or file attachment whose payload was removed?"""
    if not isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)) or depth > 3:
        return False
    if value.is_indirect and value.objgen in doomed:
        return True
    if isinstance(value, pikepdf.Stream):
        return False
    ef = value.get("/EF")
    if isinstance(ef, pikepdf.Dictionary) and any(_gone(v, doomed, depth + 1) for v in ef.values()):
        return True
    if value.get("/S") == pikepdf.Name.JavaScript and _gone(value.get("/JS"), doomed, depth + 1):
        return True
    return _gone(value.get("/FS"), doomed, depth + 1)
