"""Project recovery on the sync client against the local Supernet: the live lookup of a
running project, a project another process started found and followed to the end here,
sync after the socket was cut and after a restart with the same app id, results and the
render history, and bad arguments refused before any I/O."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from sogni import NotFoundError, SogniClient, ValidationError
from sogni._sync._generated.project import Project
from sogni.testing import LocalSupernet

MODEL = "flux1-schnell-fp8"


def _client(net: LocalSupernet, app_id: str, **options: Any) -> SogniClient:
    return SogniClient(
        api_key=net.api_key,
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        app_id=app_id,
        **options,
    )


def _until(project: Project, event_type: str) -> None:
    """Wait (on the project's events) until it emitted an ``event_type``."""
    for event in project.events(timeout=15):
        if event.type == event_type:
            return
    raise AssertionError(f"project {project.id} ended without a {event_type} event")


def _image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        return int(width), int(height)


def test_the_live_lookup_of_a_running_project_and_its_results() -> None:
    with LocalSupernet(step_delay=0.2) as net, _client(net, "lookup") as client:
        project = client.projects.create(
            model_id=MODEL, positive_prompt="a lighthouse", steps=8, number_of_media=1
        )
        _until(project, "progress")
        status = client.projects.get_status(project.id)
        assert status.id == project.id
        assert (status.status, status.finished) == ("processing", False)
        assert status.completed_worker_jobs == []
        assert status.worker_jobs is not None and len(status.worker_jobs) == 1
        job = status.worker_jobs[0]
        assert job.img_id == project.jobs[0].id
        assert job.performed_steps is not None and 1 <= job.performed_steps < 8
        assert any(r.path == f"/v2/projects/{project.id}" for r in net.requests())
        running = client.projects.get_result(project.id)
        assert running.finished is False and running.jobs[0].url is None

        project.wait_for_completion(timeout=15)
        done = client.projects.get_status(project.id)
        assert (done.status, done.finished) == ("completed", True)
        result = client.projects.get_result(project.id)
        assert (result.status, result.finished, result.model_id) == ("completed", True, MODEL)
        [render] = result.jobs
        assert (render.id, render.status, render.kind) == (project.jobs[0].id, "completed", "image")
        assert render.seed == project.jobs[0].seed
        assert render.url is not None
        assert _image_size(httpx.get(render.url).content)[0] > 0


CREATOR = textwrap.dedent("""
    import sys
    from sogni import SogniClient

    rest, key = sys.argv[1], sys.argv[2]
    with SogniClient(api_key=key, rest_endpoint=rest, socket_endpoint=rest.replace("http", "ws"),
                     app_id="other-process") as client:
        project = client.projects.create(model_id="flux1-schnell-fp8", steps=8,
                                         positive_prompt="a lighthouse", number_of_media=2)
        for event in project.events(timeout=30):
            if event.type == "queued":  # the network has it
                break
        print(project.id, flush=True)
""")


def test_a_project_another_process_started_is_followed_to_the_end(tmp_path: Path) -> None:
    with LocalSupernet(step_delay=0.3) as net:
        started = subprocess.run(
            [sys.executable, "-c", CREATOR, net.rest_url, net.api_key],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        project_id = started.stdout.split()[-1]
        with _client(net, "this-process") as client:
            [elsewhere] = client.projects.list_elsewhere()
            assert (elsewhere.id, elsewhere.app_id) == (project_id, "other-process")
            assert elsewhere.model is not None and elsewhere.model["id"] == MODEL
            assert elsewhere.status in ("active", "assigned", "progress")
            assert elsewhere.image_count == 2

            project = client.projects.attach(elsewhere.id, poll_interval=0.1)
            assert isinstance(project, Project)
            assert project.model_id == MODEL and project.type == "image"
            assert not project.finished
            seen = [event.type for event in project.events(timeout=15)]
            assert seen[-1] == "completed"
            assert "progress" in seen and seen.count("job_completed") == 2
            urls = project.wait_for_completion(timeout=5)
            assert len(urls) == 2
            sizes = {_image_size(job.download(tmp_path).read_bytes()) for job in project.jobs}
            assert len(sizes) == 1 and next(iter(sizes))[0] > 0
            assert client.projects.attach(project_id).status == "completed"
            # Followed by lookups: the network sends the project's events to its own client.
            assert all(
                m.app_id != "this-process"
                for m in net.messages()
                if m.type in ("jobProgress", "jobResult")
            )
            assert len([r for r in net.requests() if r.path == f"/v2/projects/{project_id}"]) > 1


def test_sync_after_the_socket_was_cut_finishes_what_ended_meanwhile(tmp_path: Path) -> None:
    with LocalSupernet(step_delay=0.1) as net, _client(net, "recovering") as client:
        project = client.projects.create(
            model_id=MODEL, positive_prompt="a fox", steps=6, number_of_media=2
        )
        _until(project, "progress")
        net.fail_requests("/", 503, exact=True, times=None)  # no reconnection for now
        net.drop_connections()
        record = net.wait_for_project(project.id)
        assert record["status"] == "completed"
        assert not project.finished  # its last events went to a socket that was gone

        result = client.projects.sync()
        assert result.reason == "manual"
        assert result.completed == [project.id]
        assert (result.active, result.lost, result.unverified) == ([], [], [])
        assert [p.id for p in result.snapshot.unclaimed_completed_projects] == [project.id]
        assert result.recovered_active == result.recovered_completed == []
        urls = project.wait_for_completion(timeout=5)
        assert len(urls) == 2
        kinds = [event.type for event in project.events(timeout=5)]
        assert kinds[-1] == "completed" and kinds.count("job_completed") == 2
        assert _image_size(project.jobs[1].download(tmp_path).read_bytes())[0] > 0
        # The sync route is read-only; a project reconciled already is not reported again.
        again = client.projects.sync()
        assert again.completed == [] and again.recovered_completed == []


def test_a_client_restarted_with_the_same_app_id_recovers_its_projects() -> None:
    with LocalSupernet(step_delay=0.25) as net:
        with _client(net, "studio-1") as first:
            short = first.projects.create(
                model_id=MODEL, positive_prompt="a", steps=4, number_of_media=1
            )
            long = first.projects.create(
                model_id=MODEL, positive_prompt="b", steps=10, number_of_media=1
            )
            _until(short, "queued")
            _until(long, "queued")
        net.wait_for_project(short.id)
        with _client(net, "studio-1") as second:
            result = second.projects.sync()
            assert [p.id for p in result.recovered_active] == [long.id]
            assert [p.id for p in result.recovered_completed] == [short.id]
            [finished] = result.recovered_completed
            assert finished.result_urls is not None and len(finished.result_urls) == 1
            assert finished.app_id == "studio-1"
            assert [p.id for p in second.projects.tracked_projects] == [long.id]
            followed = second.projects.attach(long.id)
            assert followed.wait_for_completion(timeout=15)[0].startswith(net.rest_url)
            # Each finished project is reported once per client.
            assert second.projects.sync().recovered_completed == []


def test_results_history_and_projects_nothing_lists() -> None:
    with LocalSupernet() as net, _client(net, "history", app_source="studio") as client:
        project = client.projects.create(
            model_id=MODEL, positive_prompt="a bird", steps=2, number_of_media=2
        )
        project.wait_for_completion(timeout=15)
        [recent] = client.projects.list_recent()
        assert (recent.id, recent.model_id, recent.app_source) == (project.id, MODEL, "studio")
        assert {r.id for r in recent.jobs} == {job.id for job in project.jobs}
        assert all(
            r.status == "completed" and not r.sensitive_content_withheld for r in recent.jobs
        )
        assert recent.finished_at is not None
        assert len(client.projects.list_recent(limit=1)[0].jobs) == 1
        assert client.projects.list_recent(app_source="cli") == []
        listed = [r for r in net.requests() if r.path == "/v1/jobs/list"]
        assert listed[0].query["state"] == "completed" and listed[0].query["limit"] == "50"

        unknown = str(uuid.uuid4()).upper()
        verdicts = client.projects.resolve_missing([project.id, unknown], attempts=1, delay=0)
        record = verdicts[project.id].project
        assert verdicts[project.id].state == "finished"
        assert record is not None and record.status == "completed"
        assert verdicts[unknown].state == "lost"
        net.fail_requests("/api/v1/artist/projects/active", 503, times=None)
        assert client.projects.resolve_missing([unknown], attempts=1)[unknown].state == "unknown"
        net.clear_faults()
        with pytest.raises(NotFoundError):
            client.projects.get_status(unknown)
        with pytest.raises(NotFoundError):
            client.projects.attach(unknown)


BAD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any], str]] = [
    ("get_status", ("",), {}, "project_id"),
    ("get_status", ("a/b",), {}, "project_id"),
    ("get_status", (42,), {}, "project_id"),
    ("get_result", ("../x",), {}, "project_id"),
    ("get_result", ("ABC",), {"kind": "pdf"}, "kind"),
    ("attach", ("ABC?x=1",), {}, "project_id"),
    ("attach", ("ABC",), {"poll_interval": 0}, "poll_interval"),
    ("resolve_missing", ("ABC",), {}, "project_ids"),
    ("resolve_missing", (["ABC", " "],), {}, "project_ids[1]"),
    ("resolve_missing", (["ABC"],), {"attempts": 0}, "attempts"),
    ("resolve_missing", (["ABC"],), {"delay": -1}, "delay"),
    ("list_recent", (), {"limit": 0}, "limit"),
    ("list_recent", (), {"limit": 2.5}, "limit"),
    ("list_recent", (), {"since": "yesterday"}, "since"),
    ("list_recent", (), {"app_source": ""}, "app_source"),
]


@pytest.mark.parametrize(("method", "args", "kwargs", "field"), BAD_CALLS)
def test_bad_arguments_are_refused_before_any_io(
    net: LocalSupernet, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    with _client(net, "careful", connect=False) as client:
        with pytest.raises(ValidationError) as raised:
            getattr(client.projects, method)(*args, **kwargs)
        assert raised.value.field == field
    assert net.requests() == []
