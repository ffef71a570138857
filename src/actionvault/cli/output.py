"""How remote commands print: tables and text for people, JSON for scripts, a spinner while
waiting. Kept apart from the commands so each renderer is a plain function of its data."""

from __future__ import annotations

import itertools
import json
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, is_dataclass
from types import TracebackType
from typing import Any, TextIO

from actionvault.client import Execution, ExecutionEvent, Output

ELLIPSIS = "…"
SPELLING_ACTION = "spelling_grammar__v"


def to_json(value: Any) -> str:
    """Pretty JSON of models (dataclasses), lists of them, or plain data."""
    return json.dumps(_plain(value), indent=2, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Execution):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    width: int | None = None,
) -> str:
    """Columns padded to their content; when the terminal is too narrow the last column
    gives way first, since it is the free-text one in every table here."""
    cells = [[" ".join(str(c).split()) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    total = width or shutil.get_terminal_size((120, 24)).columns
    overflow = sum(widths) + 2 * (len(widths) - 1) - total
    for index in reversed(range(len(widths))):
        if overflow <= 0:
            break
        floor = max(len(headers[index]), 12)
        give = min(overflow, max(widths[index] - floor, 0))
        widths[index] -= give
        overflow -= give
    lines = [
        "  ".join(shorten(c, w).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [list(headers), *cells]
    ]
    return "\n".join(lines)


def excerpt(sentence: str, text: str, width: int = 64) -> str:
    """At most `width` characters of `sentence` around `text`, so that a long sentence still
    shows the error in a narrow column."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= width:
        return sentence
    at = max(sentence.find(text), 0)
    start = max(min(at - (width - len(text)) // 2, len(sentence) - width), 0)
    end = start + width
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(sentence) else ""
    return f"{prefix}{sentence[start:end].strip()}{suffix}"


def spelling_table(report: Any, *, width: int | None = None) -> str | None:
    """The proofreading report as a table; None when the JSON is not shaped like one."""
    if not isinstance(report, dict) or not isinstance(report.get("errors"), list):
        return None
    errors = [e for e in report["errors"] if isinstance(e, dict)]
    lines = []
    language = report.get("detected_language")
    if language:
        lines.append(f"Language: {language}")
    if not errors:
        lines.append("No spelling or grammar errors found.")
        return "\n".join(lines)
    rows = [
        (
            str(e.get("category", "")),
            str(e.get("text", "")),
            str(e.get("suggestion", "")),
            excerpt(str(e.get("sentence", "")), str(e.get("text", ""))),
        )
        for e in errors
    ]
    lines.append(f"{len(errors)} errors:")
    lines.append(table(("CATEGORY", "TEXT", "SUGGESTION", "SENTENCE"), rows, width=width))
    return "\n".join(lines)


def render_output(output: Output, action_name: str | None, *, width: int | None = None) -> str:
    try:
        parsed = output.json()
    except ValueError:
        return output.text
    if action_name == SPELLING_ACTION:
        rendered = spelling_table(parsed, width=width)
        if rendered is not None:
            return rendered
    return json.dumps(parsed, indent=2, ensure_ascii=False)


def render_result(execution: Execution, *, width: int | None = None) -> str:
    """What a finished execution produced, for reading: the outputs, nothing around them."""
    parts = [render_output(o, execution.action_name, width=width) for o in execution.outputs]
    return "\n\n".join(parts) if parts else "(no outputs)"


def render_summary(execution: Execution) -> str:
    """One line naming the execution, for stderr next to a result or in `status`."""
    facts = [execution.id, execution.status]
    if execution.agent_action:
        facts.append(execution.agent_action)
    if execution.external_id:
        facts.append(f"external id {execution.external_id}")
    if execution.chat_id:
        facts.append(f"chat {execution.chat_id}")
    return "  ".join(facts)


def render_errors(execution: Execution) -> str:
    return "\n".join(f"{e.type}: {e.message}" for e in execution.errors)


class Spinner:
    """A spinner with the elapsed time on a terminal's stderr, from a thread, while the main
    thread blocks in the client. On anything but a terminal it prints nothing, so logs and
    pipes never collect carriage returns."""

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(self, label: str, stream: TextIO, interval: float = 0.1) -> None:
        self.label = label
        self.stream = stream
        self.interval = interval
        self.enabled = stream.isatty()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()
        #: What the execution last reported (its latest event), shown after the label.
        self.note = ""

    def __enter__(self) -> Spinner:
        self._started = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def _spin(self) -> None:
        for frame in itertools.cycle(self.FRAMES):
            note = f"  {self.note}" if self.note else ""
            self.stream.write(f"\r\x1b[K{frame} {self.label}{note}  {self.elapsed:.1f}s")
            self.stream.flush()
            if self._stop.wait(self.interval):
                return


def render_event(event: ExecutionEvent) -> str:
    """One line for an event: when, which execution and action, what happened."""
    parts = [event.at or "", event.execution_id, event.agent_action or "", describe_event(event)]
    return "  ".join(p for p in parts if p)


def describe_event(event: ExecutionEvent) -> str:
    """What happened, in words: `started (attempt 2)`, `progress: Reading part 2 of 5`."""
    if event.type == "progress":
        message = str((event.detail or {}).get("message", "")).strip()
        return f"progress: {message}" if message else "progress"
    if event.type == "started" and event.attempt > 1:
        return f"started (attempt {event.attempt})"
    return event.type
