"""Plans that sign URLs to upload a project's assets to and to download its media."""

from __future__ import annotations

from typing import Any

from sogni.core.checks import identifier
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import SogniError
from sogni.core.ids import new_id
from sogni.core.plans import Plan


def _signed_url(path: str, query: dict[str, Any], key: str) -> Plan[str]:
    data = yield RestCall("GET", path, query={k: v for k, v in query.items() if v is not None})
    url = data.get(key) if isinstance(data, dict) else None
    if not isinstance(url, str) or not url:
        raise SogniError(f"the network returned no {key}")
    return url


def image_upload_url(
    ctx: CoreContext,
    job_id: str,
    type: str,
    *,
    image_id: str | None = None,
    content_type: str | None = None,
    start_content_type: str | None = None,
) -> Plan[str]:
    """A presigned URL to ``PUT`` an image asset of a project to."""
    query = {
        "imageId": identifier(image_id, "image_id") if image_id is not None else new_id(),
        "jobId": identifier(job_id, "job_id"),
        "type": identifier(type, "type"),
        "startContentType": start_content_type,
        "contentType": content_type,
    }
    return (yield from _signed_url("/v1/image/uploadUrl", query, "uploadUrl"))


def image_download_url(
    ctx: CoreContext,
    job_id: str,
    image_id: str,
    type: str = "complete",
    *,
    content_type: str | None = None,
) -> Plan[str]:
    """A freshly signed URL to download a project's image (a result, preview or asset)."""
    query = {
        "imageId": identifier(image_id, "image_id"),
        "jobId": identifier(job_id, "job_id"),
        "type": identifier(type, "type"),
        "contentType": content_type,
    }
    return (yield from _signed_url("/v1/image/downloadUrl", query, "downloadUrl"))


def media_upload_url(
    ctx: CoreContext,
    job_id: str,
    type: str,
    *,
    id: str | None = None,
    content_type: str | None = None,
) -> Plan[str]:
    """A presigned URL to ``PUT`` an audio or video asset of a project to."""
    query = {
        "id": identifier(id, "id") if id is not None else None,
        "jobId": identifier(job_id, "job_id"),
        "type": identifier(type, "type"),
        "contentType": content_type,
    }
    return (yield from _signed_url("/v1/media/uploadUrl", query, "uploadUrl"))


def media_download_url(
    ctx: CoreContext,
    job_id: str,
    type: str = "complete",
    *,
    id: str | None = None,
    content_type: str | None = None,
    artifact: str | None = None,
) -> Plan[str]:
    """A freshly signed URL to download a project's audio or video (a result or asset)."""
    query = {
        "id": identifier(id, "id") if id is not None else None,
        "jobId": identifier(job_id, "job_id"),
        "type": identifier(type, "type"),
        "contentType": content_type,
        "artifact": artifact,
    }
    return (yield from _signed_url("/v1/media/downloadUrl", query, "downloadUrl"))
