"""A project's progress never goes back, even when a job's time-based estimate runs ahead
of the steps it then reports."""

from __future__ import annotations

from sogni.core.projects import ProjectState


def test_project_progress_never_falls() -> None:
    now = [1000.0]
    state = ProjectState(
        id="P", model_id="m", media="image", number_of_media=1, clock=lambda: now[0]
    )
    state.handle("jobState", {"jobID": "P", "imgID": "J", "type": "jobStarted"})
    state.handle("jobETA", {"jobID": "P", "imgID": "J", "etaSeconds": 10})
    now[0] += 9  # the estimate says ~90 %
    ahead = state.progress
    state.handle("jobProgress", {"jobID": "P", "imgID": "J", "step": 1, "stepCount": 20})
    assert ahead > 5 and state.progress >= ahead  # 1 of 20 steps would be 5 %
