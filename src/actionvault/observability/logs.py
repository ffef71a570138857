"""Log lines that say which request or execution they belong to, as text or JSON, with
secrets taken out.

The request id (the `X-VaultAPI-ExecutionId` header of its answer) and the execution id are
context variables: set where a request or an execution begins, they follow every coroutine
and task started from there, so every line logged on their behalf carries them without any
call site passing them along.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
from collections.abc import Iterable
from typing import Any, Literal

import orjson

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "actionvault_request_id", default=None
)
execution_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "actionvault_execution_id", default=None
)

#: Secrets by their shape, wherever a message or an exception would carry them.
_PATTERNS = (
    # user:password@ in URLs (database URLs, proxies)
    (re.compile(r"(?P<k>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+(?=@)", re.I), r"\g<k>***"),
    # password=..., token: ..., api_key="..." and the like, in forms, queries and reprs
    (
        re.compile(
            r"(?P<k>\b[\w-]*(?:password|passwd|secret|token|api[_-]?key|session_?id)[\w-]*"
            r"\b['\"]?\s*[=:]\s*['\"]?)[^\s&'\",;]+",
            re.I,
        ),
        r"\g<k>***",
    ),
    # Authorization headers: raw session ids, and Bearer tokens wherever they appear
    (
        re.compile(
            r"(?P<k>\bauthorization\b['\"]?\s*[:=]?\s*['\"]?)(?:bearer\s+)?[^\s'\",]+", re.I
        ),
        r"\g<k>***",
    ),
    (re.compile(r"(?P<k>\bbearer\s+)[^\s'\",*]+", re.I), r"\g<k>***"),
)  # fmt: skip


class Redactor(logging.Filter):
    """Takes configured secret values and secret-shaped text out of every record."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s and len(s) >= 4)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        record.msg, record.args = self.scrub(message), None
        record.request_id = request_id.get()
        record.execution_id = execution_id.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = [
            f"{name}={value}"
            for name in ("request_id", "execution_id")
            if (value := getattr(record, name, None))
        ]
        if not ids:
            return line
        head, _, rest = line.partition("\n")
        return f"{head} [{' '.join(ids)}]" + (f"\n{rest}" if rest else "")


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "execution_id"):
            value = getattr(record, name, None)
            if value:
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return orjson.dumps(entry).decode()


def configure_logging(
    level: str, fmt: Literal["text", "json"], secrets: Iterable[str | None] = ()
) -> None:
    """The root handler of a server process: every library's lines in one format, redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
