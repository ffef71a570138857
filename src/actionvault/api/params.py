"""Query and path parameters, read strictly: text that is UTF-8, numbers within their range.

A value that is not what the parameter takes answers INVALID_DATA naming the parameter and
what it takes; nothing odd (`inf`, `nan`, a lone surrogate, a forty-digit number) reaches a
service or the database.
"""

from __future__ import annotations

import math
from urllib.parse import unquote_to_bytes

from starlette.datastructures import QueryParams

from actionvault.api.requests import not_text, shown
from actionvault.errors import InvalidData

NUL_MESSAGE = "The request holds a NUL character, which no parameter may contain."
#: Largest id a parameter may name: what every database column here holds.
MAX_ID = 2**63 - 1
#: Largest offset into a listing: past it a client is scanning, not paging.
MAX_OFFSET = 10_000_000


def check_query_string(raw: bytes) -> None:
    """Every name and value of a query string is UTF-8 text without NUL."""
    if raw.isascii() and b"%" not in raw and b"\x00" not in raw:
        return  # nothing encoded: the common case, and cheap
    for part in raw.split(b"&"):
        name_bytes, _, value_bytes = part.partition(b"=")
        name_bytes = unquote_to_bytes(name_bytes.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(value_bytes.replace(b"+", b" "))
        if b"\x00" in name_bytes or b"\x00" in value_bytes:
            raise InvalidData(NUL_MESSAGE)
        name = name_bytes.decode("utf-8", "surrogateescape")
        try:
            name_bytes.decode("utf-8")
            value_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise not_text(name) from None


def whole_number(
    query: QueryParams, name: str, default: int, *, minimum: int = 0, maximum: int = MAX_ID
) -> int:
    """A whole number in [minimum, maximum], written in ASCII digits; `default` when absent."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if raw.isascii() and raw.isdigit() and len(raw) <= 19 and minimum <= int(raw) <= maximum:
        return int(raw)
    raise InvalidData.for_parameter(
        name, shown(raw), f"expected a whole number from {minimum} to {maximum}"
    )


def number(
    query: QueryParams, name: str, default: float, *, minimum: float, maximum: float
) -> float:
    """A finite number in [minimum, maximum]; `default` when absent."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw) if raw.isascii() else math.nan
    except ValueError:
        value = math.nan
    if math.isfinite(value) and minimum <= value <= maximum:
        return value
    raise InvalidData.for_parameter(
        name, shown(raw), f"expected a number from {minimum:g} to {maximum:g}"
    )


def path_id(raw: str, what: str) -> int:
    """A numeric id from the path; anything else names nothing that exists."""
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    raise InvalidData(f"{what} [{shown(raw)}] does not exist")
