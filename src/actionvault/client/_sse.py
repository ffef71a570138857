"""Server-Sent Events read line by line, with no I/O: the drivers feed lines, this says what
they mean (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).

Comment lines are reported as heartbeats rather than skipped, so that a waiting flow gets a
chance to check its deadline while the server has nothing to say.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One message: its `event` name, `data` (lines joined by newlines) and `id`."""

    event: str
    data: str
    id: str | None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """A comment line: the server is there and has nothing to say yet."""


class SSEDecoder:
    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        #: The id of the last message, kept across messages as the spec says.
        self.last_event_id: str | None = None
        #: The reconnection delay the server asked for, in seconds.
        self.retry: float | None = None

    def feed(self, line: str) -> StreamEvent | Heartbeat | None:
        """What `line` (without its line ending) completes, if anything."""
        if not line:
            if not self._data:
                self._event = ""
                return None
            message = StreamEvent(self._event or "message", "\n".join(self._data), self._id)
            self._event, self._data = "", []
            return message
        if line.startswith(":"):
            return Heartbeat()
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\x00" not in value:
            self._id = self.last_event_id = value
        elif name == "retry" and value.isdigit():
            self.retry = int(value) / 1000.0
        return None
