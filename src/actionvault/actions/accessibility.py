"""quick_check__v / accessibility__v on the built-in engine: WCAG checks of HTML content.

The checks are those a parser can decide without rendering the page: images without
alternative text, heading order, links without a name, and contrast between colours declared
inline (a stylesheet's cascade is out of reach offline, so only `style` and the legacy
`color`/`bgcolor` attributes count, inherited down the element tree, on a white page).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

from actionvault.actions.context import ActionContext, json_output, require_document_text
from actionvault.domain.executions import ActionOutput
from actionvault.errors import ActionFailed
from actionvault.text.contrast import (
    BLACK,
    DEFAULT_FONT_PX,
    RGB,
    WHITE,
    background_color,
    contrast_ratio,
    font_size_px,
    hex_of,
    is_bold_weight,
    minimum_ratio,
    parse_color,
    parse_style,
)
from actionvault.text.html import PositionedParser, has_markup

RULES = {
    "img-alt-missing": "error",
    "img-alt-empty": "error",
    "img-decorative": "info",
    "heading-skipped-level": "error",
    "heading-multiple-h1": "error",
    "heading-no-h1": "error",
    "heading-empty": "error",
    "link-no-text": "error",
    "low-contrast": "error",
}
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BOLD_TAGS = frozenset({"b", "strong", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
# Browsers' default heading sizes, in px at a 16px body.
_HEADING_PX = {"h1": 32.0, "h2": 24.0, "h3": 18.72, "h4": 16.0, "h5": 13.28, "h6": 10.72}
_SNIPPET_CHARS = 120


@dataclass(frozen=True, slots=True)
class Issue:
    rule: str
    element: str
    message: str
    line: int

    @property
    def severity(self) -> str:
        return RULES[self.rule]

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "element": self.element,
            "message": self.message,
            "line": self.line,
        }


@dataclass(eq=False, slots=True)
class _Frame:
    tag: str
    fg: RGB | None
    bg: RGB | None
    size_px: float
    bold: bool
    line: int
    element: str
    #: The nearest element, this one or an ancestor, that declares a colour: contrast
    #: problems are reported once per declaring element, where an author would fix them.
    declarer: _Frame | None = None
    is_link: bool = False
    has_text: bool = False
    named: bool = False  # a link's aria-label/title, or an image with alt text inside it
    reported: bool = False


def _snippet(start_tag: str | None) -> str:
    text = " ".join((start_tag or "").split())
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "\u2026"


class _Checker(PositionedParser):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.issues: list[Issue] = []
        self.counts: Counter[str] = Counter()
        root = _Frame("#root", BLACK, WHITE, DEFAULT_FONT_PX, False, 1, "")
        self._stack: list[_Frame] = [root]
        self._open_names: Counter[str] = Counter()
        self._hidden_depth = 0
        self._previous_level: int | None = None
        self._first_heading: tuple[int, str] | None = None
        self._h1_seen = False

    def _add(self, rule: str, element: str, message: str, line: int) -> None:
        self.issues.append(Issue(rule, element, message, line))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        line = self.getpos()[0]
        element = _snippet(self.get_starttag_text())
        if tag == "img":
            self._check_image(values, element, line)
        if tag in _VOID_TAGS:
            return
        frame = self._frame(tag, values, line, element)
        self._stack.append(frame)
        self._open_names[tag] += 1
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        if tag in _HEADING_PX:
            self._check_heading_order(int(tag[1]), element, line)
        if tag == "a" and "href" in values:
            self.counts["links"] += 1
            frame.is_link = True
            frame.named = any(
                values.get(a, "").strip() for a in ("aria-label", "aria-labelledby", "title")
            )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def _frame(self, tag: str, values: dict[str, str], line: int, element: str) -> _Frame:
        parent = self._stack[-1]
        style = parse_style(values.get("style", ""))
        fg = parse_color(style["color"]) if "color" in style else None
        if fg is None and tag == "font" and "color" in values:
            fg = parse_color(values["color"])
        bg = background_color(style)
        if bg is None and "bgcolor" in values:
            bg = parse_color(values["bgcolor"])
        size = _HEADING_PX.get(tag, parent.size_px)
        if "font-size" in style:
            size = font_size_px(style["font-size"], parent.size_px) or size
        bold = parent.bold or tag in _BOLD_TAGS
        if "font-weight" in style:
            weight = is_bold_weight(style["font-weight"])
            bold = bold if weight is None else weight
        frame = _Frame(tag, fg or parent.fg, bg or parent.bg, size, bold, line, element)
        if fg is not None or bg is not None:
            self.counts["coloured_elements"] += 1
            frame.declarer = frame
        else:
            frame.declarer = parent.declarer
        return frame

    def _check_image(self, values: dict[str, str], element: str, line: int) -> None:
        self.counts["images"] += 1
        decorative = values.get("role", "").lower() in ("presentation", "none") or (
            values.get("aria-hidden", "").lower() == "true"
        )
        alt = values.get("alt")
        if alt is None:
            self._add(
                "img-alt-missing",
                element,
                'Image has no alt attribute; describe it, or mark it decorative with alt="" '
                'and role="presentation".',
                line,
            )
        elif not alt.strip() and decorative:
            self._add(
                "img-decorative", element, "Decorative image, hidden from screen readers.", line
            )
        elif not alt.strip():
            self._add(
                "img-alt-empty",
                element,
                'Image has an empty alt but is not marked decorative (role="presentation" '
                'or aria-hidden="true"); describe it or mark it decorative.',
                line,
            )
        for frame in reversed(self._stack):
            if frame.tag == "a":
                frame.named = frame.named or bool((alt or "").strip())
                break

    def _check_heading_order(self, level: int, element: str, line: int) -> None:
        self.counts["headings"] += 1
        if self._first_heading is None:
            self._first_heading = (line, element)
        if level == 1:
            if self._h1_seen:
                self._add("heading-multiple-h1", element, "More than one h1 heading.", line)
            self._h1_seen = True
        previous = self._previous_level
        if previous is not None and level > previous + 1:
            self._add(
                "heading-skipped-level",
                element,
                f"Heading level skips from h{previous} to h{level}; use h{previous + 1}.",
                line,
            )
        self._previous_level = level

    def handle_endtag(self, tag: str) -> None:
        if not self._open_names[tag]:
            return
        while len(self._stack) > 1:
            frame = self._stack.pop()
            self._open_names[frame.tag] -= 1
            self._close(frame)
            if frame.tag == tag:
                break

    def _close(self, frame: _Frame) -> None:
        if frame.tag in _HIDDEN_TAGS:
            self._hidden_depth -= 1
        if frame.is_link and not frame.has_text and not frame.named:
            self._add(
                "link-no-text",
                frame.element,
                "Link has no text, no aria-label and no image with alt text; screen readers "
                "announce only its address.",
                frame.line,
            )
        if frame.tag in _HEADING_PX and not frame.has_text:
            self._add("heading-empty", frame.element, "Heading has no text.", frame.line)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth or not data.strip():
            return
        top = self._stack[-1]
        for frame in reversed(self._stack):
            if frame.has_text:
                break  # every ancestor of a frame with text already has text
            frame.has_text = True
        declaring = top.declarer
        if declaring is None or declaring.reported or top.fg is None or top.bg is None:
            return
        ratio = contrast_ratio(top.fg, top.bg)
        needed = minimum_ratio(top.size_px, top.bold)
        if ratio < needed:
            declaring.reported = True
            self._add(
                "low-contrast",
                declaring.element,
                f"Text colour {hex_of(top.fg)} on {hex_of(top.bg)} has a contrast ratio of "
                f"{ratio:.2f}:1; WCAG 2.x asks for at least {needed:g}:1 for "
                f"{'large' if needed < 4.5 else 'normal'} text.",
                declaring.line,
            )

    def close(self) -> None:
        super().close()
        while len(self._stack) > 1:
            self._close(self._stack.pop())
        if self._first_heading is not None and not self._h1_seen:
            line, element = self._first_heading
            self._add("heading-no-h1", element, "The document has headings but no h1.", line)


def check_accessibility(text: str) -> dict[str, object]:
    checker = _Checker(text)
    checker.run()
    issues = sorted(checker.issues, key=lambda i: i.line)
    by_rule = Counter(i.rule for i in issues)
    return {
        "issues": [i.as_dict() for i in issues],
        "summary": {
            "errors": sum(1 for i in issues if i.severity == "error"),
            "info": sum(1 for i in issues if i.severity == "info"),
            "by_rule": dict(sorted(by_rule.items())),
            "checked": {
                name: checker.counts[name]
                for name in ("images", "headings", "links", "coloured_elements")
            },
        },
    }


async def check_accessibility_of_document(context: ActionContext) -> list[ActionOutput]:
    document = require_document_text(context, "Accessibility")
    version = document.version
    if not document.is_html:
        raise ActionFailed(
            f"Accessibility checks run on HTML content; document {version.document.id} is "
            f"{version.mime_type or 'not HTML'} ({version.file_name}) and has no HTML markup "
            "to check."
        )
    if not has_markup(document.raw):
        # Reporting "no issues" on text whose tags were stripped would be a false all-clear.
        raise ActionFailed(
            f"Accessibility checks need the HTML source of document {version.document.id}; "
            f"version {version.version_label} holds only the text extracted from "
            f"{version.file_name}, without its markup."
        )
    return [json_output(await asyncio.to_thread(check_accessibility, document.raw))]
