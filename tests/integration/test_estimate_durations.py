"""Both clients' cost estimates carry the expected render and total times the local
Supernet reports with every quote."""

from __future__ import annotations

import pytest

from sogni import SogniClient
from sogni.testing import LocalSupernet
from sogni.testing.pricing import QUEUE_WAIT_SEC
from sogni_async import AsyncSogniClient


def test_sync_estimates_say_how_long_a_project_takes(
    net: LocalSupernet, client: SogniClient
) -> None:
    image = client.projects.estimate_cost("flux1-schnell-fp8", steps=4, number_of_media=2)
    assert image.estimated_render_seconds is not None and image.estimated_render_seconds > 0
    assert image.estimated_total_seconds == pytest.approx(
        image.estimated_render_seconds + QUEUE_WAIT_SEC
    )
    assert image.daily_fair_use_pct is None
    video = client.projects.estimate_video_cost("wan_v2.2-14b-fp8_t2v", duration=2)
    assert video.estimated_total_seconds is not None
    assert video.estimated_total_seconds > video.estimated_render_seconds  # type: ignore[operator]


@pytest.mark.anyio
async def test_async_estimates_say_how_long_a_project_takes(net: LocalSupernet) -> None:
    async with AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url
    ) as client:
        audio = await client.projects.estimate_audio_cost("ace_step_1.5_turbo", duration=10)
        assert audio.estimated_render_seconds is not None and audio.estimated_render_seconds > 0
        assert audio.estimated_total_seconds == pytest.approx(
            audio.estimated_render_seconds + QUEUE_WAIT_SEC
        )
