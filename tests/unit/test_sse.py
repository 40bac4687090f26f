"""The SSE parser, the resume tracker and the exactly-once stream."""

from __future__ import annotations

import json
import random

import pytest

from sogni.core.sse import SseFrame, SseParser, SseResume, SseStream, is_terminal, parse_block


def frames_of(text: str) -> list[SseFrame]:
    parser = SseParser()
    return parser.feed(text) + parser.close()


# --- single blocks -------------------------------------------------------------------------


def test_id_event_and_json_data() -> None:
    frame = parse_block('id: 7\nevent: step\ndata: {"status": "running"}')
    assert frame == SseFrame(
        event="step",
        data={"status": "running"},
        raw='id: 7\nevent: step\ndata: {"status": "running"}',
        id="7",
    )


def test_defaults_without_fields() -> None:
    frame = parse_block("data: hello")
    assert frame is not None
    assert (frame.event, frame.data, frame.id) == ("message", "hello", None)


def test_data_lines_are_joined_with_newlines_then_parsed() -> None:
    frame = parse_block('data: {"a":\ndata: 1}')
    assert frame is not None and frame.data == {"a": 1}
    frame = parse_block("data: one\ndata: two")
    assert frame is not None and frame.data == "one\ntwo"


def test_only_one_leading_space_is_dropped() -> None:
    frame = parse_block("data:  two spaces")
    assert frame is not None and frame.data == " two spaces"
    frame = parse_block("data:nospace")
    assert frame is not None and frame.data == "nospace"


def test_field_split_at_first_colon_only() -> None:
    frame = parse_block("data: a:b:c")
    assert frame is not None and frame.data == "a:b:c"


def test_line_without_colon_is_a_field_with_empty_value() -> None:
    frame = parse_block("event\ndata")
    # "event" with an empty value keeps the default name; "data" adds an empty line.
    assert frame is not None
    assert frame.event == "message"
    assert frame.data is None


def test_empty_event_name_means_message() -> None:
    frame = parse_block("event:\ndata: 1")
    assert frame is not None and frame.event == "message" and frame.data == 1


def test_comments_and_unknown_fields_are_ignored() -> None:
    frame = parse_block(": hello\nretry: 3000\nfoo: bar\ndata: [1, 2]")
    assert frame is not None
    assert frame.data == [1, 2]
    assert frame.raw == ": hello\nretry: 3000\nfoo: bar\ndata: [1, 2]"


def test_non_json_constants_stay_text() -> None:
    # JSON.parse rejects NaN and Infinity; Python's json would accept them.
    for text in ("NaN", "Infinity", "-Infinity"):
        frame = parse_block(f"data: {text}")
        assert frame is not None and frame.data == text


def test_json_scalars_are_parsed() -> None:
    assert [f.data for f in frames_of('data: 0\n\ndata: true\n\ndata: null\n\ndata: "s"\n\n')] == [
        0,
        True,
        None,
        "s",
    ]


def test_last_id_line_wins() -> None:
    frame = parse_block("id: 1\nid: 2\ndata: x")
    assert frame is not None and frame.id == "2"


def test_blank_block_is_skipped_and_blocks_are_trimmed() -> None:
    assert parse_block(" \n\t ") is None
    frames = frames_of("\n\n  data: 1  \n\n\n\n")
    assert [(f.data, f.raw) for f in frames] == [(1, "data: 1")]


def test_crlf_and_mixed_separators() -> None:
    text = "id: 1\r\ndata: a\r\n\r\nid: 2\ndata: b\n\r\nid: 3\r\ndata: c\r\n\n"
    assert [(f.id, f.data) for f in frames_of(text)] == [("1", "a"), ("2", "b"), ("3", "c")]


def test_comment_only_block_is_a_frame_like_the_networks_client() -> None:
    frames = frames_of(": keep-alive\n\ndata: 1\n\n")
    assert len(frames) == 2
    assert frames[0].is_empty and frames[0].raw == ": keep-alive"
    assert not frames[1].is_empty


def test_wire_form() -> None:
    frame = parse_block("id: 4\ndata: 1")
    assert frame is not None
    assert frame.to_wire() == {"id": "4", "event": "message", "data": 1, "raw": "id: 4\ndata: 1"}
    bare = parse_block("data: 1")
    assert bare is not None and "id" not in bare.to_wire()


def test_terminal_status() -> None:
    for status in ("completed", "failed", "cancelled"):
        assert is_terminal(SseFrame(event="message", data={"status": status}, raw=""))
    for data in ({"status": "running"}, {"status": None}, "completed", None, ["completed"]):
        assert not is_terminal(SseFrame(event="message", data=data, raw=""))


# --- incremental parsing -----------------------------------------------------------------

STREAM = (
    ": hello\n\n"
    'id: 1\nevent: workflow\ndata: {"status": "queued", "note": "caf\u00e9 \u2603"}\n\n'
    'id: 2\r\nevent: step\r\ndata: {"status": "running",\r\ndata: "step": 1}\r\n\r\n'
    "id: 3\ndata: plain text\n\n\n"
    "retry: 10\n\n"
    'id: 4\ndata: {"status": "completed"}\n\n'
)


def test_any_chunking_gives_the_same_frames() -> None:
    expected = frames_of(STREAM)
    assert [f.id for f in expected] == [None, "1", "2", "3", None, "4"]
    encoded = STREAM.encode("utf-8")
    rng = random.Random(1234)
    for _ in range(300):
        cuts = sorted(rng.sample(range(1, len(encoded)), rng.randint(1, 40)))
        parser = SseParser()
        got: list[SseFrame] = []
        previous = 0
        for cut in [*cuts, len(encoded)]:
            got += parser.feed(encoded[previous:cut])
            previous = cut
        got += parser.close()
        assert got == expected


def test_every_single_split_point_as_text() -> None:
    expected = frames_of(STREAM)
    for cut in range(len(STREAM) + 1):
        parser = SseParser()
        got = parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:]) + parser.close()
        assert got == expected, cut


def test_byte_at_a_time_with_multibyte_characters() -> None:
    parser = SseParser()
    got: list[SseFrame] = []
    for byte in STREAM.encode("utf-8"):
        got += parser.feed(bytes([byte]))
    assert got == frames_of(STREAM)
    assert got[1].data["note"] == "caf\u00e9 \u2603"


def test_frame_is_only_emitted_once_its_blank_line_arrives() -> None:
    parser = SseParser()
    assert parser.feed("id: 1\ndata: 1\n") == []
    assert parser.pending == "id: 1\ndata: 1\n"
    assert parser.feed("\r") == []
    (frame,) = parser.feed("\n")
    assert frame.id == "1"


def test_close_parses_the_rest_and_discard_drops_it() -> None:
    parser = SseParser()
    parser.feed("id: 9\ndata: 1")
    assert [f.id for f in parser.close()] == ["9"]
    assert parser.pending == ""
    parser.feed("id: 10\ndata: 1")
    parser.discard()
    assert parser.close() == []


# --- resume ------------------------------------------------------------------------------


def frame(event_id: str | None, data: object = None) -> SseFrame:
    return SseFrame(event="message", data=data, raw="", id=event_id)


def test_first_request_params_match_the_networks_client() -> None:
    assert SseResume().request_params() == ({}, {"Accept": "text/event-stream"})
    assert SseResume(after=5).request_params() == ({"after": "5"}, {"Accept": "text/event-stream"})
    assert SseResume(last_event_id="7").request_params() == (
        {"after": "7"},
        {"Accept": "text/event-stream", "Last-Event-ID": "7"},
    )
    # after wins for the query, the header still carries last_event_id
    assert SseResume(after="3", last_event_id="7").request_params() == (
        {"after": "3"},
        {"Accept": "text/event-stream", "Last-Event-ID": "7"},
    )


def test_numbers_are_written_like_js_string() -> None:
    assert SseResume(after=3.0).request_params()[0] == {"after": "3"}
    assert SseResume(after=2.5).request_params()[0] == {"after": "2.5"}


def test_resume_params_follow_the_last_delivered_id() -> None:
    resume = SseResume(after="3")
    assert resume.accept(frame("4", 1))
    assert resume.request_params() == (
        {"after": "4"},
        {"Accept": "text/event-stream", "Last-Event-ID": "4"},
    )


def test_numeric_ids_at_or_below_the_high_water_mark_are_repeats() -> None:
    resume = SseResume()
    assert resume.accept(frame("1", 1))
    assert resume.accept(frame("2", 1))
    assert not resume.accept(frame("2", 1))
    assert not resume.accept(frame("1", 1))
    assert resume.accept(frame("10", 1))
    assert not resume.accept(frame("9", 1))
    assert resume.last_event_id == "10"


def test_start_point_counts_as_seen() -> None:
    resume = SseResume(after=5)
    assert not resume.accept(frame("5", 1))
    assert not resume.accept(frame("3", 1))
    assert resume.accept(frame("6", 1))


def test_text_ids_are_remembered() -> None:
    resume = SseResume()
    assert resume.accept(frame("evt-a", 1))
    assert resume.accept(frame("evt-b", 1))
    assert not resume.accept(frame("evt-a", 1))
    assert resume.last_event_id == "evt-b"


def test_frames_without_id_are_delivered_but_keep_alives_are_not() -> None:
    resume = SseResume()
    assert resume.accept(frame(None, {"x": 1}))
    assert resume.accept(SseFrame(event="ping", data=None, raw="event: ping"))
    assert not resume.accept(SseFrame(event="message", data=None, raw=": keep-alive"))
    assert not resume.accept(SseFrame(event="message", data=None, raw="retry: 10"))
    assert resume.request_params()[0] == {}


# --- a stream over dropped connections -----------------------------------------------------


def render(event_id: int, status: str) -> str:
    data = json.dumps({"status": status, "n": event_id})
    return f"id: {event_id}\nevent: workflow\ndata: {data}\n\n"


def server_body(after: str | None, events: list[tuple[int, str]], *, replay: int = 0) -> str:
    """What a server sends for a request: keep-alive, then every event after ``after``.

    ``replay`` re-sends that many already-delivered events first, as a sloppy server might.
    """
    start = int(after) if after is not None else 0
    body = ": connected\n\n"
    chosen = [e for e in events if e[0] > start - replay]
    return body + "".join(render(i, s) for i, s in chosen)


def test_dropped_stream_delivers_each_event_once_in_order() -> None:
    events = [(i, "running") for i in range(1, 40)] + [(40, "completed"), (41, "running")]
    rng = random.Random(99)
    for trial in range(50):
        stream = SseStream()
        delivered: list[int] = []
        connections = 0
        while not stream.done:
            connections += 1
            assert connections < 200
            query, headers = stream.next_request()
            if "after" in query:
                assert headers["Last-Event-ID"] == query["after"]
            body = server_body(query.get("after"), events, replay=rng.randint(0, 5)).encode()
            # cut the connection somewhere in the body (most of the time)
            drop = rng.random() < 0.8
            limit = rng.randint(0, len(body)) if drop else len(body)
            position = 0
            while position < limit:
                size = rng.randint(1, 64)
                chunk = body[position : min(limit, position + size)]
                position += len(chunk)
                delivered += [f.data["n"] for f in stream.feed(chunk)]
                if stream.done:
                    break
            else:
                if drop:
                    stream.connection_lost()
                else:
                    delivered += [f.data["n"] for f in stream.end_of_body()]
        assert delivered == list(range(1, 41)), trial
        assert stream.delivered == 40


def test_stream_stops_at_the_terminal_event_and_ignores_the_rest() -> None:
    stream = SseStream()
    stream.next_request()
    got = stream.feed(render(1, "running") + render(2, "failed") + render(3, "running"))
    assert [f.id for f in got] == ["1", "2"]
    assert stream.done
    assert stream.feed(render(4, "running")) == []
    assert stream.end_of_body() == []


def test_clean_end_of_body_mid_frame_is_not_delivered_half_received() -> None:
    stream = SseStream()
    stream.next_request()
    got = stream.feed(render(1, "running") + 'id: 2\ndata: {"status": "runn')
    assert [f.id for f in got] == ["1"]
    assert stream.end_of_body() == []
    assert not stream.done
    query, _ = stream.next_request()
    assert query == {"after": "1"}
    assert [f.id for f in stream.feed(render(2, "running"))] == ["2"]


def test_terminal_frame_without_final_blank_line_is_delivered_at_end_of_body() -> None:
    stream = SseStream()
    stream.next_request()
    stream.feed(render(1, "running"))
    stream.feed('id: 2\ndata: {"status": "completed"}')
    (last,) = stream.end_of_body()
    assert last.id == "2" and stream.done


def test_next_request_discards_a_half_frame_from_the_previous_connection() -> None:
    stream = SseStream.starting(after=1)
    assert stream.next_request()[0] == {"after": "1"}
    stream.feed('id: 2\ndata: {"status": ')
    stream.next_request()
    got = stream.feed(render(2, "running"))
    assert [(f.id, f.data["status"]) for f in got] == [("2", "running")]


@pytest.mark.parametrize("start", [{"after": 3}, {"last_event_id": "3"}])
def test_starting_point_is_honoured(start: dict[str, object]) -> None:
    stream = SseStream.starting(**start)  # type: ignore[arg-type]
    query, _ = stream.next_request()
    assert query == {"after": "3"}
    got = stream.feed(render(3, "running") + render(4, "running"))
    assert [f.id for f in got] == ["4"]
