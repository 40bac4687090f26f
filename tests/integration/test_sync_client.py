"""The sync client end to end against the local Supernet."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image

from sogni import (
    AuthenticationError,
    ImageProjectParams,
    ProjectCanceled,
    ProjectEvent,
    SogniClient,
    SogniTimeoutError,
    ValidationError,
)
from sogni.testing import LocalSupernet


def _client(net: LocalSupernet, **kwargs: object) -> SogniClient:
    options: dict[str, object] = {"api_key": net.api_key, **kwargs}
    return SogniClient(
        rest_endpoint=net.rest_url,
        socket_endpoint=net.socket_url,
        **options,  # type: ignore[arg-type]
    )


def test_two_image_project_downloads_pngs_of_the_requested_size(
    client: SogniClient, net: LocalSupernet, tmp_path: Path
) -> None:
    project = client.projects.create(
        type="image",
        model_id="flux1-schnell-fp8",
        positive_prompt="a lighthouse",
        number_of_media=2,
        steps=4,
        seed=7,
        size_preset="custom",
        width=640,
        height=384,
    )
    urls = project.wait_for_completion(timeout=30)
    assert len(urls) == 2 and len(set(urls)) == 2
    assert project.status == "completed" and project.progress == 100
    files = project.download_all(tmp_path)
    assert len(files) == 2
    for path in files:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (640, 384)
    request = net.received("jobRequest")[0]
    assert request["numberOfImages"] == 2
    assert request["keyFrames"][0]["seed"] == 7
    assert request["jobID"] == project.id


def test_size_preset_and_output_format(client: SogniClient, tmp_path: Path) -> None:
    presets = client.projects.get_size_presets("fast", "flux1-schnell-fp8")
    preset = next(p for p in presets if p.width != p.height)
    project = client.projects.create(
        ImageProjectParams(model_id="flux1-schnell-fp8", positive_prompt="x"),
        size_preset=preset.id,
        output_format="jpg",
    )
    project.wait_for_completion(timeout=30)
    path = project.jobs[0].download(tmp_path / "one.jpg")
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == (preset.width, preset.height)


def test_events_arrive_in_order_and_callbacks_fire(client: SogniClient) -> None:
    project = client.projects.create(
        model_id="flux1-schnell-fp8", positive_prompt="x", number_of_media=2, number_of_previews=2
    )
    seen_progress: list[int] = []
    done = threading.Event()
    project.on("progress", lambda event: seen_progress.append(event.data["progress"]))
    project.on("completed", lambda event: done.set())
    events = list(project.events(timeout=30))
    assert events[0].type == "queued"
    assert events[-1].type == "completed"
    assert [e.type for e in events].count("job_completed") == 2
    assert any(e.type == "preview" for e in events)
    assert all(isinstance(e, ProjectEvent) for e in events)
    assert project.jobs[0].preview_url
    # An iterator started late replays the whole history.
    assert [e.type for e in project.events()] == [e.type for e in events]
    assert done.wait(5)
    assert seen_progress and seen_progress == sorted(seen_progress)


def test_models_catalogue_and_options(client: SogniClient) -> None:
    models = client.projects.wait_for_models(timeout=10)
    ids = {m.id for m in models}
    assert {"flux1-schnell-fp8", "gpt-image-2", "ace_step_1.5_turbo"} <= ids
    assert client.projects.available_models == models
    supported = client.projects.get_supported_models()
    assert any(m.id == "flux1-schnell-fp8" and m.media == "image" for m in supported)
    options = client.projects.get_model_options("flux1-schnell-fp8")
    assert options.media == "image" and options.steps is not None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"model_id": "no-such-model"}, "model_id"),
        ({"steps": 500}, "steps"),
        ({"size_preset": "custom", "width": 100, "height": 512}, "width"),
        ({"size_preset": "custom", "width": 512, "height": 9000}, "height"),
        ({"size_preset": "not-a-preset"}, "size_preset"),
        ({"sampler": "not-a-sampler"}, "sampler"),
        ({"number_of_media": 0}, "number_of_media"),
    ],
)
def test_invalid_parameters_raise_before_any_job_request(
    client: SogniClient, net: LocalSupernet, kwargs: dict[str, object], field: str
) -> None:
    params: dict[str, object] = {"model_id": "flux1-schnell-fp8", "positive_prompt": "x", **kwargs}
    with pytest.raises(ValidationError) as info:
        client.projects.create(**params)  # type: ignore[arg-type]
    assert info.value.field == field
    assert net.received("jobRequest") == []


def test_wrong_api_key_is_rejected_on_socket_and_rest(net: LocalSupernet) -> None:
    with _client(net, api_key="wrong-key") as client:
        with pytest.raises(AuthenticationError) as info:
            client.projects.wait_for_models(timeout=10)
        assert "wrong-key" not in str(info.value) and "wrong-key" not in repr(client)
        with pytest.raises(AuthenticationError) as rest_info:
            client.projects.get_supported_models()
        assert rest_info.value.status == 401


def test_cancel_ends_the_project_and_tells_the_network(slow_net: LocalSupernet) -> None:
    with _client(slow_net) as client:
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        project.cancel()
        with pytest.raises(ProjectCanceled):
            project.wait_for_completion(timeout=10)
        assert project.status == "canceled"
        cancel = slow_net.wait_for_received("jobError", timeout=10)[0]
        assert cancel == {
            "jobID": project.id,
            "error": "artistCanceled",
            "error_message": "artistCanceled",
            "isFromWorker": False,
        }


def test_wait_for_completion_times_out(slow_net: LocalSupernet) -> None:
    with _client(slow_net) as client:
        project = client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="x")
        with pytest.raises(SogniTimeoutError):
            project.wait_for_completion(timeout=0.05)
        assert not project.finished


def test_missing_api_key_fails_before_io(
    net: LocalSupernet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOGNI_API_KEY", raising=False)
    with SogniClient(rest_endpoint=net.rest_url, socket_endpoint=net.socket_url) as client:
        with pytest.raises(AuthenticationError, match="SOGNI_API_KEY"):
            client.projects.wait_for_models(timeout=1)
    assert not [r for r in net.requests() if r.path == "/"]
