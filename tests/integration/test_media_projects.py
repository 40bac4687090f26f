"""Video, audio and edit projects end to end against the local Supernet: assets, results,
estimates, project records, enhancement, keep-alive and cancel."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from sogni import ApiError, ProjectCanceled, ProjectFailed, SogniClient, UploadError
from sogni.errors import ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

ASSETS = Path(__file__).resolve().parents[1] / "parity" / "assets"
PNG = ASSETS / "image.png"
MP3 = ASSETS / "voice.mp3"
MP4 = ASSETS / "clip.mp4"


def _client(net: LocalSupernet) -> SogniClient:
    return SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


def _upload_requests(net: LocalSupernet, project_id: str) -> list[tuple[str, str]]:
    return [
        (r.path, r.query["type"])
        for r in net.requests()
        if r.path.endswith("/uploadUrl") and r.query.get("jobId") == project_id
    ]


def test_animate_video_uploads_every_asset_form_and_downloads_an_mp4(
    net: LocalSupernet, client: SogniClient, tmp_path: Path
) -> None:
    with MP4.open("rb") as video:
        project = client.projects.create(
            type="video",
            model_id="wan_v2.2-14b-fp8_animate-replace_lightx2v",
            positive_prompt="swap",
            reference_image=PNG.read_bytes(),
            reference_video=video,
            sam2_coordinates=[(0.5, 0.5)],
            duration=2,
        )
    urls = project.wait_for_completion(timeout=30)
    assert len(urls) == 1 and project.type == "video"
    assert _upload_requests(net, project.id) == [
        ("/v1/image/uploadUrl", "referenceImage"),
        ("/v1/media/uploadUrl", "referenceVideo"),
    ]
    assert net.upload(project.id, "referenceVideo").read_bytes() == MP4.read_bytes()
    key_frame = net.received("jobRequest")[-1]["keyFrames"][0]
    assert key_frame["sam2Coordinates"] == '[{"x":0.5,"y":0.5}]'
    assert key_frame["referenceImageContentType"] == "image/png"
    assert key_frame["referenceVideoContentType"] == "video/mp4"
    files = project.download_all(tmp_path / "out")
    assert [f.name for f in files] == [f"{project.id[:8].lower()}-1.mp4"]
    assert files[0].read_bytes()[4:8] == b"ftyp"
    downloads = [r for r in net.requests() if r.path == "/v1/media/downloadUrl"]
    assert downloads[-1].query == {
        "jobId": project.id,
        "id": project.jobs[0].id,
        "type": "complete",
    }


def test_music_in_flac_is_requested_and_saved_as_flac(
    net: LocalSupernet, client: SogniClient, tmp_path: Path
) -> None:
    project = client.projects.create(
        type="audio",
        model_id="ace_step_1.5_turbo",
        positive_prompt="lofi",
        duration=10,
        bpm=90,
        keyscale="A minor",
        timesignature=4,
        output_format="flac",
    )
    project.wait_for_completion(timeout=30)
    request = [r for r in net.requests() if r.path == "/v1/media/downloadUrl"][-1]
    assert request.query["contentType"] == "audio/flac"
    (path,) = project.download_all(tmp_path)
    assert path.suffix == ".flac" and path.read_bytes()[:4] == b"fLaC"
    assert net.received("jobRequest")[-1]["keyFrames"][0]["timesignature"] == "4"


def test_external_api_results_keep_their_direct_url(
    net: LocalSupernet, client: SogniClient, tmp_path: Path
) -> None:
    progress: list[int] = []
    project = client.projects.create(
        model_id="gpt-image-2",
        positive_prompt="headphones",
        width=1024,
        height=1024,
        output_format="webp",
        token_type="spark",
        context_images=[PNG],
    )
    project.on("progress", lambda event: progress.append(event.data["progress"]))
    (url,) = project.wait_for_completion(timeout=30)
    job_result = net.sent("jobResult")[-1]
    assert url == job_result["resultUrl"]
    assert not [
        r
        for r in net.requests()
        if r.path == "/v1/image/downloadUrl" and r.query.get("jobId") == project.id
    ]
    assert all(isinstance(p, int) and 0 <= p <= 100 for p in progress)
    (path,) = project.download_all(tmp_path)
    assert path.suffix == ".webp"
    assert Image.open(path).format == "WEBP"


def test_image_edit_with_qwen_context_images(client: SogniClient, tmp_path: Path) -> None:
    project = client.projects.create(
        model_id="qwen_image_edit_2511_fp8_lightning",
        positive_prompt="make it night",
        context_images=[PNG, io.BytesIO(PNG.read_bytes())],
        steps=4,
        output_format="jpg",
    )
    project.wait_for_completion(timeout=30)
    (path,) = project.download_all(tmp_path)
    assert path.suffix == ".jpg" and Image.open(path).format == "JPEG"


def test_previews_arrive_on_has_image_progress(client: SogniClient) -> None:
    previews = []
    project = client.projects.create(
        model_id="z_image_turbo_bf16", positive_prompt="cat", number_of_previews=2, steps=8
    )
    project.on("preview", previews.append)
    project.wait_for_completion(timeout=30)
    events = [e for e in project.events(timeout=5) if e.type == "preview"]
    assert events and all(e.data["url"] for e in events)
    assert project.jobs[0].preview_url == events[-1].data["url"]


def test_an_unreadable_asset_fails_before_anything_is_sent(
    net: LocalSupernet, client: SogniClient, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    for value, field in ((tmp_path / "missing.mp4", "reference_video"), (empty, "reference_image")):
        with pytest.raises(ValidationError) as info:
            client.projects.create(
                type="video",
                model_id="wan_v2.2-14b-fp8_animate-move_lightx2v",
                positive_prompt="x",
                reference_image=value if field == "reference_image" else PNG,
                reference_video=value if field == "reference_video" else MP4,
                duration=2,
            )
        assert info.value.field == field
    assert not [r for r in net.requests() if r.path.endswith("/uploadUrl")]
    assert net.received("jobRequest") == []


@pytest.mark.parametrize("failing", ["/v1/media/uploadUrl", "/_storage/uploads/"])
def test_a_failed_upload_names_the_asset_and_sends_no_job(
    net: LocalSupernet, client: SogniClient, failing: str
) -> None:
    net.fail_requests(failing, 500)
    with pytest.raises(UploadError) as info:
        client.projects.create(
            type="video",
            model_id="ltx23-22b-fp8_a2v_distilled",
            positive_prompt="beat",
            reference_audio=MP3,
            duration=2,
        )
    assert info.value.asset == "reference_audio"
    assert info.value.status == 500
    assert "reference_audio" in str(info.value)
    assert net.received("jobRequest") == []


def test_a_stream_without_a_known_length_is_uploaded_in_chunks(
    net: LocalSupernet, client: SogniClient
) -> None:
    read_end, write_end = os.pipe()
    data = MP3.read_bytes()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    with os.fdopen(read_end, "rb") as pipe:
        project = client.projects.create(
            type="video",
            model_id="ltx23-22b-fp8_a2v_distilled",
            positive_prompt="beat",
            reference_audio=pipe,
            duration=2,
        )
    writer.join()
    project.wait_for_completion(timeout=30)
    assert net.upload(project.id, "referenceAudio").read_bytes() == data


def test_cost_estimates(net: LocalSupernet, client: SogniClient) -> None:
    image = client.projects.estimate_cost("flux1-schnell-fp8", steps=4, size_preset="square_hd")
    assert float(image.token) > 0 and image.usd and image.spark and image.sogni
    v3 = client.projects.estimate_cost(
        "gpt-image-2", context_images=2, gpt_image_quality="high", output_format="webp"
    )
    video = client.projects.estimate_video_cost(
        "seedance-2-0", duration=5, reference_video_urls=["https://cdn/x.mp4"]
    )
    audio = client.projects.estimate_audio_cost("ace_step_1.5_sft", duration=60)
    enhancement = client.projects.estimate_enhancement_cost("heavy")
    assert all(float(e.token) > 0 for e in (v3, video, audio, enhancement))
    paths = [r.path for r in net.requests() if "/estimate/" in r.path]
    assert paths[0] == "/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/1/4/0/0/0/1024/1024"
    assert paths[1] == "/api/v3/job/estimate/spark/fast/gpt-image-2/1/1/0/0/0/0/0/0/_/2"
    assert paths[2] == "/api/v1/job-video/estimate/spark/seedance-2-0/1920/1088/121/24"
    assert paths[3] == "/api/v1/job-audio/estimate/spark/ace_step_1.5_sft/60/50/1"
    assert paths[4] == "/api/v2/job/estimate/spark/fast/flux1-schnell-fp8/1/5/0/0/0.51/0/0"
    queries = [r.query for r in net.requests() if "/estimate/" in r.path]
    assert queries[1] == {"gptImageQuality": "high", "outputFormat": "webp"}
    assert queries[2] == {"hasVideoInput": "1"}


def test_video_asset_config(client: SogniClient) -> None:
    config = client.projects.get_video_asset_config("wan_v2.2-14b-fp8_s2v_lightx2v")
    assert config.workflow == "s2v"
    assert config.assets is not None and config.assets["reference_audio"] == "required"
    assert client.projects.get_video_asset_config("seedance-2-0").workflow is None
    with pytest.raises(ValidationError):
        client.projects.get_video_asset_config("flux1-schnell-fp8")


def test_project_record_from_the_network(net: LocalSupernet, client: SogniClient) -> None:
    project = client.projects.create(
        model_id="flux1-schnell-fp8", positive_prompt="a", number_of_media=2, seed=5
    )
    project.wait_for_completion(timeout=30)
    record = client.projects.get(project.id)
    assert record.id == project.id and record.status == "completed"
    assert record.image_count == 2
    assert {job.img_id for job in record.completed_worker_jobs or []} == {
        job.id for job in project.jobs
    }
    with pytest.raises(ApiError) as info:
        client.projects.get("00000000-0000-4000-8000-000000000000")
    assert info.value.status == 404


def test_enhance_a_finished_image(net: LocalSupernet, client: SogniClient) -> None:
    project = client.projects.create(
        model_id="z_image_turbo_bf16", positive_prompt="fox", style_prompt="ink", seed=11
    )
    project.wait_for_completion(timeout=30)
    job = project.jobs[0]
    url = job.enhance("light")
    assert url.startswith(net.rest_url)
    request = net.received("jobRequest")[-1]
    key_frame = request["keyFrames"][0]
    assert key_frame["modelID"] == "flux1-schnell-fp8"
    assert key_frame["hasStartingImage"] is True
    assert key_frame["strength"] == pytest.approx(0.15)
    assert key_frame["positivePrompt"] == "fox" and key_frame["stylePrompt"] == "ink"
    assert key_frame["seed"] == job.seed and key_frame["steps"] == 5
    assert request["network"] == "fast"
    uploaded = net.upload(request["jobID"], "startingImage")
    assert uploaded is not None and uploaded.content_type == "image/png"


def test_enhance_refuses_videos(client: SogniClient) -> None:
    project = client.projects.create(
        type="video",
        model_id="wan_v2.2-14b-fp8_t2v_lightx2v",
        positive_prompt="x",
        duration=1,
    )
    project.wait_for_completion(timeout=30)
    with pytest.raises(Exception, match="only image results"):
        project.jobs[0].enhance()


@pytest.fixture
def silent_net() -> Iterator[LocalSupernet]:
    """A server whose jobs start, then stay silent for seconds before any progress."""
    with LocalSupernet(api_key="test-key", step_delay=5.0) as server:
        yield server


@pytest.fixture
def silent_client(silent_net: LocalSupernet) -> Iterator[SogniClient]:
    with _client(silent_net) as sogni_client:
        sogni_client._ctx.project_keep_alive = 0.2
        yield sogni_client


def test_a_silent_project_is_checked_and_kept_while_the_network_knows_it(
    silent_net: LocalSupernet, silent_client: SogniClient
) -> None:
    project = silent_client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="a")
    checks = silent_net.wait_for_requests(f"/v1/projects/{project.id}", count=4, timeout=10)
    assert len(checks) >= 4  # more than the three failures that would time it out
    assert project.status in ("queued", "processing") and project.error is None
    project.cancel()


def test_failed_checks_never_end_or_cancel_a_project(
    silent_net: LocalSupernet, silent_client: SogniClient
) -> None:
    silent_net.fail_requests("/v1/projects/", 503, times=1000)
    project = silent_client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="a")
    checks = silent_net.wait_for_requests(f"/v1/projects/{project.id}", count=5, timeout=15)
    assert len(checks) >= 5  # retried (with backoff), each answered 503
    assert project.status in ("queued", "processing") and project.error is None
    assert silent_net.received("jobError") == []  # the SDK never cancels by itself


def test_a_project_the_network_has_no_record_of_fails_without_a_cancel(
    silent_net: LocalSupernet, silent_client: SogniClient
) -> None:
    silent_net.fail_requests("/v1/projects/", 404, times=10)
    project = silent_client.projects.create(model_id="flux1-schnell-fp8", positive_prompt="a")
    with pytest.raises(ProjectFailed, match="no record of project"):
        project.wait_for_completion(timeout=20)
    assert silent_net.received("jobError") == []


def test_cancel_sends_the_network_message_and_ends_waiting(
    silent_net: LocalSupernet, silent_client: SogniClient
) -> None:
    project = silent_client.projects.create(
        type="video", model_id="ltx23-22b-fp8_t2v_distilled", positive_prompt="x", duration=1
    )
    project.cancel()
    with pytest.raises(ProjectCanceled):
        project.wait_for_completion(timeout=5)
    assert silent_net.wait_for_received("jobError")[-1]["error"] == "artistCanceled"


def test_async_client_uploads_and_downloads(net: LocalSupernet, tmp_path: Path) -> None:
    async def run() -> list[Path]:
        async with AsyncSogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        ) as client:
            project = await client.projects.create(
                type="video",
                model_id="ltx23-22b-fp8_ia2v_distilled",
                positive_prompt="sing",
                reference_image=PNG,
                reference_audio=io.BytesIO(MP3.read_bytes()),
                duration=1,
            )
            await project.wait_for_completion(timeout=30)
            estimate = await client.projects.estimate_audio_cost("ace_step_1.5_turbo")
            assert float(estimate.token) > 0
            return await project.download_all(tmp_path)

    (path,) = asyncio.run(run())
    assert path.suffix == ".mp4" and path.read_bytes()[4:8] == b"ftyp"
    assert net.uploads() and {u.type for u in net.uploads()} == {"referenceImage", "referenceAudio"}


def test_async_image_edit_enhance_and_project_record(net: LocalSupernet, tmp_path: Path) -> None:
    async def run() -> tuple[str, list[Path], str]:
        async with AsyncSogniClient(
            api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
        ) as client:
            project = await client.projects.create(
                model_id="qwen_image_edit_2511_fp8",
                positive_prompt="night",
                context_images=[PNG.read_bytes()],
                number_of_media=2,
            )
            await project.wait_for_completion(timeout=30)
            files = await project.download_all(tmp_path)
            enhanced = await project.jobs[0].enhance("heavy")
            record = await client.projects.get(project.id)
            return enhanced, files, record.status or ""

    enhanced, files, status = asyncio.run(run())
    assert enhanced.startswith(net.rest_url) and status == "completed"
    assert sorted(f.name[-6:] for f in files) == ["-1.png", "-2.png"]
    key_frame = net.received("jobRequest")[-1]["keyFrames"][0]
    assert key_frame["strength"] == pytest.approx(0.49)
