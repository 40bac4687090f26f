"""Saved uploads (``{status, data}`` envelope): each subscriber's private library of files
that projects reuse by id.

``prepare`` announces a file by SHA-256, size and type: the same bytes already saved come
back as they are (``reused``); otherwise the answer carries a presigned URL (served by the
storage routes of :mod:`.media_api`) and the asset is ``uploading`` until ``finalize``
checks the stored bytes against the announced checksum. ``bind`` copies a ready asset into
a project's input slot, where the job finds it exactly as if it had been uploaded for that
project. The library is for subscribers (``capabilities`` says so); listing and deleting
work after a subscription lapsed.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
from aiohttp import web

from sogni.core.assets import MAX_SAVED_UPLOAD_BYTES, SAVED_UPLOAD_TYPES

from . import envelope
from .billing_api import is_subscribed, refused, subscription_required
from .routing import Route
from .state import STATE, SupernetState, caller
from .storage import UploadRejected, UploadSlot

__all__ = ["LIMITS", "QUOTA_MESSAGE", "ROUTES"]

MAX_ENTRIES = 50
IDLE_DAYS = 30
LIMITS = {
    "entries": MAX_ENTRIES,
    "bytes": 2 << 30,
    "fileBytes": MAX_SAVED_UPLOAD_BYTES,
    "idleDays": IDLE_DAYS,
    "copyBytesPerDay": 10 << 30,
    "bindingsPerDay": 500,
}
QUOTA_MESSAGE = "Your saved upload library is full."

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_IMAGE_SLOT = re.compile(
    r"^(startingImage|cnImage|contextImage\d{1,2}|referenceImage|"
    r"referenceImageEnd|referenceMask)$"
)
_MEDIA_SLOT = re.compile(r"^(referenceAudio|referenceVideo)$")
_NUMBERED_SLOT = re.compile(r"^(referenceAudio|referenceVideo)\d{1,2}$")
_STORED_AS = "asset"


@attrs.define
class SavedAsset:
    """One saved upload."""

    id: str
    name: str
    size: int
    content_type: str
    sha256: str
    created: float
    used: float
    ready: bool = False

    def as_json(self) -> dict[str, Any]:
        """The asset as the API shows it."""
        return {
            "id": self.id,
            "name": self.name,
            "bytes": self.size,
            "contentType": self.content_type,
            "state": "ready" if self.ready else "uploading",
            "createdAt": int(self.created * 1000),
            "expiresAt": int((self.used + IDLE_DAYS * 86400) * 1000),
        }


_ASSETS: weakref.WeakKeyDictionary[SupernetState, dict[str, dict[str, SavedAsset]]] = (
    weakref.WeakKeyDictionary()
)


def _library(request: web.Request) -> dict[str, SavedAsset]:
    state = request.app[STATE]
    by_account = _ASSETS.get(state)
    if by_account is None:
        by_account = _ASSETS[state] = {}
    return by_account.setdefault(caller(request).address.lower(), {})


def _owned(request: web.Request) -> SavedAsset | None:
    return _library(request).get(request.match_info["id"])


def _kind(content_type: str) -> str:
    return "image" if content_type.startswith("image/") else "media"


async def _body(request: web.Request) -> dict[str, Any] | None:
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def capabilities(request: web.Request) -> web.Response:
    """``GET /v1/assets/capabilities``: whether this account may save uploads."""
    return envelope.success({"enabled": is_subscribed(request.app[STATE], caller(request))})


async def list_assets(request: web.Request) -> web.Response:
    """``GET /v1/assets``."""
    assets = sorted(_library(request).values(), key=lambda a: a.created, reverse=True)
    return envelope.success({"assets": [a.as_json() for a in assets], "limits": LIMITS})


async def delete_asset(request: web.Request) -> web.Response:
    """``DELETE /v1/assets/{id}``."""
    asset = _library(request).pop(request.match_info["id"], None)
    if asset is None:
        return envelope.error(404, "Saved upload not found")
    return envelope.success({"id": asset.id, "deleted": True})


def _prepare_problem(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("sha256"), str) or not _SHA256.match(body["sha256"]):
        return "sha256 must be the file's SHA-256 in lower-case hex"
    size = body.get("bytes")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= LIMITS["fileBytes"]:
        return "Choose a saved upload no larger than 100 MiB."
    if body.get("contentType") not in SAVED_UPLOAD_TYPES:
        return f"contentType {body.get('contentType')!r} cannot be saved"
    name = body.get("name", "Saved upload")
    if not isinstance(name, str) or not 0 < len(name) <= 200:
        return "name must be 1 to 200 characters"
    return None


async def prepare(request: web.Request) -> web.Response:
    """``POST /v1/assets/prepare``: the existing asset, or where to upload a new one."""
    body = await _body(request)
    if body is None:
        return envelope.error(400, "Request body must be a JSON object")
    problem = _prepare_problem(body)
    if problem is not None:
        return envelope.error(400, problem)
    state = request.app[STATE]
    if not is_subscribed(state, caller(request)):
        return subscription_required("saved_uploads")
    library = _library(request)
    now = time.time()
    for asset in library.values():
        if asset.ready and (asset.sha256, asset.content_type) == (
            body["sha256"],
            body["contentType"],
        ):
            asset.used = now
            return envelope.success({**asset.as_json(), "reused": True})
    if len(library) >= MAX_ENTRIES:
        return refused(
            409, f"{QUOTA_MESSAGE} Remove an upload to save another.", 409, {"limit": MAX_ENTRIES}
        )
    asset = SavedAsset(
        id=uuid.uuid4().hex,
        name=body.get("name", "Saved upload"),
        size=body["bytes"],
        content_type=body["contentType"],
        sha256=body["sha256"],
        created=now,
        used=now,
    )
    library[asset.id] = asset
    token = state.storage.issue_upload(
        UploadSlot(
            job_id=_storage_key(asset),
            type=_STORED_AS,
            kind=_kind(asset.content_type),
            content_type=asset.content_type,
        )
    )
    return envelope.success(
        {
            **asset.as_json(),
            "reused": False,
            "uploadUrl": state.upload_url(token, _base(request)),
            "uploadHeaders": {"Content-Type": asset.content_type},
        }
    )


def _storage_key(asset: SavedAsset) -> str:
    return f"saved-{asset.id}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


async def finalize(request: web.Request) -> web.Response:
    """``POST /v1/assets/{id}/finalize``: verify the stored bytes; the asset is then ready."""
    asset = _owned(request)
    if asset is None:
        return envelope.error(404, "Saved upload not found")
    if asset.ready:
        return envelope.success(asset.as_json())
    stored = request.app[STATE].storage.upload(_storage_key(asset), _STORED_AS)
    if stored is None:
        return envelope.error(409, "The file has not been uploaded yet")
    if stored.size != asset.size or _sha256(stored.path) != asset.sha256:
        _library(request).pop(asset.id, None)
        return envelope.error(400, "The uploaded file does not match its checksum")
    asset.ready = True
    asset.used = time.time()
    return envelope.success(asset.as_json())


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            yield chunk


async def bind(request: web.Request) -> web.Response:
    """``POST /v1/assets/{id}/bind``: copy a ready asset into a project's input slot."""
    asset = _owned(request)
    if asset is None:
        return envelope.error(404, "Saved upload not found")
    body = await _body(request)
    if body is None:
        return envelope.error(400, "Request body must be a JSON object")
    project_id, slot_type, slot_id = body.get("projectId"), body.get("type"), body.get("id")
    if not isinstance(project_id, str) or not project_id:
        return envelope.error(400, "projectId is required")
    if not isinstance(slot_type, str) or not (
        _IMAGE_SLOT.match(slot_type) or _MEDIA_SLOT.match(slot_type)
    ):
        return envelope.error(400, f"type {slot_type!r} is not a project input")
    if slot_id is not None and (
        not isinstance(slot_id, str)
        or not _NUMBERED_SLOT.match(slot_id)
        or not slot_id.startswith(slot_type)
    ):
        return envelope.error(400, f"id {slot_id!r} is not a numbered {slot_type} slot")
    if not asset.ready:
        return envelope.error(409, "The saved upload is not ready yet")
    state = request.app[STATE]
    stored = state.storage.upload(_storage_key(asset), _STORED_AS)
    if stored is None:
        return envelope.error(410, "The saved upload's file is gone")
    kind = "image" if _IMAGE_SLOT.match(slot_type) else "media"
    target = UploadSlot(
        job_id=project_id, type=slot_id or slot_type, kind=kind, content_type=asset.content_type
    )
    try:
        await state.storage.receive(target, _chunks(stored.path), asset.content_type)
    except UploadRejected as exc:
        return envelope.error(
            exc.status, f"The saved upload cannot be used as {slot_type}: {exc.message}"
        )
    asset.used = time.time()
    return envelope.success(
        {
            "id": asset.id,
            "projectId": project_id,
            "type": slot_type,
            **({"slot": slot_id} if slot_id else {}),
        }
    )


ROUTES = [
    Route("GET", "/v1/assets/capabilities", capabilities),
    Route("GET", "/v1/assets", list_assets),
    Route("POST", "/v1/assets/prepare", prepare),
    Route("POST", "/v1/assets/{id}/finalize", finalize),
    Route("POST", "/v1/assets/{id}/bind", bind),
    Route("DELETE", "/v1/assets/{id}", delete_asset),
]
