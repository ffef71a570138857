"""quick_check__v / boxed_warning_detect__v on the built-in engine: the boxed warning and its text.

A boxed ("black box") warning is the most prominent safety statement a label carries, and
promotional pieces for such products must present it. It is there when a heading names it
("Boxed Warning", "BLACK BOX WARNING" in any case, or "WARNING:" in capitals before a title that
names a grave risk, as US labels print it) and the warning's text follows, or when that text
sits in a frame: box-drawing characters, rows of `*`, `=` or `-`, or an HTML element drawn with
a border. A pointer to a warning printed elsewhere ("Read the Boxed Warning in the full
Prescribing Information"), a heading followed only by such a pointer or by "None", and everyday
warnings ("Warnings and Precautions", "WARNING: Keep out of reach of children") are not one.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from actionvault.actions.context import ActionContext, json_output, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.text.html import DocumentText, PositionedParser

_LINE_RE = re.compile(r"[^\n]*\n?")
_BORDER_CHARS = "+*=-_#~─━═┌┐└┘╔╗╚╝╭╮╰╯┏┓┗┛├┤╠╣┬┴╦╩┼╬"
_SIDE_CHARS = "|│┃║*#"
_MIN_BORDER_RUN = 5
# Text framed by a top and a bottom border this many lines apart at most is one box.
_MAX_BOX_LINES = 60
# A boxed warning names itself ("Boxed Warning", "BLACK BOX WARNING"), in any case.
_NAMED_RE = re.compile(
    r"(?:BOXED|BLACK[\s-]*BOX(?:ED)?)\s+WARNINGS?\b\s*(?P<colon>[:\u2013\u2014-])?\s*(?P<rest>.*)",
    re.IGNORECASE,
)
# US labelling prints "WARNING:" in capitals before the warning's title.
_CAPS_RE = re.compile(r"WARNING\b(?!S)\s*(?::\s*(?P<rest>.*\S))?\s*$")
_ANY_CASE_RE = re.compile(_CAPS_RE.pattern, re.IGNORECASE)
_MAX_NAMED_HEADING_WORDS = 8
_MAX_TITLE_WORDS = 16
# A boxed warning's title names a grave risk ("RISK OF SERIOUS INFECTIONS", "Lactic
# acidosis"); an instruction or a statement about the product ("Keep out of reach of
# children", "This product contains ...") is an everyday warning.
_RISK_RE = re.compile(
    r"\b(?:risks?|mortality|death|fatal|suicid\w*|serious|severe|toxicit\w*|tumou?rs?|cancers?"
    r"|malignan\w*|lymphoma|infections?|bleeding|ha?emorrhag\w*|abuse|addiction|misuse"
    r"|dependence|respiratory\s+depression|embryo\w*|f(?:o)?etal|teratogen\w*|hepatotoxicity"
    r"|liver|cardiovascular|thrombo\w*|stroke|arrhythmi\w*|lactic\s+acidosis|anaphyla\w*"
    r"|myelosuppression|neutropenia|leukoencephalopathy|dementia|neuropsychiatric|dysfunction)\b",
    re.IGNORECASE,
)
_INSTRUCTION_RE = re.compile(
    r"(?:keep|do|don't|use|for|ask|stop|avoid|read|see|consult|not|store|if|this|these|may"
    r"|contains|choking|flammable|external)\b",
    re.IGNORECASE,
)
# A sentence that sends the reader to a warning printed elsewhere.
_POINTER_RE = re.compile(
    r"\b(?:see|read|refer\s+to|review|consult|found\s+in|available\s+(?:at|in|on|from)"
    r"|printed|enclosed|accompanying|attached|provided\s+(?:in|with))\b",
    re.IGNORECASE,
)
_ELSEWHERE_RE = re.compile(
    r"\bboxed\s+warning|\bprescribing\s+information\b|\bPI\b|\blabel(?:ling|ing)?\b"
    r"|\bpackage\s+insert\b|\bmedication\s+guide\b|\bleaflet\b|\bwww\.|https?://|\.com\b",
    re.IGNORECASE,
)
_NONE_RE = re.compile(r"(?:none|not\s+applicable|n/?a|no\s+boxed\s+warning)\b", re.IGNORECASE)
_SENTENCE_BREAK_RE = re.compile(r"(?<=[.!?])\s+|\n")
_MIN_WARNING_WORDS = 3


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
    """A row of frame characters, which may end in the frame's sides ("|=====|")."""
    stripped = line.strip()
    return (
        len(stripped) >= _MIN_BORDER_RUN
        and all(c in _BORDER_CHARS or c in "|│┃║ " for c in stripped)
        and sum(c in _BORDER_CHARS for c in stripped) >= _MIN_BORDER_RUN
    )


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _heading_content(content: str) -> str:
    """A line's words without leading symbols ("⚠ WARNING", "► Boxed Warning")."""
    return content.lstrip("^•►▶⚠!>*#_|:-–— \t").strip()


def is_warning_heading(content: str, framed: bool = False) -> bool:
    """Whether a line opens a boxed warning: "Boxed Warning" / "BLACK BOX WARNING" in any case
    as a heading (alone, or before a colon), or "WARNING:" in capitals before a title that names
    a grave risk. In a frame or a bordered box a plain "WARNING" heading is enough, and
    "Warning:" in any case before a title that names a grave risk."""
    words = _heading_content(content)
    named = _NAMED_RE.match(words)
    if named:
        stands_alone = bool(named.group("colon")) or (
            len(words.split()) <= _MAX_NAMED_HEADING_WORDS and not words.endswith((".", ","))
        )
        return stands_alone and not _is_pointer(words) and not _NONE_RE.match(named["rest"])
    caps = _CAPS_RE.match(words)
    heading = caps or (_ANY_CASE_RE.match(words) if framed else None)
    if heading:
        title = heading.group("rest") or ""
        if not title:
            return framed
        if _INSTRUCTION_RE.match(title) or _NONE_RE.match(title):
            return False
        if caps and _is_caps(title) and len(words.split()) <= _MAX_TITLE_WORDS:
            return True
        return bool(_RISK_RE.search(title))
    return framed and _is_caps(words) and "WARNING" in words.split() and not _is_pointer(words)


def _is_pointer(sentence: str) -> bool:
    return bool(_POINTER_RE.search(sentence) and _ELSEWHERE_RE.search(sentence))


def carries_warning_text(text: str) -> bool:
    """Whether the text after a heading is a warning, not only a pointer to one printed
    elsewhere ("See full prescribing information for complete boxed warning.") or "None"."""
    own = [s for s in _SENTENCE_BREAK_RE.split(text) if s.strip() and not _is_pointer(s)]
    if not own or _NONE_RE.match(_heading_content(own[0])):
        return False
    return sum(len(s.split()) for s in own) >= _MIN_WARNING_WORDS


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


def _inline(content: str) -> str:
    """What follows the heading on its own line, when it is the warning's text rather than its
    title ("Boxed Warning: Serious liver injury, including fatal cases, has ... ")."""
    words = _heading_content(content)
    match = _NAMED_RE.match(words) or _CAPS_RE.match(words)
    rest = (match.group("rest") or "").strip() if match else ""
    is_title = len(rest.split()) <= _MAX_TITLE_WORDS and not rest.endswith((".", "!"))
    return "" if is_title or _is_caps(rest) else rest


def _title_and_text(content: str, body: str) -> tuple[str, str]:
    """The heading line is the title, unless the warning's text follows it on the same line:
    then the title is what comes before that text."""
    title = " ".join(content.split())
    inline = " ".join(_inline(content).split())
    if not inline:
        return title, body
    heading = title[: title.rfind(inline)].rstrip(" :\u2013\u2014-") if inline in title else title
    return heading, "\n".join(part for part in (inline, body) if part)


def _box_text(lines: list[_Line], title_index: int) -> str:
    contents = (" ".join(line.content.split()) for line in lines[title_index + 1 :])
    return "\n".join(c for c in contents if c)


def _in_box(lines: list[_Line], detected_by: str) -> BoxedWarning | None:
    """The warning in a box's lines: its first warning heading and the text after it."""
    for index, line in enumerate(lines):
        if is_warning_heading(line.content, framed=True):
            title, text = _title_and_text(line.content, _box_text(lines, index))
            if carries_warning_text(text):
                return BoxedWarning(title, text, line.content_offset, detected_by)
            return None
    return None


def framed_warnings(visible: str) -> Iterator[BoxedWarning]:
    lines = _lines(visible)
    borders = [i for i, line in enumerate(lines) if is_border(line.raw)]
    for top, bottom in itertools.pairwise(borders):
        if bottom - top < 2 or bottom - top > _MAX_BOX_LINES:
            continue
        found = _in_box(lines[top + 1 : bottom], "framed box")
        if found is not None:
            yield found


def text_warnings(visible: str) -> Iterator[BoxedWarning]:
    lines = _lines(visible)
    for index, line in enumerate(lines):
        content = line.content
        if not content or not is_warning_heading(content):
            continue
        title, text = _title_and_text(content, _body(lines, index))
        if carries_warning_text(text):
            yield BoxedWarning(title, text, line.content_offset, "heading")


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
        warning = _in_box(_lines(document.visible[start:end], start), "html box")
        if warning is not None and warning.offset not in found:
            found[warning.offset] = warning
    yield from found.values()


_PRIORITY = {"html box": 0, "framed box": 1, "heading": 2}


_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|tr|td|th|table|br|section|article|aside|header|footer"
    r"|blockquote|fieldset|dl|dt|dd|hr)\b[^>]*>",
    re.IGNORECASE,
)


def _lined(document: DocumentText) -> DocumentText:
    """HTML's visible text with a line break where each block element starts or ends (in the
    blank its tag left), so headings and paragraphs are lines even when the source is one."""
    if not document.is_html:
        return document
    chars = list(document.visible)
    for match in _BLOCK_TAG_RE.finditer(document.raw):
        if chars[match.start()] == " ":
            chars[match.start()] = "\n"
    return replace(document, visible="".join(chars))


def find_boxed_warning(document: DocumentText) -> BoxedWarning | None:
    """The first boxed warning in the document; where several rules find the same one, the
    rule that knows where its box ends gives the text."""
    document = _lined(document)
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
