from __future__ import annotations

from typing import Any

from helpers import FakeClock

from sogni.core.projects import JobError, ProjectState


def make(number: int = 2, **kwargs: Any) -> ProjectState:
    return ProjectState(id="P", model_id="m", media="image", number_of_media=number, **kwargs)


def types(events: list[Any]) -> list[str]:
    return [event.type for event in events]


def test_full_lifecycle_with_url_resolution() -> None:
    state = make(steps=4)
    assert types(
        state.handle("jobState", {"jobID": "P", "type": "queued", "queuePosition": 3})
    ) == ["queued"]
    assert state.status == "queued" and state.queue_position == 3
    for img in ("A", "B"):
        state.handle("jobState", {"jobID": "P", "type": "initiatingModel", "imgID": img})
        assert types(
            state.handle("jobState", {"jobID": "P", "type": "jobStarted", "imgID": img})
        ) == ["job_started"]
    state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 2, "stepCount": 4})
    assert state.status == "processing"
    assert state.jobs["A"].progress_at(0) == 50
    assert state.progress == 25  # job B has no progress yet
    assert state.handle("jobResult", {"jobID": "P", "imgID": "A", "lastSeed": "42"}) == []
    assert [job.id for job in state.take_result_requests()] == ["A"]
    assert state.take_result_requests() == []  # each request is handed out once
    assert types(state.set_result_url("A", "http://x/a.png")) == ["job_completed"]
    assert state.jobs["A"].seed == 42
    state.handle("jobResult", {"jobID": "P", "imgID": "B", "resultUrl": "http://x/b.png"})
    events = state.handle("jobState", {"jobID": "P", "type": "jobCompleted"})
    assert types(events) == ["completed"]
    assert events[0].data["result_urls"] == ["http://x/a.png", "http://x/b.png"]
    assert state.progress == 100 and state.outcome is events[0]


def test_completion_waits_for_every_job_and_pending_url() -> None:
    state = make(number=2)
    state.handle("jobResult", {"jobID": "P", "imgID": "A", "resultUrl": "u1"})
    assert state.handle("jobState", {"jobID": "P", "type": "jobCompleted"}) == []
    assert types(state.handle("jobResult", {"jobID": "P", "imgID": "B"})) == []
    state.take_result_requests()
    assert types(state.set_result_url("B", "u2")) == ["job_completed", "completed"]


def test_finished_project_never_regresses() -> None:
    state = make(number=1)
    state.handle("jobResult", {"jobID": "P", "imgID": "A", "resultUrl": "u"})
    state.handle("jobState", {"jobID": "P", "type": "jobCompleted"})
    assert state.handle("jobError", {"jobID": "P", "error": 5, "error_message": "late"}) == []
    assert state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 1}) == []
    assert state.status == "completed"


def test_single_job_failure_fails_a_one_image_project() -> None:
    state = make(number=1)
    events = state.handle(
        "jobError",
        {"jobID": "P", "imgID": "A", "error": "workerDisconnected", "error_message": "gone"},
    )
    assert types(events) == ["job_failed", "failed"]
    assert state.error == JobError(5002, "gone", "workerDisconnected")


def test_one_failed_job_of_two_still_completes_with_the_other() -> None:
    state = make(number=2)
    assert types(state.handle("jobError", {"jobID": "P", "imgID": "A", "error": 1})) == [
        "job_failed"
    ]
    state.handle("jobResult", {"jobID": "P", "imgID": "B", "resultUrl": "u"})
    events = state.handle("jobState", {"jobID": "P", "type": "jobCompleted"})
    assert types(events) == ["completed"] and events[0].data["result_urls"] == ["u"]


def test_all_jobs_failed_fails_the_project() -> None:
    state = make(number=2)
    state.handle("jobError", {"jobID": "P", "imgID": "A", "error": 1})
    assert types(state.handle("jobError", {"jobID": "P", "imgID": "B", "error": 1})) == [
        "job_failed",
        "failed",
    ]


def test_project_level_error_fails_everything() -> None:
    state = make()
    state.handle("jobState", {"jobID": "P", "type": "jobStarted", "imgID": "A"})
    events = state.handle(
        "jobError", {"jobID": "P", "error": "serverRestarting", "error_message": "r"}
    )
    assert types(events) == ["failed"]
    assert state.jobs["A"].status == "failed" and state.error is not None
    assert state.error.code == 5001


def test_nsfw_result_completes_without_url_unless_filter_disabled() -> None:
    state = make(number=1)
    state.handle("jobResult", {"jobID": "P", "imgID": "A", "triggeredNSFWFilter": True})
    assert state.take_result_requests() == []
    assert state.jobs["A"].status == "completed" and state.jobs["A"].result_url is None
    unfiltered = make(number=1, disable_nsfw_filter=True)
    unfiltered.handle("jobResult", {"jobID": "P", "imgID": "A", "triggeredNSFWFilter": True})
    assert [job.id for job in unfiltered.take_result_requests()] == ["A"]


def test_cancel_marks_unfinished_jobs_and_is_terminal() -> None:
    state = make()
    state.handle("jobState", {"jobID": "P", "type": "jobStarted", "imgID": "A"})
    assert types(state.cancel()) == ["canceled"]
    assert state.jobs["A"].status == "canceled"
    assert state.cancel() == [] and state.fail(JobError(0, "x")) == []


def test_progress_from_external_value_and_eta() -> None:
    clock = FakeClock()
    state = make(number=1, clock=clock)
    state.handle("jobProgress", {"jobID": "P", "imgID": "A", "progress": 0.42})
    assert state.jobs["A"].progress_at(clock.now) == 42
    eta_state = make(number=1, clock=clock)
    eta_state.handle("jobETA", {"jobID": "P", "imgID": "A", "etaSeconds": 10})
    assert eta_state.jobs["A"].progress_at(clock.now) == 1
    clock.now += 5
    assert eta_state.jobs["A"].progress_at(clock.now) == 50
    clock.now += 100
    assert eta_state.jobs["A"].progress_at(clock.now) == 95
