"""Read request parameters the ways Vault clients send them: form, multipart, or JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from actionvault.api.requests import parse_json_object
from actionvault.errors import ActionVaultError, InvalidData
from actionvault.services.content import Upload

_MAX_FIELDS = 200


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
    try:
        form = await request.form(max_files=1, max_fields=_MAX_FIELDS)
    except ActionVaultError:
        raise  # the body was too large: say so, not that it was malformed
    except Exception:
        raise InvalidData(
            "The request body could not be read as a form; send multipart/form-data (with a "
            "`file` part for uploads) or application/x-www-form-urlencoded."
        ) from None
    try:
        fields: dict[str, str] = {}
        upload: Upload | None = None
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if key != "file":
                    raise InvalidData(f"Unexpected file part [{key}]; send the file as [file]")
                upload = Upload(value.filename or "file", value.content_type, _chunks(value))
            elif "\x00" in value or "\x00" in key:
                raise InvalidData(f"Field [{key.strip(chr(0))}] holds a NUL character")
            else:
                fields[key] = value
        yield fields, upload
    finally:
        await form.close()


def _text(value: Any) -> str:
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidData("A field holds a NUL character")
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise InvalidData(f"Invalid value [{json.dumps(value)[:40]}]: expected text")


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(1 << 16):
        yield chunk
