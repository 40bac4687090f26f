"""Projects of every current model family, and of models the SDK does not know yet, on the
sync client against the local Supernet: accepted, sent with the family's rules and
rendered as the right media (video upscale -> MP4, speech and music -> audio, 3D -> GLB,
segmentation -> PNG)."""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sogni import SogniClient, ValidationError
from sogni.testing import LocalSupernet
from sogni.testing.catalogue import Model, default_catalogue

ASSETS = Path(__file__).resolve().parents[1] / "parity" / "assets"
PNG = ASSETS / "image.png"
MP4 = ASSETS / "clip.mp4"
MP3 = ASSETS / "voice.mp3"
#: Announced by this test's network only, so its one warning is this test's to count.
UNLISTED = Model(
    id="zz-unlisted-video-sync", name="Unlisted", sid=990101, tier="novel-video", media="video"
)


@pytest.fixture(scope="module")
def family_net() -> Iterator[LocalSupernet]:
    catalogue = default_catalogue()
    catalogue.models.append(UNLISTED)
    with LocalSupernet(api_key="test-key", catalogue=catalogue) as server:
        yield server


@pytest.fixture(scope="module")
def sogni(family_net: LocalSupernet) -> Iterator[SogniClient]:
    with SogniClient(
        api_key=family_net.api_key,
        rest_endpoint=family_net.rest_url,
        socket_endpoint=family_net.socket_url,
    ) as client:
        yield client


def _key_frame(net: LocalSupernet, project_id: str) -> dict[str, Any]:
    request = next(m for m in net.received("jobRequest") if m["jobID"] == project_id)
    frame: dict[str, Any] = request["keyFrames"][0]
    return frame


def _job_request(net: LocalSupernet, project_id: str) -> dict[str, Any]:
    return next(m for m in net.received("jobRequest") if m["jobID"] == project_id)  # type: ignore[no-any-return]


VIDEO_CASES = [
    ("happyhorse-1.1-t2v", {"duration": 3}, {"fps": 24, "frames": 73}),
    ("seedance-2-0-mini", {"duration": 4}, {"fps": 24, "frames": 97}),
    ("seedance-2-5", {"duration": 20}, {"fps": 24, "frames": 481}),
    ("wan3.0-video", {"duration": 5, "ratio": "16:9"}, {"fps": 30, "frames": 151, "ratio": "16:9"}),
    ("wan3.0-spicy-video", {"duration": 2}, {"fps": 30, "frames": 61}),
    ("ltx25-22b-int8_t2v_distilled", {"duration": 1.5}, {"frames": 41}),
    ("minimax-h3-fl2va-fp8_t2v", {"duration": 6, "width": 1344, "height": 768}, {"frames": 141}),
    ("novel-video-model-x", {"duration": 2, "fps": 30}, {"fps": 30, "frames": 61}),
]


@pytest.mark.parametrize(("model_id", "params", "expected"), VIDEO_CASES)
def test_video_families_reach_the_wire_with_their_rules_and_render_mp4(
    family_net: LocalSupernet,
    sogni: SogniClient,
    tmp_path: Path,
    model_id: str,
    params: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    project = sogni.projects.create(
        type="video", model_id=model_id, positive_prompt="a horse", token_type="spark", **params
    )
    project.wait_for_completion(timeout=60)
    frame = _key_frame(family_net, project.id)
    assert {key: frame.get(key) for key in expected} == expected
    path = project.jobs[0].download(tmp_path)
    assert path.suffix == ".mp4" and path.read_bytes()[4:8] == b"ftyp"


def test_flashvsr_upscales_a_video_into_an_mp4(
    family_net: LocalSupernet, sogni: SogniClient, tmp_path: Path
) -> None:
    project = sogni.projects.create(
        type="video",
        model_id="flashvsr_v1.1_tiny_long_bf16",
        reference_video=MP4.read_bytes(),
        upscale_resolution=1440,
        detail_preference="sharper",
    )
    project.wait_for_completion(timeout=60)
    frame = _key_frame(family_net, project.id)
    assert frame["upscaleResolution"] == 1440 and frame["detailPreference"] == "sharper"
    assert frame["steps"] == 1 and frame["interpolation"] == "none"
    assert project.jobs[0].download(tmp_path).read_bytes()[4:8] == b"ftyp"


def test_pixal3d_returns_a_glb(
    family_net: LocalSupernet, sogni: SogniClient, tmp_path: Path
) -> None:
    project = sogni.projects.create(
        model_id="pixal3d_multiview_int8_i23d",
        starting_image=PNG.read_bytes(),
        back_view_image=PNG.read_bytes(),
    )
    project.wait_for_completion(timeout=60)
    request = _job_request(family_net, project.id)
    assert request["outputFormat"] == "glb" and request["previews"] == 0
    assert request["keyFrames"][0]["hasContextImage2"] is True
    uploads = [
        r.query["type"]
        for r in family_net.requests()
        if r.path == "/v1/image/uploadUrl" and r.query.get("jobId") == project.id
    ]
    assert uploads == ["startingImage", "contextImage2"]
    path = project.jobs[0].download(tmp_path)
    data = path.read_bytes()
    assert path.suffix == ".glb" and struct.unpack("<I", data[:4])[0] == 0x46546C67


def test_segmentation_models_return_one_png_mask(
    family_net: LocalSupernet, sogni: SogniClient
) -> None:
    sam3 = sogni.projects.create(
        model_id="sam3_image_segment_bf16",
        starting_image=PNG.read_bytes(),
        sam3_prompt={"points": [{"x": 0.5, "y": 0.5, "label": "positive"}]},
        number_of_media=3,
    )
    birefnet = sogni.projects.create(
        model_id="birefnet_image_background_removal_fp16",
        starting_image=PNG.read_bytes(),
        apply_mask=True,
    )
    for project in (sam3, birefnet):
        project.wait_for_completion(timeout=60)
        assert len(project.jobs) == 1
        assert project.jobs[0].read()[:4] == b"\x89PNG"
    assert _key_frame(family_net, sam3.id)["sam3Prompt"]["multimask"] is True
    assert _key_frame(family_net, birefnet.id)["applyMask"] is True


@pytest.mark.parametrize(
    ("model_id", "params"),
    [
        ("qwen3_tts_1.7b_custom_voice_bf16", {"speaker": "ryan", "instruct": "warm"}),
        ("minimax_music3", {"duration": 30, "lyrics": "la la"}),
        ("novel-audio-model-x", {"duration": 10}),
    ],
)
def test_audio_families_return_audio(
    family_net: LocalSupernet, sogni: SogniClient, model_id: str, params: dict[str, Any]
) -> None:
    project = sogni.projects.create(
        type="audio", model_id=model_id, positive_prompt="hello there", **params
    )
    project.wait_for_completion(timeout=60)
    frame = _key_frame(family_net, project.id)
    assert {key: frame[key] for key in params} == params
    head = project.jobs[0].read()[:3]
    assert head == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0)  # an MP3 frame


def test_voice_clone_uploads_its_reference_audio(
    family_net: LocalSupernet, sogni: SogniClient
) -> None:
    project = sogni.projects.create(
        type="audio",
        model_id="qwen3_tts_1.7b_voice_clone_bf16",
        positive_prompt="read this",
        reference_audio=MP3.read_bytes(),
        reference_text="the sample says this",
    )
    project.wait_for_completion(timeout=60)
    assert family_net.upload(project.id, "referenceAudio").read_bytes() == MP3.read_bytes()
    assert _key_frame(family_net, project.id)["hasReferenceAudio"] is True


@pytest.mark.parametrize(
    "model_id",
    [
        "gpt-image-2.5-flare",
        "krea2_turbo_fp8_scaled",
        "seedream-5-0-pro-uncensored",
        "moss_image_sft_int8_convrot",
        "novel-image-model-x",
    ],
)
def test_image_families_render_images(
    family_net: LocalSupernet, sogni: SogniClient, model_id: str
) -> None:
    project = sogni.projects.create(model_id=model_id, positive_prompt="a fox", token_type="spark")
    project.wait_for_completion(timeout=60)
    assert project.jobs[0].read()[:4] == b"\x89PNG"
    frame = _key_frame(family_net, project.id)
    assert frame["modelID"] == model_id


def test_an_unknown_model_is_sent_with_one_warning(
    family_net: LocalSupernet, sogni: SogniClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="sogni")
    for _ in range(2):
        sogni.projects.create(type="video", model_id=UNLISTED.id, duration=1).wait_for_completion(
            timeout=60
        )
    warnings = [r for r in caplog.records if UNLISTED.id in r.getMessage()]
    assert len(warnings) == 1 and "generic video rules" in warnings[0].getMessage()


def test_extra_params_arrive_verbatim(family_net: LocalSupernet, sogni: SogniClient) -> None:
    project = sogni.projects.create(
        model_id="novel-image-model-x",
        positive_prompt="x",
        extra_params={"futureKnob": 7, "futureStyle": {"name": "ink", "weights": [0.5, 1]}},
    )
    project.wait_for_completion(timeout=60)
    frame = _key_frame(family_net, project.id)
    assert frame["futureKnob"] == 7
    assert frame["futureStyle"] == {"name": "ink", "weights": [0.5, 1]}


def test_extra_params_naming_a_keyword_are_refused_before_any_io(
    family_net: LocalSupernet, sogni: SogniClient
) -> None:
    before = len(family_net.received("jobRequest"))
    with pytest.raises(ValidationError) as info:
        sogni.projects.create(model_id="flux1-schnell-fp8", extra_params={"numberOfMedia": 2})
    assert "number_of_media" in str(info.value)
    with pytest.raises(ValidationError):
        sogni.projects.create(
            type="video", model_id="minimax-h3-fl2va-fp8_t2v", width=1000, height=768
        )
    assert len(family_net.received("jobRequest")) == before
