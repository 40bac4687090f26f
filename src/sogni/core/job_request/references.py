"""Checks of a video project's reference assets by its family's reference policy.

Most families take single reference assets and URL lists; MiniMax H3 r2v takes a numbered
reference set instead (``referenceAudio1``, ``referenceVideo2`` ...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sogni.core.checks import number, sequence
from sogni.core.errors import ValidationError
from sogni.core.families import Rules, workflow_assets
from sogni.core.job_request.values import Params, only_for, snake, truthy
from sogni.core.video import VIDEO_ASSET_PARAMS

#: Single assets that MiniMax H3 r2v numbers with their lists (``referenceAudio1`` ...).
NUMBERED = ("referenceAudio", "referenceVideo")


def url_list(p: Params, wire: str) -> list[str]:
    value = p.get(wire)
    if value is None:
        return []
    field = snake(wire)
    items = sequence(value, field)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"{field} must contain only non-empty URL strings", field=field)
    return list(items)


def _reference_counts(p: Params) -> tuple[int, int, int]:
    """``(images, videos, audio)`` reference assets of a project, files and URLs alike."""
    images = (
        p.truthy("referenceImage")
        + p.truthy("referenceImageEnd")
        + len(url_list(p, "referenceImageUrls"))
    )
    videos = p.truthy("referenceVideo") + len(url_list(p, "referenceVideoUrls"))
    audio = (p.truthy("referenceAudio") or p.truthy("referenceAudioIdentity")) + len(
        url_list(p, "referenceAudioUrls")
    )
    return images, videos, audio


def _check_reference_limits(
    p: Params, model_id: str, limits: Mapping[str, Any], counts: tuple[int, int, int]
) -> None:
    images, videos, audio = counts
    for count, key, what, field in (
        (images, "images", "image", "reference_image_urls"),
        (videos, "videos", "video", "reference_video_urls"),
        (audio, "audio", "audio", "reference_audio_urls"),
        (images + videos + audio, "total", "total", "reference_image_urls"),
    ):
        limit = limits.get(key)
        if limit is not None and count > limit:
            raise ValidationError(
                f"Model {model_id} accepts at most {limit} {what} reference assets, got {count}",
                field=field,
                allowed=f"at most {limit}",
            )


def asset_list(p: Params, wire: str) -> Sequence[Any]:
    """A list of assets, without holes (a hole would renumber every later reference)."""
    if not p.given(wire):
        return ()
    items = sequence(p.get(wire), snake(wire))
    for index, item in enumerate(items):
        if not truthy(item):
            raise ValidationError(
                f"{snake(wire)}[{index}] is empty; references are numbered by position",
                field=snake(wire),
            )
    return items


def _reference_set_counts(p: Params) -> tuple[int, int, int]:
    """``(images, videos, audio)`` of a MiniMax H3 r2v reference set."""
    return (
        p.truthy("referenceImage") + len(asset_list(p, "contextImages")),
        p.truthy("referenceVideo") + len(asset_list(p, "referenceVideos")),
        p.truthy("referenceAudio") + len(asset_list(p, "referenceAudios")),
    )


def _check_reference_set(p: Params, model_id: str, limits: Mapping[str, Any]) -> None:
    counts = _reference_set_counts(p)
    _check_reference_limits(p, model_id, limits, counts)
    images, videos, _ = counts
    if not images + videos:
        raise ValidationError(
            f"Model {model_id} needs at least one reference image or video",
            field="reference_image",
        )
    if not p.given("referenceVideoDurations"):
        return
    durations = sequence(p.get("referenceVideoDurations"), "reference_video_durations")
    if len(durations) != videos:
        raise ValidationError(
            f"reference_video_durations needs one entry per reference video ({videos})",
            field="reference_video_durations",
        )
    for seconds in durations:
        number(
            seconds,
            "reference_video_durations",
            minimum=1.95,
            maximum=15.05,
            what="each reference video's duration (seconds)",
        )
    if sum(durations) > 15.05:
        raise ValidationError(
            f"reference videos may last 15 seconds together, got {sum(durations):g}",
            field="reference_video_durations",
            allowed="at most 15 seconds in all",
        )


def check_references(p: Params, model_id: str, rules: Rules) -> None:
    """Reference URL lists and asset counts, by the family's reference policy."""
    limits = rules.references or {"policy": "none"}
    policy = limits.get("policy", "none")
    urls = ("referenceImageUrls", "referenceVideoUrls", "referenceAudioUrls")
    reference_set = is_reference_set(model_id, rules)
    for wire in ("contextImages", "referenceVideos", "referenceAudios", "referenceVideoDurations"):
        only_for(p, wire, reference_set, "MiniMax H3 reference-to-video (r2v) models")
    if reference_set:
        _check_reference_set(p, model_id, limits)
    if policy in ("none", "minimax_h3"):
        for wire in (*urls, "referenceFileUrl", "referenceLinkUrl"):
            if p.given(wire):
                raise ValidationError(
                    f"{snake(wire)} is supported only by models that take reference URLs"
                    " (Seedance, HappyHorse, Wan 3)",
                    field=snake(wire),
                )
        return
    counts = _reference_counts(p)
    _check_reference_limits(p, model_id, limits, counts)
    if policy == "seedance":
        _check_seedance(p, model_id, rules, limits, counts)
    elif policy == "happyhorse":
        _check_happyhorse(p, model_id, rules, counts[0])
    elif policy == "wan3":
        _check_wan3(p, counts)


def _loose(p: Params, counts: tuple[int, int, int]) -> int:
    """Reference assets besides the first/last-frame anchors."""
    images, videos, audio = counts
    return images - p.truthy("referenceImage") - p.truthy("referenceImageEnd") + videos + audio


def _check_seedance(
    p: Params,
    model_id: str,
    rules: Rules,
    limits: Mapping[str, Any],
    counts: tuple[int, int, int],
) -> None:
    _check_seedance_task(p, model_id, rules, counts)
    images, videos, audio = counts
    if audio and not images and not videos and not limits.get("audio_alone"):
        raise ValidationError(
            "Seedance audio references need at least one image or video reference",
            field="reference_audio",
        )


def _check_happyhorse(p: Params, model_id: str, rules: Rules, images: int) -> None:
    if p.truthy("referenceImageEnd"):
        raise ValidationError(
            "HappyHorse takes no separate end frame (reference_image_end)",
            field="reference_image_end",
        )
    workflow = rules.workflow_of(model_id)
    wanted = {"i2v": (1, 1), "r2v": (1, 9)}.get(workflow or "", (0, 0))
    if not wanted[0] <= images <= wanted[1]:
        raise ValidationError(
            f"HappyHorse {workflow} takes {wanted[0]}–{wanted[1]} reference images, got {images}",
            field="reference_image",
            allowed=f"{wanted[0]}–{wanted[1]}",
        )


def _check_wan3(p: Params, counts: tuple[int, int, int]) -> None:
    anchors = p.truthy("referenceImage") or p.truthy("referenceImageEnd")
    loose = _loose(p, counts) > 0 or p.truthy("referenceFileUrl") or p.truthy("referenceLinkUrl")
    if anchors and loose:
        raise ValidationError(
            "Wan 3 first/last-frame anchors cannot be combined with loose media, file or"
            " link references",
            field="reference_image",
        )
    if p.truthy("referenceFileUrl") and p.truthy("referenceLinkUrl"):
        raise ValidationError(
            "Wan 3 takes one reference file or one reference link, not both",
            field="reference_link_url",
        )


def is_reference_set(model_id: str, rules: Rules) -> bool:
    """True for MiniMax H3 r2v: numbered reference slots instead of single assets."""
    policy = (rules.references or {}).get("policy")
    return policy == "minimax_h3" and rules.workflow_of(model_id) == "r2v"


def numbered_assets(p: Params, wire: str) -> list[Any]:
    """``referenceAudio`` then ``referenceAudios`` (or the video pair): slots 1, 2, ..."""
    first = [p.get(wire)] if p.truthy(wire) else []
    return first + list(asset_list(p, wire + "s"))


def _check_seedance_task(
    p: Params, model_id: str, rules: Rules, counts: tuple[int, int, int]
) -> None:
    only_for(p, "seedanceTaskType", rules.seedance_task_type, "Seedance 2.5")
    only_for(p, "returnLastFrame", rules.seedance_task_type, "Seedance 2.5")
    if not rules.seedance_task_type:
        return
    task = p.get("seedanceTaskType")
    anchors = p.truthy("referenceImage") or p.truthy("referenceImageEnd")
    videos = counts[1]
    loose = _loose(p, counts)
    if task is None and loose:
        raise ValidationError(
            f"{model_id} loose-reference requests need seedance_task_type",
            field="seedance_task_type",
            allowed=["reference", "edit", "extend"],
        )
    if task is not None and anchors:
        raise ValidationError(
            "seedance_task_type is for loose-reference, edit or extend requests; leave it out"
            " for first/last-frame generation",
            field="seedance_task_type",
        )
    if task in ("edit", "extend") and not videos:
        raise ValidationError(
            f"Seedance 2.5 {task} needs a reference video", field="reference_video"
        )
    if task == "reference" and not loose:
        raise ValidationError(
            "Seedance 2.5 reference needs at least one loose image, video or audio reference",
            field="reference_image_urls",
        )


def check_workflow_assets(p: Params, model_id: str, rules: Rules) -> None:
    check_references(p, model_id, rules)
    workflow = rules.workflow_of(model_id)
    if workflow is None:
        return
    if workflow == "i2v" and not (p.truthy("referenceImage") or p.truthy("referenceImageEnd")):
        raise ValidationError(
            "i2v workflow requires at least one of reference_image or reference_image_end",
            field="reference_image",
        )
    for name, requirement in workflow_assets(rules, workflow).items():
        present = p.truthy(VIDEO_ASSET_PARAMS[name])
        if requirement == "required" and not present:
            raise ValidationError(f"{workflow} workflow requires {name}", field=name)
        if requirement == "forbidden" and present:
            raise ValidationError(f"{workflow} workflow does not support {name}", field=name)
