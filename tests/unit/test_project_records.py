"""Keep-alive and REST records of a project: ProjectState.apply_snapshot / check_failed."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import FakeClock

from sogni._runtime.watchdog import ProjectWatchdog
from sogni.core.projects import ProjectState

PID = "0F8E2C3A-1B2C-4D5E-8F90-1234567890AB"


def state(clock: FakeClock, **kwargs: Any) -> ProjectState:
    defaults: dict[str, Any] = {
        "id": PID,
        "model_id": "flux1-schnell-fp8",
        "media": "image",
        "number_of_media": 1,
        "clock": clock,
        "keep_alive": 120.0,
    }
    return ProjectState(**{**defaults, **kwargs})


def raw_job(img_id: str, status: str = "jobCompleted", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{PID}-0",
        "imgID": img_id,
        "status": status,
        "reason": "jobCompleted" if status == "jobCompleted" else "genfailure",
        "performedSteps": 4,
        "triggeredNSFWFilter": False,
        "seedUsed": 77,
        "worker": {"name": "w1"},
        **extra,
    }


def test_a_new_project_is_due_for_a_check_only_after_keep_alive() -> None:
    clock = FakeClock()
    project = state(clock)
    assert not project.check_due(clock.now + 119)
    assert project.check_due(clock.now + 120)


def test_news_postpones_the_check_and_resets_failures() -> None:
    clock = FakeClock()
    project = state(clock)
    clock.now += 100
    project.check_failed()
    assert project.check_failures == 1
    project.handle("jobState", {"type": "queued", "jobID": PID, "queuePosition": 2})
    assert project.check_failures == 0
    assert project.next_check_at() == clock.now + 120


def test_a_started_check_schedules_the_next_one() -> None:
    clock = FakeClock()
    project = state(clock)
    clock.now += 120
    project.start_check(clock.now)
    assert not project.check_due(clock.now + 60)
    assert project.check_due(clock.now + 120)


def test_failed_checks_never_end_a_project_and_are_retried_with_backoff() -> None:
    clock = FakeClock()
    project = state(clock, number_of_media=2)
    project.handle("jobProgress", {"jobID": PID, "imgID": "A", "step": 1, "stepCount": 4})
    waits = []
    for _ in range(12):
        project.start_check(clock.now)
        assert project.check_failed() == []
        waits.append(project.next_check_at() - clock.now)
    assert project.status == "processing" and project.outcome is None
    assert project.jobs["A"].status == "processing"
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(waits) == 120.0  # never longer than the keep-alive


def test_a_stray_img_id_does_not_keep_a_completed_project_waiting() -> None:
    clock = FakeClock()
    project = state(clock)
    project.handle("jobProgress", {"jobID": PID, "imgID": "STRAY", "step": 1})
    raw = {
        "id": PID,
        "status": "completed",
        "imageCount": 1,
        "completedWorkerJobs": [raw_job("REAL", resultUrl="https://cdn/r.png")],
    }
    events = project.apply_snapshot(raw)
    assert [e.type for e in events][-1] == "completed"
    assert project.result_urls == ["https://cdn/r.png"]


def test_events_beyond_the_number_of_media_make_no_new_jobs() -> None:
    clock = FakeClock()
    project = state(clock)
    project.handle("jobProgress", {"jobID": PID, "imgID": "A", "step": 1})
    project.handle("jobProgress", {"jobID": PID, "imgID": "B", "step": 1})
    assert list(project.jobs) == ["A"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), "x", None, True])
def test_non_finite_or_malformed_numbers_never_break_the_state(bad: Any) -> None:
    clock = FakeClock()
    project = state(clock)
    project.handle("jobETA", {"jobID": PID, "imgID": "A", "etaSeconds": bad})
    project.handle(
        "jobProgress", {"jobID": PID, "imgID": "A", "step": bad, "stepCount": bad, "progress": bad}
    )
    project.handle(
        "jobResult",
        {
            "jobID": PID,
            "imgID": "A",
            "performedStepCount": bad,
            "lastSeed": bad,
            "resultUrl": "https://cdn/a.png",
        },
    )
    project.handle("jobState", {"jobID": PID, "type": "jobCompleted"})
    assert 0 <= project.progress <= 100
    assert project.outcome is not None and project.outcome.type == "completed"


def test_snapshot_completes_jobs_and_asks_for_their_urls() -> None:
    clock = FakeClock()
    project = state(clock, number_of_media=2)
    project.handle("jobState", {"type": "jobStarted", "jobID": PID, "imgID": "A"})
    raw = {
        "id": PID,
        "status": "completed",
        "imageCount": 2,
        "completedWorkerJobs": [raw_job("a"), raw_job("B", resultUrl="https://cdn/direct.png")],
    }
    events = project.apply_snapshot(raw)
    assert project.jobs["A"].status == "completed"
    assert project.jobs["A"].seed == 77 and project.jobs["A"].worker_name == "w1"
    assert project.jobs["B"].result_url == "https://cdn/direct.png"
    assert [e.type for e in events] == ["job_completed"]  # A still waits for its URL
    assert [job.id for job in project.take_result_requests()] == ["A"]
    final = project.set_result_url("A", "https://signed/a.png")
    assert [e.type for e in final] == ["job_completed", "completed"]
    assert project.result_urls == ["https://signed/a.png", "https://cdn/direct.png"]


def test_snapshot_skips_jobs_it_does_not_list_instead_of_stopping() -> None:
    clock = FakeClock()
    project = state(clock, number_of_media=2)
    project.handle("jobState", {"type": "jobStarted", "jobID": PID, "imgID": "A"})
    project.handle("jobState", {"type": "jobStarted", "jobID": PID, "imgID": "B"})
    project.apply_snapshot({"status": "progress", "completedWorkerJobs": [raw_job("B")]})
    assert project.jobs["A"].status == "processing"
    assert project.jobs["B"].result_pending
    assert project.status == "processing"


@pytest.mark.parametrize(("status", "outcome"), [("errored", "failed"), ("cancelled", "canceled")])
def test_snapshot_status_can_end_the_project(status: str, outcome: str) -> None:
    clock = FakeClock()
    project = state(clock)
    events = project.apply_snapshot({"status": status, "reason": "genfailure"})
    assert project.status == outcome
    assert events[-1].type == outcome


def test_failed_job_in_snapshot_and_status_never_regresses() -> None:
    clock = FakeClock()
    project = state(clock, number_of_media=2)
    project.handle("jobProgress", {"jobID": PID, "imgID": "A", "step": 2})
    project.apply_snapshot({"status": "active", "completedWorkerJobs": [raw_job("A", "jobError")]})
    assert project.jobs["A"].status == "failed"
    assert project.status == "processing"  # "active" (queued) does not move it back


def test_eta_is_the_latest_job_eta() -> None:
    clock = FakeClock()
    project = state(clock, number_of_media=2)
    assert project.eta is None
    project.handle("jobETA", {"jobID": PID, "imgID": "A", "etaSeconds": 10})
    project.handle("jobETA", {"jobID": PID, "imgID": "B", "etaSeconds": 30})
    assert project.eta == clock.now + 30


def test_watchdog_checks_due_projects_and_stops_when_none_is_left() -> None:
    import threading

    clock = FakeClock()
    project = state(clock, keep_alive=0.0)
    checked = threading.Event()
    tracked = [project]

    def check(target: ProjectState) -> None:
        assert target is project
        tracked.clear()  # the project is gone afterwards
        checked.set()

    watchdog = ProjectWatchdog(lambda s: s in tracked, check, clock=clock)
    watchdog.schedule(project)
    assert checked.wait(5)
    assert project.last_check == clock.now


def test_a_stopped_watchdog_checks_nothing() -> None:
    clock = FakeClock()
    project = state(clock, keep_alive=0.0)
    checked: list[ProjectState] = []
    watchdog = ProjectWatchdog(lambda _state: True, checked.append, clock=clock)
    watchdog.stop()
    watchdog.schedule(project)
    assert watchdog._thread is None
    assert checked == []


def test_one_check_at_a_time_and_one_more_when_asked_meanwhile() -> None:
    clock = FakeClock()
    project = state(clock)
    assert project.begin_check(clock.now)
    assert not project.begin_check(clock.now) and not project.begin_check(clock.now)
    assert project.end_check(clock.now)  # asked for during the first: one more runs
    assert not project.begin_check(clock.now)
    assert project.end_check(clock.now)
    assert not project.end_check(clock.now)  # nobody asked again: released
    assert project.begin_check(clock.now)


def test_a_check_claim_older_than_keep_alive_counts_as_lost() -> None:
    clock = FakeClock()
    project = state(clock)
    assert project.begin_check(clock.now)
    assert not project.begin_check(clock.now + 119)
    assert project.begin_check(clock.now + 120)
