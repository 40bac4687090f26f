"""LoRAs, saved uploads, subscriptions, announcements and replay records on the sync client,
against the local Supernet: each call with the shapes the network sends, a saved upload
used by a project by id, and bad arguments refused before anything is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import pillow_png

from sogni import (
    AssetRef,
    NotFoundError,
    PermissionDeniedError,
    SogniClient,
    ValidationError,
)
from sogni.testing import LocalSupernet

KREA = "krea2_turbo_fp8_scaled"
ZIMAGE = "z_image_bf16"
HF_LORA = "https://huggingface.co/someone/warm/resolve/main/warm.safetensors"
MP4 = Path(__file__).resolve().parents[1] / "parity" / "assets" / "clip.mp4"


def _client(net: LocalSupernet, **options: Any) -> SogniClient:
    return SogniClient(
        api_key=net.api_key, rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, **options
    )


@pytest.fixture
def rest(net: LocalSupernet) -> Iterator[SogniClient]:
    with _client(net, connect=False) as client:
        yield client


def _subscribe(client: SogniClient, plan: str = "unlimited", term: str = "monthly") -> None:
    checkout = client.account.create_subscription_checkout(plan, term)  # type: ignore[arg-type]
    assert httpx.get(checkout.url).status_code == 200  # paying on the checkout page


def _refused_before_io(net: LocalSupernet, call: Callable[[], object]) -> ValidationError:
    before = len(net.requests())
    with pytest.raises(ValidationError) as caught:
        call()
    assert len(net.requests()) == before, "a refused call sent something"
    return caught.value


# -- LoRAs ---------------------------------------------------------------------------------
def test_the_lora_catalogue_filtered_by_model(net: LocalSupernet, rest: SogniClient) -> None:
    catalog = rest.projects.available_loras(KREA)
    assert catalog.loras and all(KREA in lora.model_ids for lora in catalog.loras)
    assert {KREA, ZIMAGE} <= set(catalog.models) and catalog.models == sorted(catalog.models)
    assert catalog.constraints.max_per_request == 5
    assert (catalog.constraints.min_strength, catalog.constraints.max_strength) == (-10, 10)
    assert net.requests()[-1].query == {"modelId": KREA}
    warm = next(lora for lora in catalog.loras if lora.lora_id == "krea2-warm-light")
    assert (warm.ui.min, warm.ui.max, warm.ui.default) == (-2, 2, 0)
    assert warm.ui.range_labels is not None and warm.ui.range_labels.max == "Warmer & Golden"
    assert warm.ui.examples and warm.ui.examples[0].prompt == "a street at dusk"
    everything = rest.projects.available_loras()
    assert len(everything.loras) > len(catalog.loras)
    assert rest.projects.available_loras("no-such-model").loras == []


def test_one_lora_model_support_and_limits(rest: SogniClient) -> None:
    lora = rest.projects.get_lora("zimage-watercolor")
    assert lora is not None and ZIMAGE in lora.model_ids and lora.ui.category == "art-direction"
    assert rest.projects.get_lora("no-such-lora") is None
    assert rest.projects.supports_loras(ZIMAGE) is True
    assert rest.projects.supports_loras("flux1-schnell-fp8") is False
    assert rest.projects.lora_constraints().max_per_request == 5


def test_a_bipolar_lora_takes_a_negative_strength(net: LocalSupernet) -> None:
    with _client(net) as client:
        warm = client.projects.get_lora("krea2-warm-light")
        assert warm is not None and warm.ui.min < 0
        project = client.projects.create(
            model_id=KREA,
            positive_prompt="a cold street",
            loras=[warm.lora_id],
            lora_strengths=[warm.ui.min],
        )
        project.wait_for_completion(timeout=30)
        key_frame = net.received("jobRequest")[-1]["keyFrames"][0]
        assert (key_frame["loras"], key_frame["loraStrengths"]) == ([warm.lora_id], [-2])
        with pytest.raises(ValidationError) as caught:
            client.projects.create(
                model_id=KREA, positive_prompt="x", loras=[warm.lora_id], lora_strengths=[250]
            )
        assert caught.value.field == "lora_strengths" and "-100" in str(caught.value)


def test_the_catalogue_needs_no_credentials(net: LocalSupernet) -> None:
    with SogniClient(
        rest_endpoint=net.rest_url, socket_endpoint=net.socket_url, connect=False
    ) as anonymous:
        assert anonymous.projects.available_loras(KREA).loras
        assert anonymous.account.get_subscription_plans()


def test_personal_loras_need_a_subscription(rest: SogniClient) -> None:
    library = rest.projects.personal_loras.list()
    assert library.loras == [] and KREA in (library.models or [])
    assert library.limits is not None and library.limits.file_bytes is None
    with pytest.raises(PermissionDeniedError) as denied:
        rest.projects.personal_loras.import_lora(HF_LORA, "warm", KREA, rights_confirmed=True)
    assert denied.value.details is not None
    assert denied.value.details["feature"] == "personal_loras"
    assert denied.value.details["requiredPlans"] == ["unlimited", "unlimited_pro"]


def test_a_personal_lora_is_imported_used_and_removed() -> None:
    with LocalSupernet(step_delay=0) as net, _client(net, connect=False) as client:
        _subscribe(client)
        started = client.projects.personal_loras.import_lora(
            HF_LORA, "My warm light", KREA, rights_confirmed=True
        )
        assert started.name == "My warm light" and started.model_id == KREA
        body = net.requests()[-1].json
        assert body == {
            "url": HF_LORA,
            "name": "My warm light",
            "modelId": KREA,
            "rightsConfirmed": True,
        }
        ready = client.projects.personal_loras.get(started.id)
        assert ready.status == "ready" and ready.size
        entries = client.projects.personal_loras.catalog(KREA)
        assert [e.lora_id for e in entries] == [f"personal-{started.id}"]
        assert client.projects.personal_loras.catalog(ZIMAGE) == []
        personal = client.projects.get_lora(f"personal-{started.id}")
        assert personal is not None and personal.name == "My warm light"
        merged = client.projects.available_loras(KREA, include_personal=True)
        assert f"personal-{started.id}" in [lora.lora_id for lora in merged.loras]
        rejected = client.projects.personal_loras.import_lora(
            "https://huggingface.co/someone/warm/blob/main/README.md",
            "not a lora",
            KREA,
            rights_confirmed=True,
        )
        failed = client.projects.personal_loras.get(rejected.id)
        assert (failed.status, failed.failure_code) == ("rejected", "invalid_artifact")
        client.projects.personal_loras.remove(started.id)
        assert [lora.id for lora in client.projects.personal_loras.list().loras] == [rejected.id]
        with pytest.raises(NotFoundError):
            client.projects.personal_loras.get(started.id)


def test_an_import_stays_queued_while_the_network_validates_it() -> None:
    with LocalSupernet(step_delay=10) as net, _client(net, connect=False) as client:
        _subscribe(client)
        started = client.projects.personal_loras.import_lora(
            HF_LORA, "w", KREA, rights_confirmed=True
        )
        assert started.status == client.projects.personal_loras.get(started.id).status == "queued"
        assert client.projects.personal_loras.catalog() == []


def test_bad_lora_arguments_are_refused_before_any_request(
    net: LocalSupernet, rest: SogniClient
) -> None:
    loras = rest.projects.personal_loras
    assert _refused_before_io(net, lambda: rest.projects.available_loras("")).field == "model_id"
    assert _refused_before_io(net, lambda: rest.projects.get_lora("  ")).field == "lora_id"
    assert _refused_before_io(net, lambda: loras.get("")).field == "lora_id"
    error = _refused_before_io(
        net,
        lambda: loras.import_lora(
            "http://huggingface.co/x.safetensors", "n", KREA, rights_confirmed=True
        ),
    )
    assert error.field == "url" and "huggingface.co" in str(error)
    error = _refused_before_io(
        net,
        lambda: loras.import_lora(
            "https://example.com/x.safetensors", "n", KREA, rights_confirmed=True
        ),
    )
    assert error.field == "url"
    error = _refused_before_io(net, lambda: loras.import_lora(HF_LORA, "n", KREA))
    assert error.field == "rights_confirmed"
    assert (
        _refused_before_io(
            net,
            lambda: rest.projects.available_loras(KREA, include_personal="yes"),  # type: ignore[arg-type]
        ).field
        == "include_personal"
    )


# -- saved uploads --------------------------------------------------------------------------
def test_saved_uploads_need_a_subscription(rest: SogniClient) -> None:
    assert rest.assets.enabled() is False
    library = rest.assets.list()
    assert library.assets == [] and library.limits is not None
    assert library.limits.file_bytes == 100 << 20
    with pytest.raises(PermissionDeniedError) as denied:
        rest.assets.upload(pillow_png(64, 64))
    assert denied.value.details is not None and denied.value.details["feature"] == "saved_uploads"


def test_a_saved_upload_is_sent_once_and_listed(
    net: LocalSupernet, rest: SogniClient, tmp_path: Any
) -> None:
    _subscribe(rest)
    assert rest.assets.enabled() is True
    path = tmp_path / "red.png"
    path.write_bytes(pillow_png(64, 64))
    saved = rest.assets.upload(path, name="red square")
    assert (saved.state, saved.content_type) == ("ready", "image/png")
    assert saved.size == path.stat().st_size
    puts = [r for r in net.requests() if r.method == "PUT"]
    assert len(puts) == 1
    with path.open("rb") as handle:  # the same bytes again: nothing is uploaded
        again = rest.assets.upload(handle, name="red square")
    assert again.id == saved.id and again.reused is True
    assert len([r for r in net.requests() if r.method == "PUT"]) == 1
    listed = rest.assets.get(saved.id)
    assert listed is not None and listed.name == "red square"
    assert (listed.size, listed.content_type, listed.state) == (saved.size, "image/png", "ready")
    assert [asset.id for asset in rest.assets.list().assets] == [saved.id]
    rest.assets.delete(saved.id)
    assert rest.assets.get(saved.id) is None
    with pytest.raises(NotFoundError):
        rest.assets.delete(saved.id)


def test_a_project_uses_a_saved_upload_by_id(net: LocalSupernet) -> None:
    with _client(net) as client:
        _subscribe(client)
        saved = client.assets.upload(pillow_png(256, 256, "blue"), name="blue")
        before = len(net.requests())
        project = client.projects.create(
            model_id="flux1-schnell-fp8",
            positive_prompt="a blue door",
            steps=4,
            starting_image=AssetRef(saved.id, saved.content_type),
        )
        project.wait_for_completion(timeout=30)
        sent = net.requests()[before:]
        assert not any("uploadUrl" in r.path or r.method == "PUT" for r in sent)
        bind = next(r for r in sent if r.path == f"/v1/assets/{saved.id}/bind")
        assert bind.json == {"projectId": project.id, "type": "startingImage"}
        stored = net.upload(project.id, "startingImage")
        assert stored is not None and stored.read_bytes() == pillow_png(256, 256, "blue")
        job_request = net.received("jobRequest")[-1]
        assert job_request["keyFrames"][0]["hasStartingImage"] is True
        assert project.status == "completed"
        job = project.jobs[0]  # no safety signal fired: the result is there
        assert job.has_result_media and not job.is_withheld and not job.nsfw_detected
        assert job.nsfw_sources == ()
        assert (project.queue_status, project.estimated_start_at, project.waiting_reason) == (
            None,
            None,
            None,
        )  # left the queue


def test_a_video_project_binds_saved_references_and_records_their_types(
    net: LocalSupernet,
) -> None:
    with _client(net) as client:
        _subscribe(client)
        image = client.assets.upload(pillow_png(256, 256, "green"))
        video = client.assets.upload(MP4)
        project = client.projects.create(
            type="video",
            model_id="wan_v2.2-14b-fp8_animate-replace_lightx2v",
            positive_prompt="swap",
            sam2_coordinates=[(0.5, 0.5)],
            duration=2,
            reference_image=AssetRef(image.id, image.content_type),
            reference_video=AssetRef(video.id, video.content_type),
        )
        project.wait_for_completion(timeout=30)
        binds = [r.json for r in net.requests() if r.path.endswith("/bind")]
        assert binds == [
            {"projectId": project.id, "type": "referenceImage"},
            {"projectId": project.id, "type": "referenceVideo"},
        ]
        stored = net.upload(project.id, "referenceVideo")
        assert stored is not None and stored.read_bytes() == MP4.read_bytes()
        key_frame = net.received("jobRequest")[-1]["keyFrames"][0]
        assert key_frame["referenceImageContentType"] == "image/png"
        assert key_frame["referenceVideoContentType"] == "video/mp4"


def test_a_saved_upload_of_the_wrong_kind_is_refused_before_anything_is_sent(
    net: LocalSupernet,
) -> None:
    with _client(net) as client:
        client.projects.wait_for_models(timeout=10)
        before = len(net.requests())
        with pytest.raises(ValidationError) as caught:
            client.projects.create(
                model_id="flux1-schnell-fp8",
                positive_prompt="x",
                starting_image=AssetRef("asset-1", "audio/mpeg"),
            )
        assert caught.value.field == "starting_image"
        assert not [r for r in net.requests()[before:] if "assets" in r.path]
        assert net.received("jobRequest") == []


def test_an_unknown_saved_upload_fails_the_project_before_it_is_sent(net: LocalSupernet) -> None:
    from sogni import UploadError

    with _client(net) as client:
        _subscribe(client)
        with pytest.raises(UploadError) as caught:
            client.projects.create(
                model_id="flux1-schnell-fp8",
                positive_prompt="x",
                starting_image=AssetRef("no-such-asset"),
            )
        assert caught.value.asset == "starting_image" and caught.value.status == 404
        assert net.received("jobRequest") == []


def test_bad_asset_arguments_are_refused_before_any_request(
    net: LocalSupernet, rest: SogniClient
) -> None:
    assert _refused_before_io(net, lambda: rest.assets.get("")).field == "asset_id"
    assert _refused_before_io(net, lambda: rest.assets.delete(" ")).field == "asset_id"
    error = _refused_before_io(net, lambda: rest.assets.upload(b"plain text, not media"))
    assert error.field == "source" and "image/png" in str(error)
    assert _refused_before_io(net, lambda: rest.assets.upload(b"")).field == "source"
    assert (
        _refused_before_io(net, lambda: rest.assets.upload(pillow_png(64, 64), name="")).field
        == "name"
    )
    with pytest.raises(ValidationError):
        AssetRef("")


# -- subscriptions ---------------------------------------------------------------------------
def test_a_subscription_from_plans_to_portal(net: LocalSupernet, rest: SogniClient) -> None:
    plans = rest.account.get_subscription_plans()
    assert {(p.plan_id, p.term) for p in plans} == {
        ("unlimited", "monthly"),
        ("unlimited", "annual"),
        ("unlimited_pro", "monthly"),
        ("unlimited_pro", "annual"),
    }
    assert all(p.price_usd and p.display_name and p.vendor_discount_bps for p in plans)
    none = rest.account.get_subscription_status()
    assert (none.active, none.status) == (False, "none")
    assert rest.account.current.subscription == none and not rest.account.current.is_unlimited
    assert rest.account.get_trial_eligibility().eligible is True
    checkout = rest.account.create_subscription_checkout(
        "unlimited_pro", "annual", redirect_type="app", app_source="tests", device_id="d-1"
    )
    assert net.requests()[-1].json == {
        "planId": "unlimited_pro",
        "term": "annual",
        "redirectType": "app",
        "appSource": "tests",
        "deviceId": "d-1",
    }
    assert checkout.url.startswith(net.rest_url)
    assert httpx.get(checkout.url).status_code == 200
    trial = rest.account.refresh_subscription()
    assert (trial.active, trial.status, trial.tier, trial.term) == (
        True,
        "trialing",
        "unlimited_pro",
        "annual",
    )
    assert trial.frontier_discount_bps == 1000
    assert rest.account.current.is_unlimited
    usage = rest.account.get_subscription_usage()
    assert usage.period_jobs == 0 and usage.trial_credits_limit == 50
    assert usage.trial_credits_used == 0 and usage.trial_ends_at == trial.current_period_end
    assert rest.account.get_trial_eligibility().eligible is False
    portal = rest.account.create_subscription_portal_session()
    assert httpx.get(portal.url, params={"action": "cancel"}).status_code == 200
    canceled = rest.account.get_subscription_status()
    assert (canceled.active, canceled.status, canceled.cancel_at_period_end) == (
        True,
        "cancel_at_period_end",
        True,
    )
    rest.account.set_device_id("device-42")
    assert net.requests()[-1].json == {"deviceId": "device-42"}


def test_a_checkout_without_the_trial_is_active_at_once(rest: SogniClient) -> None:
    checkout = rest.account.create_subscription_checkout("unlimited", "monthly", start_trial=False)
    httpx.get(checkout.url)
    status = rest.account.get_subscription_status()
    assert (status.status, status.active) == ("active", True)
    assert rest.account.get_subscription_usage().trial_credits_limit is None


def test_bad_subscription_arguments_are_refused_before_any_request(
    net: LocalSupernet, rest: SogniClient
) -> None:
    checkout = rest.account.create_subscription_checkout
    error = _refused_before_io(net, lambda: checkout("gold", "monthly"))  # type: ignore[arg-type]
    assert error.field == "plan_id" and error.allowed == ["unlimited", "unlimited_pro"]
    assert _refused_before_io(net, lambda: checkout("unlimited", "weekly")).field == "term"  # type: ignore[arg-type]
    assert (
        _refused_before_io(
            net,
            lambda: checkout("unlimited", "monthly", redirect_type="tv"),  # type: ignore[arg-type]
        ).field
        == "redirect_type"
    )
    assert (
        _refused_before_io(
            net,
            lambda: checkout("unlimited", "monthly", start_trial="yes"),  # type: ignore[arg-type]
        ).field
        == "start_trial"
    )
    assert _refused_before_io(net, lambda: rest.account.set_device_id("")).field == "device_id"


# -- announcements and replay --------------------------------------------------------------
def test_announcements_by_platform_and_dismissed_for_the_account(
    net: LocalSupernet, rest: SogniClient
) -> None:
    live = rest.announcements.active()
    assert [a.id for a in live] == ["ann-maintenance", "ann-new-loras"]
    banner = live[0]
    assert (banner.kind, banner.severity, banner.pinned) == ("banner", "warn", True)
    assert banner.actions and banner.actions[0].external is True
    assert banner.starts_at is not None and banner.ends_at is not None
    assert "ann-mac-update" in [a.id for a in rest.announcements.active(platform="sogni-mac")]
    assert net.requests()[-1].query == {"platform": "sogni-mac"}
    rest.announcements.dismiss("ann-new-loras")
    with _client(net, connect=False) as other_device:
        assert [a.id for a in other_device.announcements.active()] == ["ann-maintenance"]
    with pytest.raises(NotFoundError):
        rest.announcements.dismiss("ann-nope")
    assert (
        _refused_before_io(net, lambda: rest.announcements.dismiss("")).field == "announcement_id"
    )
    assert _refused_before_io(net, lambda: rest.announcements.active("")).field == "platform"


def test_replay_records_are_written_listed_and_read(net: LocalSupernet, rest: SogniClient) -> None:
    record = {
        "run_id": "run-1",
        "session_id": "s",
        "model_id": "qwen3",
        "user_request": "hi",
        "rounds": [{"n": 1}, {"n": 2}],
        "final_response": "hello",
        "usage": {"prompt_tokens": 3},
        "api_key": "sk-secret",
    }
    written = rest.replay.write(record)
    assert written.run_id == "run-1" and written.redacted is True and written.create_time
    assert net.requests()[-1].json == record
    rest.replay.write({"run_id": "run-2", "rounds": []})
    summaries = rest.replay.list(limit=5)
    assert [s.run_id for s in summaries] == ["run-2", "run-1"]
    assert net.requests()[-1].query == {"limit": "5"}
    assert (summaries[1].rounds, summaries[1].user_request, summaries[1].model_id) == (
        2,
        "hi",
        "qwen3",
    )
    assert [s.run_id for s in rest.replay.list(limit=1)] == ["run-2"]
    stored = rest.replay.get("run-1")
    assert stored.record["api_key"] == "[REDACTED]"
    assert stored.record["usage"] == {"prompt_tokens": 3}
    assert stored.create_time == written.create_time
    with pytest.raises(NotFoundError):
        rest.replay.get("run-404")
    assert (
        _refused_before_io(net, lambda: rest.replay.write({"rounds": []})).field == "record.run_id"
    )
    assert (
        _refused_before_io(
            net, lambda: rest.replay.write({"run_id": "x", "score": float("nan")})
        ).field
        is not None
    )
    assert _refused_before_io(net, lambda: rest.replay.list(limit=0)).field == "limit"
    assert _refused_before_io(net, lambda: rest.replay.get("")).field == "run_id"
