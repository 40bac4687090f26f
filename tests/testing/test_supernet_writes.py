"""How the local Supernet writes socket frames: the frames of one turn of its event loop in
one write, in the order they were sent, and paced by a reader that has fallen behind."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from supernet_helpers import RawSocket, image_job_request, wait_until
from websocket import ABNF

from sogni.testing import LocalSupernet
from sogni.testing.sockets import BACKLOG_LIMIT, ClientSocket


def only_client(net: LocalSupernet) -> ClientSocket:
    (client,) = net._world.broadcaster.clients()
    return client


def test_the_greeting_goes_out_in_one_write(net: LocalSupernet) -> None:
    before = net.stats()
    sock = RawSocket(net)
    kinds = [kind for kind, _ in sock.recv_until("swarmLLMModels")]
    after = net.stats()
    sock.close()
    assert kinds == ["authenticated", "balanceUpdate", "swarmModels", "swarmLLMModels"]
    assert after["socket_frames"] - before["socket_frames"] == 4
    assert after["socket_writes"] - before["socket_writes"] == 1


def test_jobs_rendering_together_share_writes() -> None:
    with LocalSupernet(step_delay=0, steps=40, job_stagger=0) as net:
        sock = RawSocket(net)
        sock.recv_until("swarmLLMModels")
        start = net.stats()
        project = str(uuid.uuid4())
        sock.send("jobRequest", image_job_request(project, count=8))
        seen = _until_project_ends(sock, project)
        end = net.stats()
        sock.close()
    frames = end["socket_frames"] - start["socket_frames"]
    writes = end["socket_writes"] - start["socket_writes"]
    steps: dict[str, list[int]] = {}
    for kind, payload in seen:
        if kind == "jobProgress":
            steps.setdefault(payload["imgID"], []).append(payload["step"])
    assert len(steps) == 8
    assert all(got == list(range(1, 41)) for got in steps.values())  # every step, in order
    assert frames >= len(seen)
    assert writes * 4 <= frames  # eight jobs step in the same turns


def _until_project_ends(sock: RawSocket, project: str) -> list[tuple[str, Any]]:
    return sock.recv_until(
        "jobState",
        where=lambda p: (
            p.get("jobID", "").upper() == project.upper() and p.get("type") == "jobCompleted"
        ),
    )


def test_a_raw_frame_and_a_close_follow_the_frames_queued_before_them(
    net: LocalSupernet, sock: RawSocket
) -> None:
    client = only_client(net)

    async def burst() -> None:
        recorder = net._world.recorder
        await client.send(recorder, "jobProgress", {"jobID": "J", "step": 1})
        await client.send_raw('{"type": "raw"}')
        await client.send(recorder, "jobProgress", {"jobID": "J", "step": 2})
        await client.close(4000, "bye")

    net._call(burst())
    assert sock.recv() == ("jobProgress", {"jobID": "J", "step": 1})
    assert sock.ws.recv() == '{"type": "raw"}'
    assert sock.recv() == ("jobProgress", {"jobID": "J", "step": 2})
    opcode, data = sock.ws.recv_data(control_frame=True)
    assert opcode == ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 4000


def test_a_reader_that_falls_behind_paces_the_sender(net: LocalSupernet) -> None:
    sock = RawSocket(net)
    sock.recv_until("swarmLLMModels")
    client = only_client(net)
    body = "x" * 60_000
    count = (8 * BACKLOG_LIMIT) // len(body)

    async def flood() -> None:
        for index in range(count):
            await client.send(
                net._world.recorder, "jobProgress", {"jobID": "J", "n": index, "x": body}
            )

    loop = net._loop
    assert loop is not None
    task = asyncio.run_coroutine_threadsafe(flood(), loop)

    def backlog() -> int:
        transport = client.request.transport
        return transport.get_write_buffer_size() if transport else 0

    # Seen from the server's loop, a sender is between writes only while it waits: once
    # the kernel's buffers are full, it either waits for the reader or queued it all.
    wait_until(lambda: task.done() or net._on_loop(backlog) > 0, what="a full kernel buffer")
    assert not task.done()
    assert net._on_loop(backlog) < 2 * BACKLOG_LIMIT
    received = [sock.recv(timeout=10)[1]["n"] for _ in range(count)]
    task.result(10)
    assert received == list(range(count))
    sock.close()
