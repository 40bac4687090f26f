"""The work done per socket event does not grow with what else the client follows: counted
calls, not timings. An event of one project among many touches that project only; the
outbox finds the request an event confirms by its id; the watchdog looks only at due
projects; a project's stored history stays small however many progress events it gets,
and a progress event finds the one it replaces without looking at the other jobs'."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sogni._runtime.hub import Hub
from sogni._runtime.watchdog import ProjectWatchdog
from sogni.core._generated.models import ClientConfig
from sogni.core.context import CoreContext
from sogni.core.js import js_round
from sogni.core.outbox import Outbox, Outgoing
from sogni.core.project_events import EventLog
from sogni.core.projects import JobState, ProjectEvent, ProjectState

JOBS = 4


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts the calls of the methods whose number would grow with a scan."""
    counter: Counter[str] = Counter()

    def counting(owner: type, name: str) -> None:
        original = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            counter[f"{owner.__name__}.{name}"] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    counting(JobState, "progress_at")
    counting(ProjectState, "next_check_at")
    counting(ProjectState, "handle")
    counting(Outgoing, "confirmed_by")
    yield counter


def project_id(number: int) -> str:
    return f"{number:08X}-0000-4000-8000-000000000000"


def hub_following(count: int, clock: Clock) -> tuple[Hub, list[ProjectState], Counter[str]]:
    hub = Hub(lambda: ctx, spawn=lambda plan: plan.close())
    ctx = CoreContext(config=ClientConfig(app_id="unit-app"), registry=hub, clock=clock)
    woken: Counter[str] = Counter()
    states = []
    for number in range(count):
        state = ProjectState(
            id=project_id(number),
            model_id="m",
            media="image",
            number_of_media=JOBS,
            steps=100,
            clock=clock,
        )
        hub.track(state)
        hub.subscribe(state, lambda _event, pid=state.id: woken.update([pid]))  # type: ignore[misc]
        states.append(state)
    return hub, states, woken


def progress(job: int, step: int) -> dict[str, Any]:
    return {"jobID": project_id(0), "imgID": f"JOB{job}", "step": step, "stepCount": 100}


@pytest.mark.parametrize("followed", [1, 300])
def test_progress_of_one_project_costs_the_same_however_many_are_followed(
    followed: int, calls: Counter[str]
) -> None:
    clock = Clock()
    hub, states, woken = hub_following(followed, clock)
    try:
        calls.clear()
        for step in range(1, 51):
            for job in range(JOBS):
                hub.dispatch("jobProgress", progress(job, step))
    finally:
        hub.close()
    events = 50 * JOBS
    # One state change per event; the project's progress is updated, not summed again
    # over its jobs: one look at the job that moved.
    assert calls["ProjectState.handle"] == events
    assert calls["JobState.progress_at"] == events + JOBS  # + each new job's first share
    assert calls["ProjectState.next_check_at"] == 0  # the watchdog is not consulted
    # Only the project's own listener hears of its events.
    assert woken == Counter({states[0].id: events})
    assert states[0].progress == 50


def test_confirming_a_request_looks_only_at_requests_with_its_id(calls: Counter[str]) -> None:
    outbox = Outbox()
    entries = [Outgoing.of("jobRequest", {"jobID": project_id(n)}) for n in range(2_000)]
    for entry in entries:
        outbox.add(entry)
    outbox.add(Outgoing.of("changeNetwork", "fast"))
    calls.clear()
    for number in range(0, 2_000, 2):
        [confirmed] = outbox.confirm("jobState", {"jobID": project_id(number)})
        assert confirmed is entries[number]
    assert calls["Outgoing.confirmed_by"] == 1_000  # one per event, not one per request
    assert outbox.confirm("jobProgress", {"jobID": project_id(0)}) == []
    assert outbox.confirm("jobState", {"jobID": "unknown"}) == []
    [network] = outbox.confirm("changeNetwork", "fast")
    assert network.type == "changeNetwork"
    assert len(outbox) == 1_000
    assert [e.job_id for e in outbox] == [project_id(n) for n in range(1, 2_000, 2)]


def test_the_watchdog_looks_only_at_projects_that_are_due(calls: Counter[str]) -> None:
    clock = Clock()
    checked: list[ProjectState] = []
    done = threading.Event()

    def check(state: ProjectState) -> None:
        checked.append(state)
        done.set()

    def followed(state: ProjectState) -> bool:
        return all(state is not done for done in checked)  # one check each, then gone

    watchdog = ProjectWatchdog(followed, check, clock=clock)
    try:
        for number in range(1_000):
            watchdog.schedule(
                ProjectState(
                    id=project_id(number),
                    model_id="m",
                    media="image",
                    number_of_media=1,
                    clock=clock,
                )
            )
        assert watchdog.scheduled == 1_000
        calls.clear()
        silent = ProjectState(
            id="SILENT", model_id="m", media="image", number_of_media=1, keep_alive=0.0, clock=clock
        )
        watchdog.schedule(silent)  # due at once: the thread wakes for it
        assert done.wait(5)
        assert checked == [silent]
        # Scheduling and the wake-up looked at the silent project, not at the others.
        assert calls["ProjectState.next_check_at"] <= 4
    finally:
        watchdog.stop()


def test_a_finished_project_leaves_the_watchdog_schedule() -> None:
    clock = Clock()
    watchdog = ProjectWatchdog(lambda _state: True, lambda _state: None, clock=clock)
    try:
        states = [
            ProjectState(id=project_id(n), model_id="m", media="image", number_of_media=1)
            for n in range(500)
        ]
        for state in states:
            watchdog.schedule(state)
        for state in states:
            watchdog.forget(state)
        assert watchdog.scheduled == 0
        assert len(watchdog._heap) <= 64  # the forgotten entries were dropped
    finally:
        watchdog.stop()


def test_ten_thousand_progress_events_leave_a_bounded_history() -> None:
    state = ProjectState(id="P", model_id="m", media="image", number_of_media=2, steps=5_000)
    state.handle("jobState", {"jobID": "P", "type": "queued", "queuePosition": 1})
    for job in ("A", "B"):
        state.handle("jobState", {"jobID": "P", "imgID": job, "type": "jobStarted"})
    for step in range(1, 5_001):
        for job in ("A", "B"):  # two jobs' steps interleaved, as workers send them
            state.handle("jobProgress", {"jobID": "P", "imgID": job, "step": step})
    types = [event.type for event in state.history]
    assert types == ["queued", "job_started", "job_started", "progress", "progress"]
    assert [e.data["step"] for e in state.history[-2:]] == [5_000, 5_000]


class CountedId(str):
    """A job id that counts how often it is compared (each event brings a new one, as
    each decoded frame does)."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        CountedId.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_a_progress_event_does_not_look_at_the_other_jobs_events() -> None:
    log = EventLog()
    jobs, rounds = 500, 3
    CountedId.compared = 0
    for step in range(1, rounds + 1):
        for job in range(jobs):
            log.append(ProjectEvent("progress", "P", CountedId(f"J{job}"), {"step": step}))
    assert CountedId.compared <= jobs * rounds  # a scan of the run would be ~jobs per event
    assert len(log) == jobs
    assert [event.data["step"] for event in log] == [rounds] * jobs
    assert [event.job_id for event in log] == [f"J{job}" for job in range(jobs)]


def test_a_reader_that_keeps_up_sees_every_progress_event() -> None:
    state = ProjectState(id="P", model_id="m", media="image", number_of_media=1, steps=10)
    seen: list[ProjectEvent] = []
    for step in range(1, 11):
        state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": step})
        seen += state.history[len(seen) :]
    assert [e.data["step"] for e in seen] == list(range(1, 11))
    assert list(state.history) == seen  # a late reader replays the same events


def test_progress_between_milestones_collapses_only_within_its_run() -> None:
    state = ProjectState(id="P", model_id="m", media="image", number_of_media=2, steps=10)
    state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 1})
    state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 2})
    state.handle("jobState", {"jobID": "P", "imgID": "B", "type": "jobStarted"})
    state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 3})
    state.handle("jobProgress", {"jobID": "P", "imgID": "B", "step": 1})
    state.handle("jobProgress", {"jobID": "P", "imgID": "A", "step": 4})
    summary = [(e.type, e.job_id, e.data.get("step")) for e in state.history]
    assert summary == [
        ("progress", "A", 2),
        ("job_started", "B", None),
        ("progress", "B", 1),
        ("progress", "A", 4),
    ]


def full_progress(state: ProjectState, seen: int) -> int:
    """The project's progress summed over all its jobs, as it was computed before."""
    if state.status == "completed":
        return 100
    now = state.clock()
    total = sum(job.progress_at(now) for job in state.jobs.values())
    return max(seen, min(100, max(0, js_round(total / max(1, state.number_of_media)))))


_EVENTS: list[Callable[[str, int], tuple[str, dict[str, Any]]]] = [
    lambda job, n: ("jobState", {"imgID": job, "type": "jobStarted"}),
    lambda job, n: ("jobProgress", {"imgID": job, "step": n}),
    lambda job, n: ("jobProgress", {"imgID": job, "step": n, "stepCount": n + 3}),
    lambda job, n: ("jobProgress", {"imgID": job, "progress": n / 10}),
    lambda job, n: ("jobETA", {"imgID": job, "etaSeconds": n}),
    lambda job, n: ("jobResult", {"imgID": job, "resultUrl": f"https://x/{job}"}),
    lambda job, n: ("jobError", {"imgID": job, "error": 1, "error_message": "no"}),
]


@given(
    steps=st.sampled_from([None, 0, 20]),
    script=st.lists(
        st.tuples(
            st.integers(0, len(_EVENTS) - 1),
            st.sampled_from("ABC"),
            st.integers(0, 12),
            st.floats(0, 5),
        ),
        max_size=40,
    ),
)
def test_the_updated_progress_equals_the_sum_over_all_jobs(
    steps: int | None, script: list[tuple[int, str, int, float]]
) -> None:
    clock = Clock()
    state = ProjectState(
        id="P", model_id="m", media="image", number_of_media=3, steps=steps, clock=clock
    )
    seen = 0
    for kind, job, number, elapsed in script:
        message_type, payload = _EVENTS[kind](job, number)
        state.handle(message_type, {"jobID": "P", **payload})
        clock.now += elapsed
        expected = full_progress(state, seen)
        assert state.progress == expected
        seen = expected
