"""The outbox's rules: what is written again after a reconnection, and what never is."""

from __future__ import annotations

from typing import Any

from helpers import FakeClock

from sogni._runtime.delivery import RESEND_GRACE, Delivery
from sogni.errors import NotDelivered, SogniError

PID = "0F8E2C3A-1B2C-4D5E-8F90-1234567890AB"


class Wire:
    """A socket engine's surface as the outbox uses it: written frames, connection count."""

    def __init__(self) -> None:
        self.state = "open"
        self.connections = 1
        self.written: list[tuple[str, Any, int]] = []

    def send(self, message_type: str, payload: Any) -> int:
        self.written.append((message_type, payload, self.connections))
        return self.connections

    def reconnect(self) -> None:
        self.connections += 1


def setup() -> tuple[Wire, FakeClock, Delivery]:
    wire, clock = Wire(), FakeClock(100.0)
    return wire, clock, Delivery(wire, clock=clock)  # type: ignore[arg-type]


def test_a_confirmed_request_leaves_the_outbox() -> None:
    wire, _, delivery = setup()
    delivery.submit("jobRequest", {"jobID": PID})
    assert delivery.pending_request("jobRequest", PID)
    delivery.on_event("jobState", {"jobID": PID, "type": "queued"})
    assert len(delivery) == 0 and not delivery.pending_request("jobRequest", PID)


def test_a_project_request_is_not_rewritten_blindly_after_a_reconnection() -> None:
    wire, _, delivery = setup()
    delivery.submit("jobRequest", {"jobID": PID})
    wire.reconnect()
    delivery.on_open(wire.connections)
    assert len(wire.written) == 1  # the network may have it: it is looked up first
    assert delivery.resend_request("jobRequest", PID)  # the lookup answered 404
    assert [c for _, _, c in wire.written] == [1, 2]


def test_a_fresh_request_on_the_current_connection_is_not_doubled_by_a_lookup() -> None:
    wire, clock, delivery = setup()
    delivery.submit("jobRequest", {"jobID": PID})
    assert delivery.resend_request("jobRequest", PID)  # a 404 that raced the frame
    assert len(wire.written) == 1
    clock.now += RESEND_GRACE + 1
    assert delivery.resend_request("jobRequest", PID)
    assert len(wire.written) == 2


def test_idempotent_requests_are_written_again_and_chat_waits_for_the_snapshot() -> None:
    wire, _, delivery = setup()
    delivery.submit("jobError", {"jobID": PID, "error": "artistCanceled"})
    delivery.submit("llmJobRequest", {"jobID": "CHAT-1"})
    delivery.submit("llmJobRequest", {"jobID": "CHAT-2"})
    wire.reconnect()
    delivery.on_open(wire.connections)
    assert [t for t, _, c in wire.written if c == 2] == ["jobError"]
    delivery.on_snapshot({"activeProjects": ["chat-1"]})  # the network has CHAT-1 running
    assert [p["jobID"] for t, p, c in wire.written if c == 2 and t == "llmJobRequest"] == ["CHAT-2"]
    assert not delivery.pending_request("llmJobRequest", "CHAT-1")


def test_requests_made_while_offline_go_out_on_open_in_order() -> None:
    wire, _, delivery = setup()
    wire.state = "connecting"
    for index in range(3):
        delivery.submit("jobRequest", {"jobID": f"P{index}"})
    assert wire.written == []
    wire.state = "open"
    wire.reconnect()
    delivery.on_open(wire.connections)
    assert [p["jobID"] for _, p, _ in wire.written] == ["P0", "P1", "P2"]


def test_giving_up_names_each_undelivered_request() -> None:
    wire, _, delivery = setup()
    wire.state = "connecting"
    failures: list[SogniError] = []
    delivery.submit("jobRequest", {"jobID": PID}, on_fail=failures.append)
    delivery.give_up("the client was closed")
    assert len(failures) == 1 and isinstance(failures[0], NotDelivered)
    assert failures[0].request_id == PID and PID in str(failures[0])
    assert len(delivery) == 0
