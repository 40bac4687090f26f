"""Plans of the saved-upload library: private uploads a subscriber saves once and reuses.

An upload is announced with its SHA-256 and size (``prepare``); the network answers with
the existing asset when the library already holds those bytes, or with a URL to put them
at, and verifies the stored file before the asset becomes ``ready`` (``finalize``). A
project uses a saved asset by id (:class:`~sogni.core.assets.AssetRef`): the network copies it
into the project's input slot (``bind``) instead of the file being uploaded again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from sogni.core._generated.models import AssetLibrary, SavedAsset
from sogni.core.assets import AssetRef, HashedUpload
from sogni.core.checks import text
from sogni.core.context import CoreContext
from sogni.core.effects import ChecksumUpload, RestCall, Sleep, Upload
from sogni.core.errors import ApiError, UploadError
from sogni.core.job_request import UploadSlot
from sogni.core.plans import Plan
from sogni.core.wire import from_wire

__all__ = [
    "ASSETS_PATH",
    "BUSY_ATTEMPTS",
    "CAPABILITIES_PATH",
    "bind",
    "delete",
    "enabled",
    "get",
    "list_assets",
    "upload",
]

ASSETS_PATH = "/v1/assets"
CAPABILITIES_PATH = "/v1/assets/capabilities"
PREPARE_PATH = "/v1/assets/prepare"

#: Tries of a call the network answers with 423 (the asset is busy), 0.25 s apart at
#: first, doubling.
BUSY_ATTEMPTS = 5
_BUSY_STATUS = 423
_BUSY_PAUSE = 0.25
#: Statuses meaning the library is not available to this account (no subscription).
_UNAVAILABLE = frozenset({403, 404, 503})
#: A write-once upload URL that already holds the bytes answers 412; the network still
#: verifies them when the upload is finalised.
_ALREADY_WRITTEN = 412


def _asset_path(asset_id: Any, suffix: str = "") -> str:
    return f"{ASSETS_PATH}/{quote(text(asset_id, 'asset_id'), safe='')}{suffix}"


def _retrying_busy(call: RestCall) -> Plan[Any]:
    for attempt in range(BUSY_ATTEMPTS):
        try:
            return (yield call)
        except ApiError as exc:
            if exc.status != _BUSY_STATUS or attempt == BUSY_ATTEMPTS - 1:
                raise
        yield Sleep(_BUSY_PAUSE * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def enabled(ctx: CoreContext) -> Plan[bool]:
    """Whether this account may save uploads (the library is for subscribers)."""
    try:
        data = yield RestCall("GET", CAPABILITIES_PATH)
    except ApiError as exc:
        if exc.status in _UNAVAILABLE:
            return False
        raise
    return isinstance(data, Mapping) and data.get("enabled") is True


def list_assets(ctx: CoreContext) -> Plan[AssetLibrary]:
    """The saved uploads and the library's limits."""
    data = yield RestCall("GET", ASSETS_PATH)
    return from_wire(AssetLibrary, data)


def get(ctx: CoreContext, asset_id: str) -> Plan[SavedAsset | None]:
    """One saved upload by id, ``None`` when the library has no such asset."""
    wanted = text(asset_id, "asset_id")
    library = yield from list_assets(ctx)
    return next((asset for asset in library.assets if asset.id == wanted), None)


def delete(ctx: CoreContext, asset_id: str) -> Plan[None]:
    """Remove a saved upload."""
    yield RestCall("DELETE", _asset_path(asset_id))


def upload(ctx: CoreContext, source: Any, name: str = "Saved upload") -> Plan[SavedAsset]:
    """Save a file in the library (nothing is sent when it holds the same bytes already).

    The driver reads the file once to checksum it (:class:`~sogni.core.effects.ChecksumUpload`)
    before anything is sent.
    """
    label = text(name, "name")
    hashed: HashedUpload = yield ChecksumUpload(source)
    body = {
        "sha256": hashed.sha256,
        "bytes": hashed.size,
        "contentType": hashed.content_type,
        "name": label,
    }
    prepared = yield from _retrying_busy(
        RestCall("POST", PREPARE_PATH, json=body, idempotent=False)
    )
    if not isinstance(prepared, Mapping) or not isinstance(prepared.get("id"), str):
        raise ApiError("the network's answer to saving an upload had no asset id")
    if prepared.get("state") == "ready":
        return from_wire(SavedAsset, prepared)
    url = prepared.get("uploadUrl")
    if not isinstance(url, str) or not url:
        raise ApiError("the network did not say where to put the saved upload")
    try:
        yield Upload(url, hashed.asset, hashed.content_type, "source")
    except UploadError as exc:
        if exc.status != _ALREADY_WRITTEN:
            raise
    finished = yield from _retrying_busy(
        RestCall("POST", _asset_path(prepared["id"], "/finalize"), no_body=True, idempotent=False)
    )
    return from_wire(SavedAsset, finished)


def bind(ctx: CoreContext, ref: AssetRef, project_id: str, slot: UploadSlot) -> Plan[None]:
    """Copy a saved upload into one input slot of a project, in place of an upload."""
    body = {"projectId": project_id, "type": slot.type}
    if slot.id:
        body["id"] = slot.id
    try:
        yield from _retrying_busy(
            RestCall("POST", _asset_path(ref.id, "/bind"), json=body, idempotent=False)
        )
    except ApiError as exc:
        raise UploadError(
            f"the saved upload {ref.id!r} could not be used: {exc.message}",
            asset=slot.field,
            status=exc.status,
            error_code=exc.error_code,
        ) from exc
