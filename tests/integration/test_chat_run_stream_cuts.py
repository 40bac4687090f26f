"""A chat run's event stream cut again and again still delivers every event once, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

# A long question: the answer streams as one event per word, so the run logs ~40 events.
LONG_ASK = [{"role": "user", "content": " ".join(f"word{n}" for n in range(36))}]
CUT_AFTER = (3, 9, 15, 21, 27)  # events received before each of the five cuts


@pytest.fixture
def steady_net() -> Iterator[LocalSupernet]:
    """Run events 0.08 s apart: the run is still going at every cut below."""
    with LocalSupernet(api_key="test-key", step_delay=0.08) as server:
        yield server


def client_kwargs(net: LocalSupernet) -> dict[str, Any]:
    return {
        "api_key": net.api_key,
        "rest_endpoint": net.rest_url,
        "socket_endpoint": net.socket_url,
        "connect": False,
    }


def stream_requests(net: LocalSupernet, run_id: str) -> list[Any]:
    return [r for r in net.requests() if r.path == f"/v1/chat/runs/{run_id}/events/stream"]


def test_five_cuts_lose_and_repeat_nothing(steady_net: LocalSupernet) -> None:
    with SogniClient(**client_kwargs(steady_net)) as client:
        run = client.chat.runs.create(LONG_ASK)
        sequences: list[int] = []
        cuts, pending = 0, False
        for event in client.chat.runs.stream_events(run.run_id):
            sequences.append(event.sequence)
            # Events may come from what was buffered before a cut: cut again as soon as a
            # live stream exists.
            pending = pending or len(sequences) in CUT_AFTER
            if pending and steady_net.drop_connections():
                cuts, pending = cuts + 1, False
        assert cuts == 5
        assert event.type == "run_completed"
        history = client.chat.runs.events(run.run_id)
    assert sequences == [e.sequence for e in history]  # every event once, in order
    assert sequences == list(range(1, len(history) + 1)) and len(sequences) > 30
    requests = stream_requests(steady_net, run.run_id)
    assert len(requests) == 6
    assert "last-event-id" not in requests[0].headers
    for request in requests[1:]:
        # each reconnection resumed after an event it had, with the header alone
        assert int(request.headers["last-event-id"]) in sequences
        assert request.query == {}


def test_async_stream_survives_five_cuts_and_refused_reconnects(
    steady_net: LocalSupernet,
) -> None:
    async def main() -> tuple[str, list[int], list[int], int]:
        async with AsyncSogniClient(**client_kwargs(steady_net)) as client:
            run = await client.chat.runs.create(LONG_ASK)
            path = f"/v1/chat/runs/{run.run_id}/events/stream"
            sequences: list[int] = []
            cuts, pending = 0, False
            async for event in client.chat.runs.stream_events(run.run_id):
                sequences.append(event.sequence)
                pending = pending or len(sequences) in CUT_AFTER
                if pending and cuts < 5 and steady_net.drop_connections():
                    cuts, pending = cuts + 1, False
                    if cuts == 5:  # and the next two reconnects are refused by a busy gateway
                        steady_net.fail_requests(path, 503, times=2)
            history = await client.chat.runs.events(run.run_id)
            return run.run_id, sequences, [e.sequence for e in history], cuts

    run_id, sequences, history, cuts = asyncio.run(main())
    assert cuts == 5
    assert sequences == history
    # the first connection, five resumed ones and the two the gateway refused
    assert len(stream_requests(steady_net, run_id)) == 8


def test_a_stream_joined_late_starts_after_the_given_event(steady_net: LocalSupernet) -> None:
    with SogniClient(**client_kwargs(steady_net)) as client:
        run = client.chat.runs.create([{"role": "user", "content": "short one"}])
        every = [e.sequence for e in client.chat.runs.stream_events(run.run_id)]
        later = [
            e.sequence for e in client.chat.runs.stream_events(run.run_id, last_event_id=every[-3])
        ]
        finished = list(client.chat.runs.stream_events(run.run_id, last_event_id=every[-1]))
    assert later == every[-2:]
    assert finished == []  # nothing after the last event of a finished run
    assert stream_requests(steady_net, run.run_id)[1].headers["last-event-id"] == str(every[-3])
