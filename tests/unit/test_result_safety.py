"""The safety signals of a result, as the network's current clients read them: a result
withheld for sensitive content (the filter was on) has no media, one merely labelled
(``nsfwDetected``: the filter was off) is delivered like any other."""

from __future__ import annotations

from typing import Any

from sogni.core.projects import ProjectState


def _project(**options: Any) -> ProjectState:
    return ProjectState(id="P", model_id="m", media="image", number_of_media=1, **options)


def test_a_withheld_result_has_no_media() -> None:
    state = _project()
    events = state.handle(
        "jobResult",
        {"jobID": "P", "imgID": "A", "triggeredNSFWFilter": True, "nsfwSources": ["image"]},
    )
    job = state.jobs["A"]
    assert (job.is_nsfw, job.nsfw_detected, job.is_withheld) == (True, False, True)
    assert job.nsfw_sources == ("image",)
    assert state.take_result_requests() == []  # no download URL is asked for
    completed = next(e for e in events if e.type == "job_completed")
    assert completed.data["is_nsfw"] is True and completed.data["nsfw_detected"] is False


def test_a_labelled_result_is_delivered() -> None:
    state = _project(disable_nsfw_filter=True)
    assert (
        state.handle(
            "jobResult",
            {
                "jobID": "P",
                "imgID": "A",
                "triggeredNSFWFilter": True,
                "nsfwDetected": True,
                "nsfwSources": ["prompt", 7],
            },
        )
        == []
    )
    job = state.jobs["A"]
    assert (job.is_nsfw, job.nsfw_detected, job.is_withheld) == (True, True, False)
    assert job.nsfw_sources == ("prompt",)
    assert [j.id for j in state.take_result_requests()] == ["A"]
    events = state.set_result_url("A", "http://x/a.png")
    assert events[0].data["nsfw_detected"] is True
    snapshot = job.to_dict("P", 0)
    assert (snapshot["nsfw_detected"], snapshot["is_withheld"]) == (True, False)


def test_a_labelled_result_is_fetched_even_when_the_filter_setting_is_unknown() -> None:
    # A recovered project may not know its filter setting: the network's reading decides.
    state = _project(disable_nsfw_filter=False)
    state.handle(
        "jobResult", {"jobID": "P", "imgID": "A", "triggeredNSFWFilter": True, "nsfwDetected": True}
    )
    assert [j.id for j in state.take_result_requests()] == ["A"]


def test_a_clean_result_has_no_signals() -> None:
    state = _project()
    state.handle("jobResult", {"jobID": "P", "imgID": "A"})
    job = state.jobs["A"]
    assert (job.is_nsfw, job.nsfw_detected, job.is_withheld, job.nsfw_sources) == (
        False,
        False,
        False,
        (),
    )


def test_a_stored_record_carries_the_same_signals() -> None:
    state = _project()
    state.apply_snapshot(
        {
            "id": "P",
            "status": "completed",
            "completedWorkerJobs": [
                {
                    "imgID": "A",
                    "status": "completed",
                    "triggeredNSFWFilter": True,
                    "nsfwDetected": True,
                    "nsfwSources": ["image"],
                }
            ],
        }
    )
    job = state.jobs["A"]
    assert (job.nsfw_detected, job.is_withheld) == (True, False)
