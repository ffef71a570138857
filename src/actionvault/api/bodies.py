"""Request bodies under a size limit: refused from Content-Length before a byte is read, and
counted while they stream in when no length is declared (chunked).

Every request may carry `max_body_bytes`. Upload routes allow a file of `max_file_bytes` (and
the form around it), but only once the caller's right to upload there has been checked, so a
stranger can never make the server read a large body.
"""

from __future__ import annotations

from starlette.types import Message, Receive

from actionvault.errors import ActionVaultError, ExceedsFileMaxSize, InvalidData
from actionvault.settings import Settings


def body_too_large(limit: int) -> InvalidData:
    return InvalidData(
        f"The request body is larger than this server accepts (max_body_bytes = {limit} "
        "bytes); send a smaller body, for example fewer records at a time."
    )


def upload_too_large(limit: int) -> ExceedsFileMaxSize:
    return ExceedsFileMaxSize(
        f"The upload is larger than this server accepts (max_file_bytes = {limit} bytes); "
        "send a smaller file."
    )


class BodyLimit:
    """The receive channel of one request, which refuses the body past its limit."""

    __slots__ = (
        "_error", "_receive", "_small", "complete", "declared", "exceeded", "limit", "received",
        "streamed",
    )  # fmt: skip

    def __init__(self, receive: Receive, settings: Settings, headers: list[tuple[bytes, bytes]]):
        self._receive = receive
        self.limit = self._small = settings.max_body_bytes
        self._error: ActionVaultError = body_too_large(settings.max_body_bytes)
        self.declared: int | None = None
        self.streamed = False  # chunked: no length declared
        for name, value in headers:
            if name == b"content-length":
                self.declared = int(value) if value.isdigit() and len(value) < 19 else None
            elif name == b"transfer-encoding":
                self.streamed = True
        self.received = 0
        self.complete = False
        self.exceeded = False

    def allow_upload(self, settings: Settings) -> None:
        """Room for a file and the form fields around it; call once the right was checked."""
        self.limit = settings.max_file_bytes + settings.max_body_bytes
        self._error = upload_too_large(settings.max_file_bytes)

    def check_declared(self) -> None:
        """Refuse at once a body whose Content-Length is past the limit."""
        if self.declared is not None and self.declared > self.limit:
            self.exceeded = True
            raise self._error

    @property
    def left_unread(self) -> bool:
        """Whether the connection should close after the answer, rather than read and drop
        the rest of a body that was refused, or is large or of unknown size and unread."""
        if self.exceeded:
            return True
        if self.complete:
            return False
        return self.streamed or (self.declared or 0) > self._small

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if self.received > self.limit:
                self.exceeded = True
                raise self._error
        return message
