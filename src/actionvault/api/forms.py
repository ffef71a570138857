"""Read request parameters the ways Vault clients send them: form, multipart, or JSON.

Every field name and value must be text: a URL-encoded field whose bytes are not UTF-8 (a
lone surrogate written as `%ED%A0%80`, say) answers INVALID_DATA naming the field, where a
lenient decoder would quietly turn it into replacement characters.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request

from actionvault.api.params import NUL_MESSAGE
from actionvault.api.requests import is_text, not_text, parse_json_object, shown
from actionvault.errors import ActionVaultError, InvalidData
from actionvault.services.content import Upload

_MAX_FIELDS = 200
_URLENCODED = "application/x-www-form-urlencoded"


@asynccontextmanager
async def read_fields(request: Request) -> AsyncIterator[tuple[dict[str, str], Upload | None]]:
    """Text fields and the `file` part of a form or multipart body, or a JSON object's fields.

    A context manager, because an uploaded part is spooled to a temporary file that must be
    closed once the upload has been stored.
    """
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("application/json"):
        body = parse_json_object(await request.body())
        yield {str(k): _text(v) for k, v in body.items() if v is not None}, None
        return
    if content_type.startswith(_URLENCODED):
        yield parse_urlencoded(await request.body()), None
        return
    form = await _multipart(request, max_files=1)
    try:
        fields: dict[str, str] = {}
        upload: Upload | None = None
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key != "file":
                    raise InvalidData(f"Unexpected file part [{shown(key)}]; send it as [file]")
                upload = Upload(value.filename or "file", value.content_type, _chunks(value))
            else:
                fields[key] = _field(key, value)
        yield fields, upload
    finally:
        await form.close()


async def read_form(request: Request) -> dict[str, str]:
    """The text fields of a form or multipart body (a login, say); files are not taken."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(_URLENCODED):
        return parse_urlencoded(await request.body(), nul=True)
    form = await _multipart(request, max_files=0)
    try:
        # A NUL in a user name is only a wrong user name; the login says so itself.
        return {key: _field(key, value, nul=True) for key, value in form.multi_items()}
    finally:
        await form.close()


def parse_urlencoded(body: bytes, *, nul: bool = False) -> dict[str, str]:
    """`a=1&b=2` with `+` and percent escapes, strictly UTF-8; the last of a repeated field."""
    fields: dict[str, str] = {}
    for part in body.split(b"&"):
        if not part:
            continue
        if len(fields) >= _MAX_FIELDS:
            raise InvalidData(f"The form has more than {_MAX_FIELDS} fields.")
        raw_name, _, raw_value = part.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(raw_value.replace(b"+", b" "))
        name = name_bytes.decode("utf-8", "surrogateescape")
        try:
            name_bytes.decode("utf-8")
            value = value_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise not_text(name) from None
        fields[name] = _field(name, value, nul=nul)
    return fields


class _StrictMultiPartParser(MultiPartParser):
    """Starlette's multipart parser, except that a text part whose bytes are not in the
    declared charset (UTF-8 by default) is refused, where Starlette falls back to Latin-1."""

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            try:
                part.data.decode(self._charset)
            except UnicodeDecodeError:
                raise not_text(part.field_name) from None
        super().on_part_end()


async def _multipart(request: Request, *, max_files: int) -> FormData:
    content_type = request.headers.get("content-type", "").lower()
    if not content_type.startswith("multipart/form-data"):
        return FormData()  # no form at all: every field is missing
    try:
        async with aclosing(request.stream()) as stream:
            parser = _StrictMultiPartParser(
                request.headers, stream, max_files=max_files, max_fields=_MAX_FIELDS
            )
            return await parser.parse()
    except ActionVaultError:
        raise  # the body was too large, or a part not text: say so, not that it was malformed
    except Exception:
        raise InvalidData(
            "The request body could not be read as a form; send multipart/form-data (with a "
            "`file` part for uploads) or application/x-www-form-urlencoded."
        ) from None


def _field(key: str, value: Any, *, nul: bool = False) -> str:
    if isinstance(value, UploadFile):
        raise InvalidData(f"Unexpected file part [{shown(key)}]; this call takes no file")
    if not nul and ("\x00" in value or "\x00" in key):
        raise InvalidData(f"Field [{shown(key.replace(chr(0), ''))}] holds a NUL character")
    if not is_text(key) or not is_text(value):
        raise not_text(key)
    return str(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidData(NUL_MESSAGE)
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise InvalidData(f"Invalid value [{json.dumps(value)[:40]}]: expected text")


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 16):
        yield chunk
