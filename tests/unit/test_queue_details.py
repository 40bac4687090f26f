"""What the network says about a queued project (when it should start, what it waits for
and why) and the range it gives for a job's time left."""

from __future__ import annotations

from helpers import FakeClock

from sogni.core.projects import ProjectState


def _project() -> ProjectState:
    return ProjectState(id="P", model_id="m", media="image", number_of_media=1, clock=FakeClock())


def test_a_queued_project_knows_when_it_should_start_and_why_it_waits() -> None:
    state = _project()
    [event] = state.handle(
        "jobState",
        {
            "jobID": "P",
            "type": "queued",
            "queuePosition": 4,
            "estimatedStartSeconds": 90,
            "queueStatus": "waiting",
            "waitingReason": {
                "reason": "concurrency_limit",
                "message": "Two projects run already",
                "paymentModel": "subscription",
            },
        },
    )
    assert event.data == {
        "queue_position": 4,
        "estimated_start_seconds": 90.0,
        "queue_status": "waiting",
        "waiting_reason": {"reason": "concurrency_limit", "message": "Two projects run already"},
    }
    assert (state.estimated_start_at, state.queue_status) == (1090.0, "waiting")
    assert state.to_dict()["waiting_reason"] == {
        "reason": "concurrency_limit",
        "message": "Two projects run already",
    }
    state.handle("jobState", {"jobID": "P", "type": "jobStarted", "imgID": "A"})
    assert (state.estimated_start_at, state.queue_status, state.waiting_reason) == (
        None,
        None,
        None,
    )


def test_an_unknown_start_and_odd_values() -> None:
    state = _project()
    [event] = state.handle(
        "jobState",
        {
            "jobID": "P",
            "type": "queued",
            "queuePosition": 1,
            "estimatedStartSeconds": None,
            "queueStatus": "asleep",
            "waitingReason": {"reason": "x", "message": " "},
        },
    )
    assert event.data == {"queue_position": 1, "estimated_start_seconds": None}
    assert state.queue_status is None and state.waiting_reason is None
    [event] = state.handle(
        "jobState",
        {"jobID": "P", "type": "queued", "estimatedStartSeconds": -5, "queueStatus": "no-workers"},
    )
    assert event.data == {"queue_position": 1, "queue_status": "no-workers"}


def test_progress_carries_the_range_of_the_time_left() -> None:
    state = _project()
    [event] = state.handle(
        "jobProgress",
        {"jobID": "P", "imgID": "A", "step": 1, "stepCount": 4, "etaMin": 3, "etaMax": 7.5},
    )
    assert (event.data["eta_min_seconds"], event.data["eta_max_seconds"]) == (3.0, 7.5)
    [event] = state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 2, "etaMin": "soon"})
    assert "eta_min_seconds" not in event.data and "eta_max_seconds" not in event.data
