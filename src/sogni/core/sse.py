"""Server-sent events: an incremental parser and an exactly-once resume tracker.

The workflow event stream (``GET /v1/creative-agent/workflows/{id}/events/stream``) is the
only SSE endpoint of the network. Its frames are parsed the way the network's own client
parses them:

* blocks are separated by a blank line (``\\n\\n``, ``\\r\\n\\r\\n`` or a mix), each block is
  trimmed and empty blocks are skipped;
* inside a block, empty lines and lines starting with ``:`` are ignored; a line is split at
  its first ``:`` into field and value, and one space after the colon is dropped (a line
  without a colon is a field with an empty value);
* ``id`` sets the frame id, ``event`` the name (``message`` when absent or empty), ``data``
  lines are joined with ``\\n``; other fields (``retry`` …) are ignored;
* the joined data is parsed as JSON when it is valid JSON, otherwise kept as a string, and
  is ``None`` when there is none.

Nothing here does I/O. A driver that streams the body feeds chunks into :class:`SseStream`
and gets back each event exactly once, in order, across any number of reconnects::

    stream = SseStream.starting(after=after)
    while not stream.done:
        query, headers = stream.next_request()
        try:
            for chunk in http_stream(path, query, headers):
                for frame in stream.feed(chunk):
                    yield frame
                if stream.done:
                    break
            else:
                yield from stream.end_of_body()
        except TransportError:
            stream.connection_lost()
            sleep(backoff.next_delay())   # see sogni.core.reconnect.Backoff
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import attrs

from sogni.core import json_depth

__all__ = [
    "TERMINAL_STATUSES",
    "SseFrame",
    "SseParser",
    "SseResume",
    "SseStream",
    "is_terminal",
    "parse_block",
]

TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})
"""Workflow statuses after which the server sends no more events."""

_BLOCK_SEPARATOR = re.compile(r"\r?\n\r?\n")
_LINE_SEPARATOR = re.compile(r"\r?\n")
# A separator is at most four characters long, so a new one can start at most three
# characters before the end of what was already scanned.
_SEPARATOR_OVERLAP = 3
# The characters String.prototype.trim() removes, which the network's client applies to
# every block (Python's str.strip() uses a different set).
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


@attrs.frozen
class SseFrame:
    """One server-sent event.

    ``event`` is the event name (``message`` by default), ``data`` the JSON-decoded data
    (a string when it is not JSON, ``None`` when the block had no data), ``id`` the event
    id when the block carried one, and ``raw`` the trimmed text of the block.
    """

    event: str
    data: Any
    raw: str
    id: str | None = None

    @property
    def is_empty(self) -> bool:
        """True for a block that carries no event: no id, no data, no name (a keep-alive)."""
        return not self.id and self.data is None and self.event == "message"

    @property
    def status(self) -> str | None:
        """The workflow status carried in ``data.status``, when the data has one."""
        if isinstance(self.data, dict):
            status = self.data.get("status")
            if isinstance(status, str):
                return status
        return None

    def to_wire(self) -> dict[str, Any]:
        """The frame as the network's client exposes it: ``{id?, event, data, raw}``."""
        wire: dict[str, Any] = {}
        if self.id is not None:
            wire["id"] = self.id
        wire["event"] = self.event
        wire["data"] = self.data
        wire["raw"] = self.raw
        return wire


def is_terminal(frame: SseFrame) -> bool:
    """True when the frame reports a finished workflow: completed, failed or cancelled."""
    return frame.status in TERMINAL_STATUSES


def _reject_constant(name: str) -> Any:
    # JSON.parse rejects NaN/Infinity, so such data stays a string.
    raise ValueError(name)


def _decode_data(text: str) -> Any:
    if not text:
        return None
    try:
        return json_depth.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return text


def parse_block(block: str) -> SseFrame | None:
    """Parse one block (the text between two blank lines); ``None`` when it is blank."""
    raw = block.strip(_JS_WHITESPACE)
    if not raw:
        return None
    event = "message"
    frame_id: str | None = None
    data_lines: list[str] = []
    for line in _LINE_SEPARATOR.split(raw):
        if not line or line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "id":
            frame_id = value
        elif field == "event":
            event = value or "message"
        elif field == "data":
            data_lines.append(value)
    return SseFrame(event=event, data=_decode_data("\n".join(data_lines)), raw=raw, id=frame_id)


def _parse_blocks(blocks: list[str]) -> list[SseFrame]:
    frames = []
    for block in blocks:
        frame = parse_block(block)
        if frame is not None:
            frames.append(frame)
    return frames


class SseParser:
    """Incremental SSE parser: feed it chunks as they arrive, get back the complete frames.

    Chunks may be ``str`` or ``bytes`` (UTF-8, decoded incrementally, so a multi-byte
    character split across chunks is fine) and may cut frames, lines, separators and
    characters anywhere.
    """

    __slots__ = ("_buffer", "_decoder", "_scanned")

    def __init__(self) -> None:
        self._buffer = ""
        self._scanned = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    @property
    def pending(self) -> str:
        """Text received after the last complete frame (an unfinished block)."""
        return self._buffer

    def feed(self, chunk: str | bytes) -> list[SseFrame]:
        """Add a chunk of the body; return the frames it completed, in order."""
        text = self._decoder.decode(chunk) if isinstance(chunk, bytes) else chunk
        if not text:
            return []
        self._buffer += text
        blocks: list[str] = []
        start = 0
        position = max(0, self._scanned - _SEPARATOR_OVERLAP)
        while True:
            match = _BLOCK_SEPARATOR.search(self._buffer, position)
            if match is None:
                break
            blocks.append(self._buffer[start : match.start()])
            start = position = match.end()
        self._buffer = self._buffer[start:]
        self._scanned = len(self._buffer)
        return _parse_blocks(blocks)

    def close(self) -> list[SseFrame]:
        """End of body: parse whatever is left (as the network's client does) and reset."""
        rest = self._buffer + self._decoder.decode(b"", final=True)
        self.discard()
        return _parse_blocks(_BLOCK_SEPARATOR.split(rest))

    def discard(self) -> None:
        """Forget any unfinished block, e.g. because the connection dropped mid-frame."""
        self._buffer = ""
        self._scanned = 0
        self._decoder.reset()


_NUMERIC_ID = re.compile(r"[0-9]+")


def _numeric(event_id: str) -> int | None:
    return int(event_id) if _NUMERIC_ID.fullmatch(event_id) else None


def _optional_str(value: str | int | float | None) -> str | None:
    # String(value) of the network's client: 3.0 -> "3", True -> "true".
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@attrs.define
class SseResume:
    """Remembers what was delivered so a reconnect resumes without gaps or repeats.

    ``after`` and ``last_event_id`` say where the first request starts, exactly as the
    network's client sends them (query ``after`` = ``after`` or else ``last_event_id``;
    header ``Last-Event-ID`` only for ``last_event_id``). Once an event was delivered,
    every later request resumes after it with both the query and the header.

    After a drop the server may replay events the client already has; :meth:`accept`
    filters them out. Numeric ids are compared as numbers (an id at or below the highest
    one seen is a repeat); other ids are remembered in a set. Frames without an id cannot
    be recognised again and are always accepted, except empty ones (keep-alive comments,
    a lone ``retry:``) which carry no event.
    """

    after: str | None = attrs.field(default=None, converter=_optional_str)
    """Where the first request starts (``after`` query value), if the caller chose."""
    last_event_id: str | None = attrs.field(default=None, converter=_optional_str)
    """The id of the last delivered event, or the one the caller resumes from."""
    _moved: bool = attrs.field(default=False, init=False, repr=False)
    _seen: set[str] = attrs.field(factory=set, init=False, repr=False)
    _high_water: int | None = attrs.field(default=None, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for start in (self.after, self.last_event_id):
            if start:
                self._remember(start)

    def request_params(self) -> tuple[dict[str, str], dict[str, str]]:
        """Query and headers for the next request: ``after`` and ``Last-Event-ID``."""
        query: dict[str, str] = {}
        headers = {"Accept": "text/event-stream"}
        if self._moved:
            after = self.last_event_id
        else:
            after = self.after if self.after is not None else self.last_event_id
        if after is not None:
            query["after"] = after
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = self.last_event_id
        return query, headers

    def accept(self, frame: SseFrame) -> bool:
        """True when the frame is new and should be delivered; records it if so."""
        if not frame.id:
            return not frame.is_empty
        number = _numeric(frame.id)
        if number is not None and self._high_water is not None and number <= self._high_water:
            return False
        if frame.id in self._seen:
            return False
        self._remember(frame.id)
        self.last_event_id = frame.id
        self._moved = True
        return True

    def _remember(self, event_id: str) -> None:
        self._seen.add(event_id)
        number = _numeric(event_id)
        if number is not None and (self._high_water is None or number > self._high_water):
            self._high_water = number


@attrs.define
class SseStream:
    """One logical event stream over any number of HTTP connections.

    Call :meth:`next_request` before each connection, :meth:`feed` with every chunk,
    :meth:`end_of_body` when the body ends cleanly and :meth:`connection_lost` when it
    breaks. Every event comes out of :meth:`feed`/:meth:`end_of_body` exactly once, in
    order; :attr:`done` turns true right after the terminal event, and later input is
    ignored.

    Unlike the network's client, an unfinished block left at the end of the body is only
    delivered when it reports a terminal status; anything else is dropped (as the SSE
    standard says) and re-read after the reconnect, because a body that ends mid-frame is
    usually a cut connection and a half-received frame must not be delivered as if whole.
    """

    resume: SseResume = attrs.field(factory=SseResume)
    done: bool = attrs.field(default=False, init=False)
    delivered: int = attrs.field(default=0, init=False)
    """How many events were delivered so far (a driver resets its backoff on progress)."""
    _parser: SseParser = attrs.field(factory=SseParser, init=False, repr=False)

    @classmethod
    def starting(
        cls,
        *,
        after: str | int | float | None = None,
        last_event_id: str | int | float | None = None,
    ) -> SseStream:
        """A stream whose first request starts after the given event."""
        return cls(SseResume(after=after, last_event_id=last_event_id))

    def next_request(self) -> tuple[dict[str, str], dict[str, str]]:
        """Start a connection: returns its query and headers (resuming where delivery stopped)."""
        self._parser.discard()
        return self.resume.request_params()

    def feed(self, chunk: str | bytes) -> list[SseFrame]:
        """Feed a chunk of the body; returns the new events it completed."""
        if self.done:
            return []
        return self._deliver(self._parser.feed(chunk))

    def end_of_body(self) -> list[SseFrame]:
        """The body ended without an error; returns a final terminal event if one was left."""
        if self.done:
            return []
        frames = [frame for frame in self._parser.close() if is_terminal(frame)]
        return self._deliver(frames[:1])

    def connection_lost(self) -> None:
        """The connection broke: forget the unfinished block, it will be sent again."""
        self._parser.discard()

    def _deliver(self, frames: list[SseFrame]) -> list[SseFrame]:
        out: list[SseFrame] = []
        for frame in frames:
            if not self.resume.accept(frame):
                continue
            out.append(frame)
            if is_terminal(frame):
                self.done = True
                break
        self.delivered += len(out)
        return out
