"""Accept negotiation and the renderers: JSON and XML render the same envelope."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

from actionvault.api.xml import render_xml

Renderer = Callable[[dict[str, Any]], bytes]
_SURROGATE = re.compile("[\ud800-\udfff]")


def _render_json(envelope: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(envelope, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        # A string that is not text (a lone surrogate, from stored data): UTF-8 cannot carry
        # it, so it becomes U+FFFD rather than the answer failing.
        return orjson.dumps(_as_text(envelope), option=orjson.OPT_NON_STR_KEYS)


def _as_text(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_as_text(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_text(v) for v in value]
    return value


def _render_xml(envelope: dict[str, Any]) -> bytes:
    root = "ApiRestResult" if envelope.get("responseStatus") != "SUCCESS" else "RestResult"
    return render_xml(envelope, root).encode("utf-8")


RENDERERS: dict[str, tuple[str, Renderer]] = {
    "json": ("application/json;charset=UTF-8", _render_json),
    "xml": ("application/xml;charset=UTF-8", _render_xml),
}


def negotiate(accept: str | None) -> str:
    """XML when the client prefers it; JSON otherwise (no Accept, */*, or anything else)."""
    if not accept:
        return "json"
    best, best_q = "json", -1.0
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        fmt = {"application/xml": "xml", "text/xml": "xml", "application/json": "json"}.get(
            media.lower()
        )
        # Earlier entries win ties, as most clients list their preference first.
        if fmt is not None and q > best_q and q > 0:
            best, best_q = fmt, q - position * 1e-6
    return best


def render(envelope: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    media_type, renderer = RENDERERS[fmt]
    return renderer(envelope), media_type
