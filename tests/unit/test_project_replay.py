"""Server-side views of a project replayed into its state (sogni.core.plans.recovery.replay),
and the sync plan's verdict on a followed project nothing on the network knows, driven
without a server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers import FakeClock

from sogni._runtime.hub import Hub
from sogni.core._generated.models import ClientConfig
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall, Sleep
from sogni.core.plans import Plan
from sogni.core.plans.recovery import (
    PROJECT_LOST,
    RECENTLY_CREATED_GRACE,
    check_attached,
    replay,
    sync,
)
from sogni.core.projects import ProjectState
from sogni.errors import ApiError

PID = "0F8E2C3A-1B2C-4D5E-8F90-1234567890AB"


def project(clock: FakeClock, count: int = 2) -> ProjectState:
    return ProjectState(
        id=PID,
        model_id="flux1-schnell-fp8",
        media="image",
        number_of_media=count,
        steps=4,
        clock=clock,
        attached=True,
    )


def job(img_id: str, status: str, steps: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "id": PID,
        "imgID": img_id,
        "status": status,
        "performedSteps": steps,
        "worker": {"username": "w1"},
        "seedUsed": 7,
        **extra,
    }


def view(status: str, *jobs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    finished = [j for j in jobs if j["status"] in ("jobCompleted", "jobError")]
    return {
        "id": PID,
        "status": status,
        "stepCount": 4,
        "workerJobs": list(jobs),
        "completedWorkerJobs": finished,
        **extra,
    }


def types(events: list[Any]) -> list[str]:
    return [event.type for event in events]


def test_an_in_flight_view_replays_starts_and_progress_once() -> None:
    state = project(FakeClock())
    running = view("processing", job("A", "jobProgress", 2), job("B", "initiatingModel"))
    assert types(replay(state, running, in_flight=True)) == ["job_started", "progress"]
    assert state.jobs["A"].worker_name == "w1" and state.jobs["A"].step == 2
    assert state.jobs["B"].status == "initiating"
    assert state.status == "processing"
    # The same view again is no news; further steps are.
    assert replay(state, running, in_flight=True) == []
    later = view("processing", job("A", "jobProgress", 3), job("B", "jobStarted", 1))
    assert types(replay(state, later, in_flight=True)) == ["progress", "job_started", "progress"]
    assert replay(state, later, in_flight=False) == []  # finished jobs only: nothing new


def test_a_finished_view_completes_once_the_urls_are_known() -> None:
    state = project(FakeClock())
    done = view(
        "completed", job("A", "jobCompleted", 4), job("B", "jobCompleted", 4, outputFormat="webp")
    )
    assert replay(state, done, in_flight=False) == []  # results wait for their URLs
    assert state.output_format == "webp"
    assert [j.id for j in state.take_result_requests()] == ["A", "B"]
    assert types(state.set_result_url("A", "https://x/a")) == ["job_completed"]
    assert types(state.set_result_url("B", "https://x/b")) == ["job_completed", "completed"]
    assert state.jobs["A"].seed == 7
    # Nothing moves a finished project again.
    assert replay(state, view("errored", job("A", "jobError")), in_flight=True) == []
    assert state.status == "completed"


def test_direct_results_cancels_and_failures() -> None:
    clock = FakeClock()
    state = project(clock, count=1)
    hosted = view("completed", job("A", "jobCompleted", 4, resultUrl="https://cdn/a.mp4"))
    assert types(replay(state, hosted, in_flight=True)) == ["job_completed", "completed"]
    assert state.result_urls == ["https://cdn/a.mp4"]

    canceled = project(clock)
    replay(canceled, view("progress", job("A", "jobStarted")), in_flight=True)
    ended = view("canceled", job("A", "jobError", reason="artistCanceled"))
    assert types(replay(canceled, ended, in_flight=True))[-1] == "canceled"
    assert canceled.status == "canceled" and canceled.jobs["A"].status == "canceled"

    failed = project(clock)
    replay(failed, view("progress", job("A", "jobStarted"), job("B", "jobStarted")), in_flight=True)
    events = replay(failed, view("failed", reason="genfailure"), in_flight=False)
    assert types(events)[-1] == "failed"
    assert failed.status == "failed" and {j.status for j in failed.jobs.values()} == {"failed"}
    assert failed.error is not None and failed.error.message == "genfailure"

    waiting = project(clock)
    assert types(replay(waiting, view("queued"), in_flight=True)) == ["queued"]
    assert replay(waiting, view("queued"), in_flight=True) == []


def drive(plan: Plan[Any], answer: Callable[[Any], Any]) -> Any:
    """Run a plan, answering each effect with ``answer(effect)`` (raised if an exception)."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            effect = plan.throw(error) if error is not None else plan.send(value)
        except StopIteration as stop:
            return stop.value
        try:
            value, error = answer(effect), None
        except ApiError as exc:
            value, error = None, exc


def test_sync_fails_a_followed_project_nothing_on_the_network_knows() -> None:
    clock = FakeClock()
    hub = Hub(lambda: ctx, spawn=lambda plan: plan.close())
    ctx = CoreContext(config=ClientConfig(app_id="unit-app"), registry=hub, clock=clock)
    ours = ProjectState(
        id=PID, model_id="flux1-schnell-fp8", media="image", number_of_media=1, clock=clock
    )
    hub.track(ours)
    clock.now += RECENTLY_CREATED_GRACE + 1
    recent = ProjectState(
        id="1" * 8, model_id="flux1-schnell-fp8", media="image", number_of_media=1, clock=clock
    )
    hub.track(recent)  # sent moments ago: not judged yet
    asked: list[Any] = []

    def answer(effect: Any) -> Any:
        asked.append(effect)
        if isinstance(effect, Sleep):
            return None
        assert isinstance(effect, RestCall)
        if effect.path.endswith("/projects/sync"):
            return {"activeProjects": [], "unclaimedCompletedProjects": []}
        if effect.path.endswith("/projects/active"):
            return {"projects": []}
        raise ApiError("not found", status=404)

    try:
        result = drive(sync(ctx), answer)
    finally:
        hub.close()
    assert result.lost == [PID]
    assert (result.active, result.completed, result.unverified) == ([], [], [])
    assert ours.status == "failed" and ours.error == PROJECT_LOST
    assert recent.outcome is None
    paths = [e.path for e in asked if isinstance(e, RestCall)]
    assert paths[0] == "/api/v1/artist/projects/sync"
    assert asked[0].query == {"appId": "unit-app"}
    assert paths.count(f"/v1/projects/{PID}") == 4  # the record is asked four times
    assert sum(isinstance(e, Sleep) for e in asked) == 3
    assert paths[-2:] == ["/api/v1/artist/projects/active", f"/v2/projects/{PID}"]


def test_a_lookup_of_an_attached_project_counts_failures_and_ends_it_only_on_a_404() -> None:
    clock = FakeClock()
    hub = Hub(lambda: ctx, spawn=lambda plan: plan.close())
    ctx = CoreContext(config=ClientConfig(app_id="unit-app"), registry=hub, clock=clock)
    state = project(clock)
    hub.track(state)
    try:

        def unavailable(effect: Any) -> Any:
            raise ApiError("try later", status=503)

        drive(check_attached(ctx, state), unavailable)
        drive(check_attached(ctx, state), unavailable)
        assert state.check_failures == 2 and state.outcome is None

        def running(effect: Any) -> Any:
            assert effect.path == f"/v2/projects/{PID}"
            return {"project": view("processing", job("A", "jobProgress", 1))}

        drive(check_attached(ctx, state), running)
        assert state.check_failures == 0 and state.jobs["A"].step == 1

        def gone(effect: Any) -> Any:
            raise ApiError("not found", status=404)

        drive(check_attached(ctx, state), gone)
        assert state.status == "failed" and state.error == PROJECT_LOST
    finally:
        hub.close()
