"""Server-sent events, parsed as browsers do (WHATWG HTML, "Parsing an event stream").

:class:`SSEParser` is incremental: feed it the body chunks as they arrive, in any split
(a ``\\r\\n`` or a UTF-8 character cut between two chunks still reads as one), and it
returns the events each chunk completed. Pure, no I/O: the response readers
(``res.iter_events()``) are built on it.
"""

from __future__ import annotations

import codecs
import json
import re
import typing as t
from dataclasses import dataclass

__all__ = ["LineSplitter", "SSEParser", "ServerSentEvent", "parse_sse"]

_BOM = "\ufeff"
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched event, as an ``EventSource`` listener would receive it.

    :param event: the event type (``event:`` field), ``"message"`` by default.
    :param data: the ``data:`` lines joined with ``\\n``.
    :param id: the last event ID in force (``id:`` persists across events, as in browsers).
    :param retry: the reconnection time in milliseconds in force (``retry:``), or ``None``.
    """

    event: str = "message"
    data: str = ""
    id: str = ""
    retry: int | None = None

    def json(self) -> t.Any:
        """:attr:`data` parsed as JSON.

        :raises ValueError: naming the event and showing its data when it is not JSON.
        """
        try:
            return json.loads(self.data)
        except ValueError as exc:
            raise ValueError(
                f"the data of the {self.event!r} event is not JSON ({exc}): {self.data[:200]!r}"
            ) from None


class LineSplitter:
    """Text in chunks to lines ended by CRLF, LF or CR; a CRLF cut between chunks is one end."""

    def __init__(self) -> None:
        self._pending = ""  # text after the last line end: it holds none
        self._after_cr = False  # the last chunk ended with CR: a leading LF belongs to it

    def feed(self, text: str) -> list[str]:
        """The lines *text* completed, without their line ends."""
        if not text:
            return []
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        buffer = self._pending + text
        lines: list[str] = []
        start = 0
        for end in _LINE_END.finditer(buffer, len(self._pending)):
            lines.append(buffer[start : end.start()])
            start = end.end()
        self._pending = buffer[start:]
        self._after_cr = buffer.endswith("\r")
        return lines

    def flush(self) -> str:
        """The text after the last line end (an unterminated last line), then forget it."""
        rest, self._pending = self._pending, ""
        return rest


class SSEParser:
    """Turn ``text/event-stream`` bytes into :class:`ServerSentEvent` objects.

    Follows the WHATWG algorithm: UTF-8 with replacement, one leading BOM dropped, lines
    ended by CRLF, LF or CR, ``:`` comments ignored, one space after the colon removed,
    ``data`` lines joined with ``\\n``, a block with no ``data`` not dispatched, ``id``
    values holding NULL ignored, non-digit ``retry`` values ignored, unknown fields
    ignored, and an unterminated event at the end of the stream discarded.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._lines = LineSplitter()
        self._started = False
        self._data: list[str] = []
        self._event = ""
        #: The last event ID buffer: set by ``id:``, kept across events.
        self.last_event_id = ""
        #: The reconnection time (``retry:``) in milliseconds, or ``None`` when never set.
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Parse *chunk*; return the events it completed (maybe none)."""
        text = self._decoder.decode(chunk)
        if not text:
            return []  # nothing, or the first bytes of a character cut by the chunking
        if not self._started:
            self._started = True
            if text.startswith(_BOM):
                text = text[1:]
        events: list[ServerSentEvent] = []
        for line in self._lines.feed(text):
            self._line(line, events)
        return events

    def close(self) -> None:
        """End of stream: an event without its blank line is discarded, as browsers do."""
        self._decoder.decode(b"", final=True)
        self._lines.flush()
        self._data = []
        self._event = ""

    def _line(self, line: str, events: list[ServerSentEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line[0] == ":":
            return  # a comment (keep-alive pings)
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry = int(value)

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if data:  # a block without data (only id:, retry: or comments) dispatches nothing
            events.append(
                ServerSentEvent(event or "message", "\n".join(data), self.last_event_id, self.retry)
            )


def parse_sse(body: bytes | str) -> list[ServerSentEvent]:
    """Every event of a complete ``text/event-stream`` body."""
    parser = SSEParser()
    events = parser.feed(body.encode("utf-8") if isinstance(body, str) else body)
    parser.close()
    return events
