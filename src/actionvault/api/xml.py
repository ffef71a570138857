"""Render an envelope as Vault-style XML: keys become elements, lists wrap singular children.

The answer is well-formed XML 1.0 whatever the data holds: characters XML 1.0 forbids (control
characters, lone surrogates, U+FFFE and U+FFFF) become U+FFFD, a carriage return is written as
a character reference so that it survives parsing, and keys become ASCII element names.
"""

from __future__ import annotations

import re
import string
from typing import Any
from xml.sax.saxutils import escape

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "._-")
_ENTITIES = {"\r": "&#13;"}

# Vault names a list's children after the list; these are the ones it (or its clients) use.
_SINGULAR = {
    "errors": "error",
    "warnings": "warning",
    "agents": "agent",
    "actions": "action",
    "actionOutputs": "actionOutput",
    "urls": "url",
    "vaultIds": "vault",
    "data": "row",
    "values": "value",
}


def singular(key: str) -> str:
    if key in _SINGULAR:
        return _SINGULAR[key]
    if key.endswith("ies"):
        return key[:-3] + "y"
    if key.endswith("s") and len(key) > 1:
        return key[:-1]
    return "item"


def _element_name(key: str) -> str:
    """Keys are API names already; anything that would not make an XML name is made one."""
    name = "".join(c if c in _NAME_CHARS else "_" for c in key)
    return name if name and (name[0].isalpha() or name[0] == "_") else f"_{name}"


def xml_text(value: str) -> str:
    """Character data for any string: escaped, and without what XML 1.0 cannot hold."""
    return escape(_FORBIDDEN.sub("\ufffd", value), _ENTITIES)


def _write(parts: list[str], key: str, value: Any) -> None:
    name = _element_name(key)
    if value is None:
        return
    if isinstance(value, dict):
        parts.append(f"<{name}>")
        for child_key, child in value.items():
            _write(parts, str(child_key), child)
        parts.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        parts.append(f"<{name}>")
        child_name = singular(key)
        for item in value:
            _write(parts, child_name, item)
        parts.append(f"</{name}>")
    elif isinstance(value, bool):
        parts.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    else:
        parts.append(f"<{name}>{xml_text(str(value))}</{name}>")


def render_xml(envelope: dict[str, Any], root: str = "RestResult") -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', f"<{root}>"]
    for key, value in envelope.items():
        _write(parts, key, value)
    parts.append(f"</{root}>")
    return "".join(parts)
