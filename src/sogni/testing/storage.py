"""Object storage of the emulated network: presigned upload slots and downloadable files.

Uploads are streamed to a temporary directory (never held whole in memory) and keyed by
``(jobId, type)``, the way the network associates them with a later ``jobRequest``.
Published files are either uploads or rendered results; results are rendered on first
download and cached on disk.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import attrs

from .media import MediaSpec, normalise_content_type, sniff
from .media.sniff import IMAGE_TYPES, MEDIA_TYPES

__all__ = ["Storage", "StoredUpload", "UploadRejected", "UploadSlot"]


class UploadRejected(Exception):
    """An upload body was refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@attrs.frozen
class UploadSlot:
    """What a presigned upload URL was issued for."""

    job_id: str
    type: str
    kind: str  # "image" (image endpoint) or "media" (audio/video endpoint)
    content_type: str | None  # declared when the URL was requested, normalised


@attrs.frozen
class StoredUpload:
    """A file a client uploaded through a presigned URL."""

    job_id: str
    type: str
    content_type: str  # the sniffed type (falls back to the declared one)
    declared_content_type: str | None
    size: int
    path: Path

    def read_bytes(self) -> bytes:
        """The uploaded bytes."""
        return self.path.read_bytes()


@attrs.frozen
class Published:
    """A downloadable file behind a presigned GET URL."""

    filename: str
    content_type: str
    upload: StoredUpload | None = None
    spec: MediaSpec | None = None


_CHUNK = 64 * 1024


class Storage:
    """Upload slots, stored uploads and published downloads, under one temporary directory."""

    def __init__(self, max_image_bytes: int, max_media_bytes: int) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sogni-local-supernet-"))
        self.max_image_bytes = max_image_bytes
        self.max_media_bytes = max_media_bytes
        self._lock = threading.Lock()
        self._slots: dict[str, UploadSlot] = {}
        self._uploads: dict[tuple[str, str], StoredUpload] = {}
        self._published: dict[str, Published] = {}
        self._rendered: dict[MediaSpec, Path] = {}
        self._render_locks: dict[MediaSpec, asyncio.Lock] = {}

    # --- uploads -----------------------------------------------------------------------------

    def issue_upload(self, slot: UploadSlot) -> str:
        """Register an upload slot; returns the token of its URL."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._slots[token] = slot
        return token

    def slot(self, token: str) -> UploadSlot | None:
        """The slot a token was issued for."""
        with self._lock:
            return self._slots.get(token)

    async def receive(
        self, slot: UploadSlot, chunks: AsyncIterator[bytes], header_content_type: str | None
    ) -> StoredUpload:
        """Stream an upload body to disk, check it, and store it under its slot."""
        limit = self.max_image_bytes if slot.kind == "image" else self.max_media_bytes
        header_type = normalise_content_type(header_content_type)
        if slot.content_type and header_type and header_type != slot.content_type:
            raise UploadRejected(
                403,
                f"Content-Type {header_type} does not match the signed "
                f"content type {slot.content_type}",
            )
        path = self.root / f"upload-{secrets.token_hex(8)}"
        size = 0
        head = b""
        try:
            with path.open("wb") as handle:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise UploadRejected(413, f"Upload exceeds the {limit} byte limit")
                    if len(head) < 64:
                        head = (head + chunk)[:64]
                    handle.write(chunk)
            self._check(slot, size, head, header_type)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        sniffed = sniff(head)
        stored = StoredUpload(
            job_id=slot.job_id,
            type=slot.type,
            content_type=sniffed or header_type or "application/octet-stream",
            declared_content_type=slot.content_type,
            size=size,
            path=path,
        )
        with self._lock:
            previous = self._uploads.get((slot.job_id, slot.type))
            self._uploads[(slot.job_id, slot.type)] = stored
        if previous is not None:
            previous.path.unlink(missing_ok=True)
        return stored

    @staticmethod
    def _check(slot: UploadSlot, size: int, head: bytes, header_type: str | None) -> None:
        if size == 0:
            raise UploadRejected(400, "Upload body is empty")
        sniffed = sniff(head)
        allowed = IMAGE_TYPES if slot.kind == "image" else MEDIA_TYPES
        what = "an image" if slot.kind == "image" else "audio or video"
        if sniffed is None:
            raise UploadRejected(400, f"Upload is not {what} in a supported format")
        if header_type and header_type != sniffed:
            raise UploadRejected(
                400, f"Content-Type {header_type} does not match the uploaded content ({sniffed})"
            )
        if sniffed not in allowed:
            raise UploadRejected(415, f"Uploaded {sniffed} is not {what}")

    def upload(self, job_id: str, type_: str) -> StoredUpload | None:
        """The upload stored for ``(job_id, type)``, if any."""
        with self._lock:
            return self._uploads.get((job_id.upper(), type_)) or self._uploads.get((job_id, type_))

    def uploads(self) -> list[StoredUpload]:
        """Every stored upload."""
        with self._lock:
            return list(self._uploads.values())

    # --- downloads ---------------------------------------------------------------------------

    def publish(self, item: Published) -> str:
        """Make ``item`` downloadable; returns the token of its URL."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._published[token] = item
        return token

    def published(self, token: str) -> Published | None:
        """The item behind a download token."""
        with self._lock:
            return self._published.get(token)

    async def materialise(self, item: Published) -> Path:
        """The file on disk for ``item``, rendering a result the first time."""
        if item.upload is not None:
            return item.upload.path
        spec = item.spec
        assert spec is not None
        lock = self._render_locks.setdefault(spec, asyncio.Lock())
        async with lock:
            cached = self._rendered.get(spec)
            if cached is not None:
                return cached
            data = await asyncio.get_running_loop().run_in_executor(None, spec.render)
            path = self.root / f"result-{secrets.token_hex(8)}.{spec.extension}"
            path.write_bytes(data)
            self._rendered[spec] = path
            return path

    def cleanup(self) -> None:
        """Delete every stored file."""
        shutil.rmtree(self.root, ignore_errors=True)
