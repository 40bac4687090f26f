"""LoRAs, saved uploads, subscriptions, announcements and replay records on the async
client, against the local Supernet: the same calls as the sync client, awaited."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from helpers import pillow_png

from sogni import AssetRef, NotFoundError, PermissionDeniedError, ValidationError
from sogni.testing import LocalSupernet
from sogni_async import AsyncSogniClient

pytestmark = pytest.mark.anyio

KREA = "krea2_turbo_fp8_scaled"
HF_LORA = "https://huggingface.co/someone/warm/resolve/main/warm.safetensors"


def _client(net: LocalSupernet, **options: Any) -> AsyncSogniClient:
    return AsyncSogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **options
    )


async def _subscribe(client: AsyncSogniClient, **options: Any) -> None:
    checkout = await client.account.create_subscription_checkout("unlimited", "monthly", **options)
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(checkout.url)).status_code == 200


async def _refused_before_io(
    net: LocalSupernet, call: Callable[[], Awaitable[object]]
) -> ValidationError:
    before = len(net.requests())
    with pytest.raises(ValidationError) as caught:
        await call()
    assert len(net.requests()) == before, "a refused call sent something"
    return caught.value


async def test_loras_and_personal_loras() -> None:
    with LocalSupernet(step_delay=0) as net:
        async with _client(net, connect=False) as client:
            catalog = await client.projects.available_loras(KREA)
            assert catalog.loras and all(KREA in lora.model_ids for lora in catalog.loras)
            warm = await client.projects.get_lora("krea2-warm-light")
            assert warm is not None and warm.ui.recommended_min == -1
            assert await client.projects.supports_loras("z_image_turbo_bf16") is True
            assert (await client.projects.lora_constraints()).max_per_request == 5
            with pytest.raises(PermissionDeniedError):
                await client.projects.personal_loras.catalog()
            await _subscribe(client)
            started = await client.projects.personal_loras.import_lora(
                HF_LORA, "warm", KREA, rights_confirmed=True
            )
            assert (await client.projects.personal_loras.get(started.id)).status == "ready"
            library = await client.projects.personal_loras.list()
            assert [lora.id for lora in library.loras] == [started.id]
            entries = await client.projects.personal_loras.catalog(KREA)
            assert [e.lora_id for e in entries] == [f"personal-{started.id}"]
            merged = await client.projects.available_loras(KREA, include_personal=True)
            assert merged.loras[-1].lora_id == f"personal-{started.id}"
            await client.projects.personal_loras.remove(started.id)
            with pytest.raises(NotFoundError):
                await client.projects.personal_loras.get(started.id)
            error = await _refused_before_io(
                net, lambda: client.projects.personal_loras.import_lora(HF_LORA, "warm", KREA)
            )
            assert error.field == "rights_confirmed"
            assert (
                await _refused_before_io(net, lambda: client.projects.get_lora(""))
            ).field == "lora_id"


async def test_saved_uploads_and_a_project_using_one(net: LocalSupernet) -> None:
    async with _client(net) as client:
        assert await client.assets.enabled() is False
        with pytest.raises(PermissionDeniedError):
            await client.assets.upload(pillow_png(128, 128, "red"))
        await _subscribe(client)
        saved = await client.assets.upload(pillow_png(128, 128, "red"), name="red")
        assert (saved.state, saved.content_type) == ("ready", "image/png")
        again = await client.assets.upload(io.BytesIO(pillow_png(128, 128, "red")))
        assert again.id == saved.id and again.reused is True
        assert [a.id for a in (await client.assets.list()).assets] == [saved.id]
        got = await client.assets.get(saved.id)
        assert got is not None and got.name == "red"
        project = await client.projects.create(
            model_id="flux1-schnell-fp8",
            positive_prompt="a red door",
            steps=4,
            starting_image=AssetRef(saved.id, saved.content_type),
        )
        await project.wait_for_completion(timeout=30)
        assert project.status == "completed"
        job = project.jobs[0]
        assert job.has_result_media and not job.is_withheld and not job.nsfw_detected
        assert (project.queue_status, project.estimated_start_at, project.waiting_reason) == (
            None,
            None,
            None,
        )  # left the queue
        stored = net.upload(project.id, "startingImage")
        assert stored is not None and stored.read_bytes() == pillow_png(128, 128, "red")
        assert not [r for r in net.requests() if r.path == "/v1/image/uploadUrl"]
        await client.assets.delete(saved.id)
        assert await client.assets.get(saved.id) is None
        error = await _refused_before_io(net, lambda: client.assets.upload(b"not media"))
        assert error.field == "source"
        assert (await _refused_before_io(net, lambda: client.assets.delete(""))).field == "asset_id"


async def test_a_subscription_and_its_usage(net: LocalSupernet) -> None:
    async with _client(net, connect=False) as client:
        plans = await client.account.get_subscription_plans()
        assert len(plans) == 4 and {p.interval for p in plans} == {"month", "year"}
        status = await client.account.get_subscription_status()
        assert (status.active, status.status) == (False, "none")
        assert (await client.account.get_trial_eligibility()).reason_code == "eligible"
        await _subscribe(client, start_trial=False)
        assert net.requests()[-2].json == {
            "planId": "unlimited",
            "term": "monthly",
            "redirectType": "web",
            "startTrial": False,
        }
        active = await client.account.refresh_subscription()
        assert (active.active, active.status, active.tier) == (True, "active", "unlimited")
        assert client.account.current.subscription == active
        usage = await client.account.get_subscription_usage()
        assert usage.period_jobs == 0 and usage.trial_credits_limit is None
        portal = await client.account.create_subscription_portal_session()
        assert portal.url.startswith(net.rest_url)
        await client.account.set_device_id("device-1")
        error = await _refused_before_io(
            net, lambda: client.account.create_subscription_checkout("unlimited", "fortnightly")
        )  # type: ignore[arg-type]
        assert error.field == "term" and error.allowed == ["monthly", "annual"]


async def test_announcements_and_replay_records(net: LocalSupernet) -> None:
    async with _client(net, connect=False) as client:
        live = await client.announcements.active()
        assert [a.id for a in live] == ["ann-maintenance", "ann-new-loras"]
        mac = await client.announcements.active(platform="sogni-mac")
        assert "ann-mac-update" in [a.id for a in mac]
        await client.announcements.dismiss("ann-maintenance")
        assert [a.id for a in await client.announcements.active()] == ["ann-new-loras"]
        written = await client.replay.write(
            {"run_id": "r-1", "rounds": [{}], "user_request": "draw a cat"}
        )
        assert written.run_id == "r-1" and written.redacted is False
        summaries = await client.replay.list()
        assert [(s.run_id, s.rounds, s.user_request) for s in summaries] == [
            ("r-1", 1, "draw a cat")
        ]
        record = await client.replay.get("r-1")
        assert record.record["user_request"] == "draw a cat"
        with pytest.raises(NotFoundError):
            await client.replay.get("r-2")
        assert (
            await _refused_before_io(net, lambda: client.replay.list(limit=-1))
        ).field == "limit"
        assert (
            await _refused_before_io(net, lambda: client.announcements.dismiss(""))
        ).field == "announcement_id"
