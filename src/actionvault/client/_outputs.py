"""Structured action results arrive as text holding a Markdown-fenced JSON block, as Vault's
standard actions send them; this unwraps that one convention in one place."""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(
    r"\A\s*```[ \t]*(?:json)?[ \t]*\r?\n(?P<body>.*?)\r?\n?[ \t]*```\s*\Z",
    re.DOTALL | re.IGNORECASE,
)


def parse_fenced_json(text: str) -> Any:
    """The JSON inside a ```json fence, or the text itself when it is bare JSON.

    Raises ValueError naming the start of the text when neither is JSON, since the usual cause
    is calling `.json()` on a prose action, and the text shows that at once.
    """
    match = _FENCE.match(text)
    body = match.group("body") if match else text
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        start = text.strip()[:60]
        raise ValueError(f"the output is not JSON ({exc.msg}): {start!r}") from exc
