"""A thread blocked in a sync wait reads the connection itself while no other thread does
(and an async client's event loop while its tasks wait): the events it waits for are
handled there, and it comes back as soon as what it waits for changed, wherever the
change was made (a result fetched over REST, a drop, ``close()``). Ctrl-C during a sync
wait is not raised in the middle of handling a frame."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest
from helpers import sync_client

from sogni import ClientClosed, SogniTimeoutError
from sogni._runtime.socket_engine import SocketEngine
from sogni._runtime.socket_reading import Reading
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

WAIT = 30.0
MODEL = "flux1-schnell-fp8"  # its result URLs are fetched over REST, off the socket


def test_the_waiting_thread_handles_the_events_it_waits_for(steady_net: LocalSupernet) -> None:
    with sync_client(steady_net) as client:
        project = client.projects.create(model_id=MODEL, positive_prompt="x")
        threads: list[threading.Thread] = []
        project.on("progress", lambda _event: threads.append(threading.current_thread()))
        urls = project.wait_for_completion(timeout=WAIT)
    assert len(urls) == 1
    assert len(threads) >= 10
    # The first events may come before the wait began; those after it, on this thread.
    assert threads[-5:] == [threading.current_thread()] * 5


def test_a_result_fetched_over_rest_ends_the_wait_at_once(net: LocalSupernet) -> None:
    # The last change is made by the thread that fetched the result URL, not by a frame:
    # the reading waiter must be woken (the socket stays silent until the next ping, 15 s).
    with sync_client(net) as client:
        for index in range(5):
            project = client.projects.create(model_id=MODEL, positive_prompt=f"x {index}")
            assert len(project.wait_for_completion(timeout=5)) == 1


def test_a_timed_out_wait_hands_the_connection_back(steady_net: LocalSupernet) -> None:
    with sync_client(steady_net) as client:
        project = client.projects.create(model_id=MODEL, positive_prompt="x")
        with pytest.raises(SogniTimeoutError):
            project.wait_for_completion(timeout=0.05)
        # Nobody waits now: the engine's thread reads the rest of the events.
        seen = threading.Event()
        project.on(
            "completed",
            lambda _event: threading.current_thread() is not threading.main_thread() and seen.set(),
        )
        assert seen.wait(WAIT)
        assert len(project.wait_for_completion(timeout=WAIT)) == 1


def test_a_drop_while_the_waiting_thread_reads_loses_nothing(steady_net: LocalSupernet) -> None:
    with sync_client(steady_net) as client:
        project = client.projects.create(model_id=MODEL, positive_prompt="x")
        progressed = threading.Event()
        project.on("progress", lambda _event: progressed.set())
        dropped = []

        def drop() -> None:
            if progressed.wait(WAIT):
                dropped.append(steady_net.drop_connections())

        dropper = threading.Thread(target=drop)
        dropper.start()
        urls = project.wait_for_completion(timeout=WAIT)
        dropper.join(WAIT)
    assert dropped and dropped[0] >= 1
    assert len(urls) == 1
    assert steady_net.stats()["cancelled_by_client"] == 0


def test_close_from_a_callback_of_the_waiting_thread_ends_the_wait() -> None:
    with LocalSupernet(api_key="slow", steps=50, step_delay=0.2) as slow:
        client = sync_client(slow)
        project = client.projects.create(model_id=MODEL, positive_prompt="x")
        closed = threading.Event()

        def close_now(_event: object) -> None:
            client.close()
            closed.set()

        project.on("progress", close_now)
        with pytest.raises(ClientClosed):
            project.wait_for_completion(timeout=WAIT)
        assert closed.is_set()
        assert slow.stats()["cancelled_by_client"] == 0


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals")
def test_ctrl_c_is_held_back_until_the_frame_is_handled(steady_net: LocalSupernet) -> None:
    assert threading.current_thread() is threading.main_thread()
    with sync_client(steady_net) as client:
        project = client.projects.create(model_id=MODEL, positive_prompt="x")
        handled: list[int] = []

        def interrupt_once(event: object) -> None:
            # On the waiting (main) thread only: an event the engine's thread handled
            # before the wait began would interrupt this test outside the wait.
            if threading.current_thread() is not threading.main_thread():
                return
            if not handled:
                os.kill(os.getpid(), signal.SIGINT)  # arrives while this frame is handled
            handled.append(1)

        project.on("progress", interrupt_once)
        with pytest.raises(KeyboardInterrupt):
            project.wait_for_completion(timeout=WAIT)
        assert handled  # the callback that raised the signal ran to its end
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        # Nothing was left half-done: the project goes on and finishes.
        assert len(project.wait_for_completion(timeout=WAIT)) == 1
        assert project.status == "completed"


# -- the async client: its event loop reads while tasks wait ------------------------------


def handling_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread that handled each socket event from now on."""
    names: list[str] = []
    handle = SocketEngine._handle_message

    def recorded(self: SocketEngine, message: bytes) -> None:
        names.append(threading.current_thread().name)
        handle(self, message)

    monkeypatch.setattr(SocketEngine, "_handle_message", recorded)
    return names


def async_connect(net: LocalSupernet) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


def test_the_event_loop_handles_the_events_its_tasks_wait_for(
    steady_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = handling_threads(monkeypatch)  # before connecting: each reading keeps its handler

    async def main() -> None:
        async with async_connect(steady_net) as client:
            project = await client.projects.create(model_id=MODEL, positive_prompt="x")
            assert len(await project.wait_for_completion(timeout=WAIT)) == 1

    asyncio.run(main())
    assert len(names) >= 10
    assert names[-5:] == [threading.current_thread().name] * 5


def test_a_timed_out_async_wait_hands_the_connection_back(
    steady_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = handling_threads(monkeypatch)

    async def main() -> list[str]:
        async with async_connect(steady_net) as client:
            project = await client.projects.create(model_id=MODEL, positive_prompt="x")
            with pytest.raises(SogniTimeoutError):
                await project.wait_for_completion(timeout=0.05)
            await asyncio.sleep(0)  # the loop gives the turn back once no task waits
            seen = len(names)
            done = asyncio.Event()
            project.on("completed", lambda _event: done.set())
            await asyncio.wait_for(done.wait(), WAIT)
            return names[seen:]

    names = asyncio.run(main())
    assert len(names) >= 5
    assert set(names) == {"sogni-socket"}  # nobody waited: the engine's thread read


def test_a_drop_while_the_event_loop_reads_loses_nothing(steady_net: LocalSupernet) -> None:
    async def main() -> list[str]:
        async with async_connect(steady_net) as client:
            project = await client.projects.create(model_id=MODEL, positive_prompt="x")
            progressed = asyncio.Event()

            def drop(_event: object) -> None:
                if not progressed.is_set():
                    progressed.set()
                    steady_net.drop_connections()  # from the loop, while it reads

            project.on("progress", drop)
            return await project.wait_for_completion(timeout=WAIT)

    assert len(asyncio.run(main())) == 1
    assert steady_net.stats()["cancelled_by_client"] == 0


def test_closing_while_the_event_loop_reads_wakes_every_task() -> None:
    async def main() -> list[BaseException | list[str]]:
        with LocalSupernet(api_key="slow", steps=50, step_delay=0.2) as slow:
            client = async_connect(slow)
            project = await client.projects.create(model_id=MODEL, positive_prompt="x")
            waiters = [
                asyncio.ensure_future(project.wait_for_completion(timeout=WAIT)) for _ in range(3)
            ]
            await asyncio.to_thread(slow.wait_for_received, "jobRequest")
            await client.close()
            return await asyncio.gather(*waiters, return_exceptions=True)

    outcomes = asyncio.run(main())
    assert [type(outcome) for outcome in outcomes] == [ClientClosed] * 3


def test_a_ctrl_c_handler_installed_during_the_wait_is_kept(steady_net: LocalSupernet) -> None:
    def own_handler(signum: int, frame: object) -> None:
        pass

    with sync_client(steady_net) as client:
        project = client.projects.create(model_id=MODEL, positive_prompt="x")

        def install(_event: object) -> None:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, own_handler)

        project.on("progress", install)
        try:
            assert len(project.wait_for_completion(timeout=WAIT)) == 1
            assert signal.getsignal(signal.SIGINT) is own_handler
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def test_a_failure_while_the_waiting_thread_reads_is_a_lost_connection(
    steady_net: LocalSupernet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not the caller's error: the connection is given up, comes back, and the wait goes on.
    received = Reading._received
    failed: list[int] = []

    def fail_once(self: Reading, data: bytes) -> None:
        if not failed and threading.current_thread() is threading.main_thread():
            failed.append(1)
            raise OSError("broken in the middle of a read")
        received(self, data)

    monkeypatch.setattr(Reading, "_received", fail_once)
    with sync_client(steady_net) as client:
        project = client.projects.create(model_id=MODEL, positive_prompt="x")
        assert len(project.wait_for_completion(timeout=WAIT)) == 1
    assert failed
    assert steady_net.stats()["cancelled_by_client"] == 0
