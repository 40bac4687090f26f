"""Current model families and models the SDK does not know yet on the async client,
against the local Supernet: the same rules on the wire and the same media back as the sync
client (video upscale -> MP4, speech -> audio, 3D -> GLB, segmentation -> PNG)."""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sogni import ValidationError
from sogni.testing import LocalSupernet
from sogni.testing.catalogue import Model, default_catalogue
from sogni_async import AsyncSogniClient

pytestmark = pytest.mark.anyio

ASSETS = Path(__file__).resolve().parents[1] / "parity" / "assets"
PNG = ASSETS / "image.png"
MP4 = ASSETS / "clip.mp4"
UNLISTED = Model(
    id="zz-unlisted-audio-async", name="Unlisted", sid=990102, tier="novel-audio", media="audio"
)


@pytest.fixture
def family_net() -> Iterator[LocalSupernet]:
    catalogue = default_catalogue()
    catalogue.models.append(UNLISTED)
    with LocalSupernet(api_key="test-key", catalogue=catalogue) as server:
        yield server


def _client(net: LocalSupernet) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    )


def _key_frame(net: LocalSupernet, project_id: str) -> dict[str, Any]:
    request = next(m for m in net.received("jobRequest") if m["jobID"] == project_id)
    frame: dict[str, Any] = request["keyFrames"][0]
    return frame


async def test_new_families_reach_the_wire_and_render_their_media(
    family_net: LocalSupernet, tmp_path: Path
) -> None:
    async with _client(family_net) as client:
        h3 = await client.projects.create(
            type="video",
            model_id="minimax-h3-fl2va-fp8_i2v",
            reference_image=PNG.read_bytes(),
            duration=6,
        )
        upscale = await client.projects.create(
            type="video",
            model_id="flashvsr_v1.1_tiny_long_bf16",
            reference_video=MP4.read_bytes(),
            upscale_resolution=1080,
        )
        mesh = await client.projects.create(
            model_id="pixal3d_int8_i23d", starting_image=PNG.read_bytes()
        )
        speech = await client.projects.create(
            type="audio",
            model_id="qwen3_tts_1.7b_custom_voice_bf16",
            positive_prompt="hi",
            speaker="serena",
        )
        for project in (h3, upscale, mesh, speech):
            await project.wait_for_completion(timeout=60)
        assert _key_frame(family_net, h3.id)["frames"] == 141
        assert _key_frame(family_net, upscale.id)["upscaleResolution"] == 1080
        assert _key_frame(family_net, speech.id)["speaker"] == "serena"
        assert (await upscale.jobs[0].download(tmp_path)).read_bytes()[4:8] == b"ftyp"
        glb = await mesh.jobs[0].download(tmp_path)
        assert glb.suffix == ".glb"
        assert struct.unpack("<I", glb.read_bytes()[:4])[0] == 0x46546C67
        assert (await speech.jobs[0].aread())[:1] in (b"I", b"\xff")


async def test_unknown_models_and_extra_params(
    family_net: LocalSupernet, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="sogni")
    async with _client(family_net) as client:
        first = await client.projects.create(
            type="audio",
            model_id=UNLISTED.id,
            positive_prompt="hum",
            duration=10,
            extra_params={"futureVoice": "low"},
        )
        second = await client.projects.create(type="audio", model_id=UNLISTED.id, duration=10)
        for project in (first, second):
            await project.wait_for_completion(timeout=60)
        assert _key_frame(family_net, first.id)["futureVoice"] == "low"
        warnings = [r for r in caplog.records if UNLISTED.id in r.getMessage()]
        assert len(warnings) == 1
        before = len(family_net.received("jobRequest"))
        with pytest.raises(ValidationError) as info:
            await client.projects.create(
                type="audio", model_id=UNLISTED.id, extra_params={"duration": 5}
            )
        assert "duration" in str(info.value) and info.value.field == "extra_params"
        assert len(family_net.received("jobRequest")) == before
