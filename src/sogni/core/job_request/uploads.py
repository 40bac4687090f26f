"""The assets of a project that still need uploading, and their types once uploaded."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from sogni.core.families import rules_for
from sogni.core.job_request.image import ORBIT_VIEW_SLOTS
from sogni.core.job_request.references import NUMBERED, is_reference_set, numbered_assets
from sogni.core.job_request.values import UNSET, Params, needs_upload, snake
from sogni.core.video import VIDEO_ASSET_PARAMS


@attrs.frozen
class UploadSlot:
    """One asset that has to be uploaded before the ``jobRequest`` is sent.

    ``param`` is the camelCase parameter it came from (``"contextImages"`` with ``index``
    for context images, ``"controlNet"`` for the ControlNet image), ``field`` its snake_case
    name for messages (``"context_images[2]"``). ``endpoint`` is ``"image"``
    (``/v1/image/uploadUrl``, needs a fresh ``imageId``) or ``"media"``
    (``/v1/media/uploadUrl``); ``type`` is the ``type`` query value and ``id`` the ``id``
    one, which names a numbered slot (``referenceVideo2``: MiniMax H3 r2v). ``value`` is
    the asset exactly as given.
    """

    param: str
    field: str
    endpoint: Literal["image", "media"]
    type: str
    value: Any = attrs.field(repr=False)
    index: int | None = None
    id: str | None = None


def _image_slots(p: Params) -> list[UploadSlot]:
    slots: list[UploadSlot] = []
    if needs_upload(p.get("startingImage")):
        slots.append(
            UploadSlot(
                "startingImage", "starting_image", "image", "startingImage", p.get("startingImage")
            )
        )
    control_net = p.get("controlNet")
    if isinstance(control_net, Mapping) and needs_upload(control_net.get("image")):
        slots.append(
            UploadSlot(
                "controlNet", "control_net.image", "image", "cnImage", control_net.get("image")
            )
        )
    slots.extend(_context_image_slots(p, offset=0))
    for view, slot in ORBIT_VIEW_SLOTS.items():
        if needs_upload(p.get(view)):
            slots.append(UploadSlot(view, snake(view), "image", f"contextImage{slot}", p.get(view)))
    return slots


def _context_image_slots(p: Params, *, offset: int) -> list[UploadSlot]:
    """Context images, in the ``contextImage<n>`` slots after the first ``offset``."""
    return [
        UploadSlot(
            "contextImages",
            f"context_images[{index}]",
            "image",
            f"contextImage{offset + index + 1}",
            image,
            index,
        )
        for index, image in enumerate(p.get("contextImages") or ())
        if needs_upload(image)
    ]


def _audio_slots(p: Params) -> list[UploadSlot]:
    if not needs_upload(p.get("referenceAudio")):
        return []
    value = p.get("referenceAudio")
    return [UploadSlot("referenceAudio", "reference_audio", "media", "referenceAudio", value)]


def _video_slots(p: Params) -> list[UploadSlot]:
    model_id = p.get("modelId")
    numbered = isinstance(model_id, str) and is_reference_set(
        model_id, rules_for(model_id, "video")
    )
    slots: list[UploadSlot] = []
    for name, wire in VIDEO_ASSET_PARAMS.items():
        value = p.get(wire)
        if not needs_upload(value) or (numbered and wire in NUMBERED):
            continue
        if wire.startswith("referenceImage"):
            slots.append(UploadSlot(wire, name, "image", wire, value))
        else:
            upload_type = "referenceAudio" if wire == "referenceAudioIdentity" else wire
            slots.append(UploadSlot(wire, name, "media", upload_type, value))
    slots.extend(_context_image_slots(p, offset=1 if p.truthy("referenceImage") else 0))
    if numbered:
        slots.extend(_numbered_slots(p))
    return slots


def _numbered_slots(p: Params) -> list[UploadSlot]:
    """The numbered audio and video slots of a MiniMax H3 r2v reference set."""
    slots: list[UploadSlot] = []
    for wire in NUMBERED:
        for slot, value in enumerate(numbered_assets(p, wire), start=1):
            if needs_upload(value):
                field = (
                    snake(wire)
                    if slot == 1 and p.truthy(wire)
                    else (f"{snake(wire)}s[{slot - 1 - p.truthy(wire)}]")
                )
                slots.append(UploadSlot(wire, field, "media", wire, value, id=f"{wire}{slot}"))
    return slots


_SLOTS_BY_TYPE = {"image": _image_slots, "audio": _audio_slots, "video": _video_slots}


def upload_slots(params: Mapping[str, Any]) -> list[UploadSlot]:
    """The assets of ``params`` that still need uploading, in upload order.

    Values that are ``True`` are already on the network and get no slot. Image projects:
    starting image, ControlNet image, context images, then Pixal3D orbit views (in their
    context-image slots). Video projects: reference image, end image, audio, audio
    identity (uploaded as ``referenceAudio``), video. Audio projects: a voice sample.
    """
    p = Params(params)
    kind = p.get("type")
    slots_of = _SLOTS_BY_TYPE.get(kind) if isinstance(kind, str) else None
    return [] if slots_of is None else slots_of(p)


def add_content_types(job_request: dict[str, Any], content_types: Mapping[str, str | None]) -> None:
    """Record the types of uploaded video and audio reference assets in ``keyFrames[0]``.

    ``content_types`` maps the camelCase parameter (``"referenceImage"``, ...) of each
    asset that was uploaded from a file to its sniffed type (``None`` when unknown); the
    numbered slots of MiniMax H3 r2v are keyed by upload type (``"referenceVideo2"``).
    Assets passed as ``True`` must not be listed. When only ``referenceAudioIdentity`` was
    uploaded, its type is also recorded as the ``referenceAudio`` type. Audio projects
    record their voice sample the same way. Changes ``job_request`` in place.
    """
    key_frames = job_request.get("keyFrames")
    if not key_frames:
        return
    key_frame: dict[str, Any] = key_frames[0]
    added: list[str] = []

    def put(key: str, value: str | None) -> None:
        key_frame[key] = UNSET if value is None else value
        added.append(key)

    for wire in ("referenceImage", "referenceImageEnd", "referenceAudio"):
        if wire in content_types:
            put(f"{wire}ContentType", content_types[wire])
    if "referenceAudioIdentity" in content_types:
        identity = content_types["referenceAudioIdentity"]
        put("referenceAudioIdentityContentType", identity)
        if key_frame.get("referenceAudioContentType", UNSET) is UNSET:
            put("referenceAudioContentType", identity)
    if "referenceVideo" in content_types:
        put("referenceVideoContentType", content_types["referenceVideo"])
    for wire in NUMBERED:
        for key in sorted(
            (k for k in content_types if re.fullmatch(rf"{wire}\d+", k)),
            key=lambda k: int(k[len(wire) :]),
        ):
            put(f"{key}ContentType", content_types[key])
    for key in added:
        if key_frame.get(key) is UNSET:
            del key_frame[key]
