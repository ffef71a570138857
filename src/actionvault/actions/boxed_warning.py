"""quick_check__v / boxed_warning_detect__v on the built-in engine: the boxed warning and its text.

A boxed ("black box") warning is the most prominent safety statement a label carries, and
promotional pieces for such products must present it. It shows up in a few recognisable forms:
an HTML element drawn with a border around a WARNING heading, a text box framed by box-drawing
characters or rows of `*`, `=` or `-`, a "BOXED WARNING" / "BLACK BOX WARNING" heading, or a
"WARNING: TITLE IN CAPITALS" line as FDA labels print it. Ordinary mentions ("see Boxed
Warning", "Warnings and Precautions", "Warning: keep out of reach of children") are not boxes.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from actionvault.actions.context import ActionContext, json_output, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.text.html import DocumentText, PositionedParser

_LINE_RE = re.compile(r"[^\n]*\n?")
_BORDER_CHARS = "+*=-_#~─━═┌┐└┘╔╗╚╝╭╮╰╯┏┓┗┛├┤╠╣┬┴╦╩┼╬"
_SIDE_CHARS = "|│┃║*#"
_MIN_BORDER_RUN = 5
# Text framed by a top and a bottom border this many lines apart at most is one box.
_MAX_BOX_LINES = 60
_WARNING_WORD_RE = re.compile(r"\bWARNING\b")
_CAPS_TITLE_RE = re.compile(r"WARNING\s*:\s*(.*\S)")
_NAMED_BOX_RE = re.compile(r"(?:BOXED|BLACK[\s-]+BOX)\s+WARNING\b", re.IGNORECASE)
_MAX_TITLE_WORDS = 16


@dataclass(frozen=True, slots=True)
class BoxedWarning:
    title: str
    text: str
    offset: int
    detected_by: str  # html box | framed box | heading


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    raw: str

    @property
    def content(self) -> str:
        """The words of the line without frame characters or Markdown emphasis."""
        return self.raw.strip().strip(_SIDE_CHARS + " \t").strip("*_#> \t").strip()

    @property
    def content_offset(self) -> int:
        content = self.content
        found = self.raw.find(content) if content else 0
        return self.start + max(found, 0)


def _lines(text: str, start: int = 0) -> list[_Line]:
    return [
        _Line(start + m.start(), m.group().rstrip("\r\n"))
        for m in _LINE_RE.finditer(text)
        if m.group()
    ]


def is_border(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) >= _MIN_BORDER_RUN
        and all(c in _BORDER_CHARS or c == " " for c in stripped)
        and sum(c in _BORDER_CHARS for c in stripped) >= _MIN_BORDER_RUN
    )


def _is_caps_title(content: str) -> bool:
    """The title after "WARNING:" is in capitals, as in "WARNING: RISK OF C-CELL TUMORS"."""
    match = _CAPS_TITLE_RE.match(content)
    if not match or len(content.split()) > _MAX_TITLE_WORDS:
        return False
    letters = [c for c in match.group(1) if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _is_named_box_heading(content: str) -> bool:
    return (
        bool(_NAMED_BOX_RE.match(content))
        and len(content.split()) <= 8
        and not content.endswith((".", ","))
    )


def _is_heading(content: str) -> bool:
    letters = [c for c in content if c.isalpha()]
    return (
        len(content.split()) <= 8
        and len(letters) >= 3
        and all(c.isupper() for c in letters)
        and not content.startswith(("•", "-", "*"))
    )


def _body(lines: list[_Line], after: int) -> str:
    """Lines after the title: the first block of text, up to a blank line after it, the next
    heading, or a border."""
    body: list[str] = []
    for line in lines[after + 1 :]:
        if is_border(line.raw):
            break
        content = line.content
        if not content:
            if body:
                break
            continue
        if body and (_is_heading(content) or line.raw.lstrip().startswith("#")):
            break
        body.append(" ".join(content.split()))
    return "\n".join(body)


def _box_text(lines: list[_Line], title_index: int) -> str:
    contents = (" ".join(line.content.split()) for line in lines[title_index + 1 :])
    return "\n".join(c for c in contents if c)


def framed_warnings(visible: str) -> Iterator[BoxedWarning]:
    lines = _lines(visible)
    borders = [i for i, line in enumerate(lines) if is_border(line.raw)]
    for top, bottom in itertools.pairwise(borders):
        if bottom - top < 2 or bottom - top > _MAX_BOX_LINES:
            continue
        inside = lines[top + 1 : bottom]
        for index, line in enumerate(inside):
            if _WARNING_WORD_RE.search(line.content):
                title = " ".join(line.content.split())
                yield BoxedWarning(
                    title, _box_text(inside, index), line.content_offset, "framed box"
                )
                break


def text_warnings(visible: str) -> Iterator[BoxedWarning]:
    lines = _lines(visible)
    for index, line in enumerate(lines):
        content = line.content
        if not content or not (_is_named_box_heading(content) or _is_caps_title(content)):
            continue
        title = " ".join(content.split())
        body = _body(lines, index)
        if _is_named_box_heading(content) and not body:
            continue
        yield BoxedWarning(title, body, line.content_offset, "heading")


_BOX_TAGS = frozenset({"div", "table", "section", "aside", "td", "p", "blockquote", "fieldset"})
_BORDER_STYLE_RE = re.compile(
    r"(?:^|;)\s*border(?:-width|-style)?\s*:\s*(?!\s*(?:none|0(?:px)?\s*(?:;|$)|hidden))",
    re.IGNORECASE,
)
_BOX_CLASS_RE = re.compile(r"\b(?:box|boxed|black-?box|bbw|boxed-?warning)\b", re.IGNORECASE)
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip


class _BoxParser(PositionedParser):
    """Spans of elements drawn with a border, or named as a box by their class."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.boxes: list[tuple[int, int]] = []
        self._open: list[tuple[str, bool, int]] = []
        self._open_names: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            return
        values = {name: value or "" for name, value in attrs}
        boxed = tag in _BOX_TAGS and (
            bool(_BORDER_STYLE_RE.search(values.get("style", "")))
            or values.get("border", "0").strip() not in ("", "0")
            or bool(_BOX_CLASS_RE.search(f"{values.get('class', '')} {values.get('id', '')}"))
        )
        self._open.append((tag, boxed, self.position()))
        self._open_names[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if not self._open_names[tag]:
            return  # a stray end tag closes nothing
        while self._open:
            name, boxed, start = self._open.pop()
            self._open_names[name] -= 1
            if boxed:
                self.boxes.append((start, self.position()))
            if name == tag:
                break

    def close(self) -> None:
        super().close()
        for _, boxed, start in self._open:
            if boxed:
                self.boxes.append((start, len(self.text)))
        self._open.clear()


def html_box_warnings(document: DocumentText) -> Iterator[BoxedWarning]:
    parser = _BoxParser(document.raw)
    parser.run()
    found: dict[int, BoxedWarning] = {}
    # Innermost boxes first, so a bordered title bar inside the real box does not hide it.
    for start, end in sorted(parser.boxes, key=lambda span: span[1] - span[0]):
        lines = _lines(document.visible[start:end], start)
        for index, line in enumerate(lines):
            if _WARNING_WORD_RE.search(line.content):
                offset = line.content_offset
                body = _box_text(lines, index)
                if body and offset not in found:
                    title = " ".join(line.content.split())
                    found[offset] = BoxedWarning(title, body, offset, "html box")
                break
    yield from found.values()


_PRIORITY = {"html box": 0, "framed box": 1, "heading": 2}


def find_boxed_warning(document: DocumentText) -> BoxedWarning | None:
    """The first boxed warning in the document; where several rules find the same one, the
    rule that knows where its box ends gives the text."""
    candidates = [*framed_warnings(document.visible), *text_warnings(document.visible)]
    if document.is_html:
        candidates += html_box_warnings(document)
    if not candidates:
        return None
    return min(candidates, key=lambda w: (w.offset, _PRIORITY[w.detected_by]))


def boxed_warning_payload(document: DocumentText) -> dict[str, object]:
    warning = find_boxed_warning(document)
    if warning is None:
        return {
            "boxed_warning_present": False,
            "title": None,
            "text": None,
            "offset": None,
            "detected_by": None,
            "message": "No boxed warning was found.",
        }
    return {
        "boxed_warning_present": True,
        "title": warning.title,
        "text": warning.text,
        "offset": warning.offset,
        "detected_by": warning.detected_by,
        "message": f"Found a boxed warning ({warning.detected_by}): {warning.title}",
    }


async def detect_boxed_warning(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Boxed Warning Detect")
    return [json_output(await asyncio.to_thread(boxed_warning_payload, document))]
