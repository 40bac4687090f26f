"""``LoopReader`` leaves a connection it must not read in an event loop to the engine's
thread: TLS (a read would block the loop until a whole record is in) and loops that
cannot watch sockets; a turn a closed loop still held goes back."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest

from sogni_async._primitives import LoopReader, Signal, loop_reader


class Turns:
    """Hands out one turn for ``raw`` at a time and counts what happened."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.taken = 0
        self.given_back = 0

    def take_turn(self, timeout: float) -> Any:
        self.taken += 1
        return self

    def give_turn_back(self, reading: Any) -> None:
        self.given_back += 1

    def seconds_to_ping(self) -> float:
        return 15.0


Pair = tuple[socket.socket, socket.socket]


@pytest.fixture
def pair() -> Iterator[Pair]:
    """Two connected sockets: the connection a reader reads (the first) and its peer."""
    left, right = socket.socketpair()
    with left, right:
        yield left, right


def test_a_tls_connection_is_left_to_the_engine() -> None:
    with socket.socket() as plain:
        raw = ssl.create_default_context().wrap_socket(
            plain, server_hostname="example.org", do_handshake_on_connect=False
        )

        async def main() -> Turns:
            turns = Turns(raw)
            reader = LoopReader(turns, asyncio.get_running_loop())  # type: ignore[arg-type]
            reader.join()
            reader.read_here()  # a later wake-up does not try again
            reader.leave()
            return turns

        turns = asyncio.run(main())
    assert (turns.taken, turns.given_back) == (1, 1)


class NoReaders(asyncio.SelectorEventLoop):
    """A loop that cannot watch sockets, as Windows' proactor loop."""

    def add_reader(self, *args: Any) -> None:
        raise NotImplementedError


def test_a_loop_that_cannot_watch_sockets_leaves_reading_to_the_engine(pair: Pair) -> None:
    loop = NoReaders()
    left, _ = pair
    try:

        async def main() -> Turns:
            turns = Turns(left)
            reader = LoopReader(turns, asyncio.get_running_loop())  # type: ignore[arg-type]
            reader.join()
            reader.read_here()
            reader.leave()
            return turns

        turns = loop.run_until_complete(main())
    finally:
        loop.close()
    assert (turns.taken, turns.given_back) == (1, 1)


def test_a_turn_held_by_a_closed_loop_is_given_back_to_the_next_loop(pair: Pair) -> None:
    left, _ = pair
    turns = Turns(left)
    loop = asyncio.new_event_loop()
    reader = LoopReader(turns, loop)  # type: ignore[arg-type]
    reader.join()  # holds the turn, and the loop ends before giving it back
    loop.close()
    assert turns.given_back == 0
    turns.loop_reader = reader  # type: ignore[attr-defined]

    async def main() -> None:
        loop_reader(turns, asyncio.get_running_loop())  # type: ignore[arg-type]

    asyncio.run(main())
    assert turns.given_back == 1


class BusyAtFirst(Turns):
    """The engine's thread is in a long read at the first try."""

    state = "open"

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        self.took = asyncio.Event()

    def take_turn(self, timeout: float) -> Any:
        self.taken += 1
        if self.taken == 1:
            return None
        self.took.set()
        return self


def test_a_wait_that_found_the_engine_mid_read_takes_the_turn_soon_after(pair: Pair) -> None:
    left, _ = pair

    async def main() -> BusyAtFirst:
        turns = BusyAtFirst(left)
        reader = LoopReader(turns, asyncio.get_running_loop())  # type: ignore[arg-type]
        reader.join()
        await asyncio.wait_for(turns.took.wait(), 5)
        reader.leave()
        await asyncio.sleep(0)  # the turn goes back once no task waits
        return turns

    turns = asyncio.run(main())
    assert (turns.taken, turns.given_back) == (2, 1)


class Ending(Turns):
    """A connection whose next read brings the change a task waits for."""

    loop_reader: Any = None
    state = "open"
    ended = False

    def __init__(self, raw: Any) -> None:
        super().__init__(raw)
        self.changed: Signal | None = None
        self.done = False
        self.looked = 0  # ready() calls after a read

    def step(self, ready: bool) -> None:
        self.raw.recv(64)
        self.done = True
        assert self.changed is not None
        self.changed.notify()

    def ready(self, timeout: float) -> bool:
        self.looked += 1
        return False


def test_a_read_that_woke_a_task_lets_it_run_before_looking_for_more(pair: Pair) -> None:
    left, right = pair

    async def main() -> Ending:
        turns = Ending(left)
        turns.changed = Signal(turns)  # type: ignore[arg-type]
        asyncio.get_running_loop().call_soon(right.send, b"x")
        assert await turns.changed.wait_for(lambda: turns.done, 5)
        return turns

    turns = asyncio.run(main())
    assert turns.done
    assert turns.looked == 0  # no look for more bytes between the change and the task
