"""Assets the caller hands to a project: files on disk, bytes, or binary file objects.

:func:`prepare_asset` opens an asset just far enough to learn its size and the content type
its first bytes reveal; the resulting :class:`PreparedAsset` then streams the body in chunks
(``iter_chunks`` for the sync client, ``aiter_chunks`` for the async one), so a large video
is never held in memory. :func:`hashed_upload` reads a file once to checksum it before it
is saved in the account's library. Nothing here talks to the network.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from sogni.core.assets import MAX_SAVED_UPLOAD_BYTES, SAVED_UPLOAD_TYPES, AssetRef, HashedUpload
from sogni.core.effects import RemoteAsset
from sogni.core.errors import UploadError, ValidationError
from sogni.core.media_types import SNIFF_BYTES, sniff_content_type

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CHUNK_SIZE",
    "PreparedAsset",
    "check_upload",
    "hashed_upload",
    "prepare_asset",
    "spool",
    "upload_headers",
]


#: Remote assets are buffered in memory up to this size, then in a temporary file.
SPOOL_MEMORY = 8 << 20

#: Bytes read and sent at a time when streaming an asset.
CHUNK_SIZE = 1 << 20


@attrs.define
class PreparedAsset:
    """An asset ready to upload: where its bytes come from, its size and content type.

    ``size`` is ``None`` for a stream whose length cannot be known in advance (it is then
    sent in chunked encoding). A non-seekable stream can be sent only once.
    """

    name: str
    content_type: str | None
    size: int | None
    _path: Path | None = None
    _data: bytes | None = None
    _stream: IO[bytes] | None = None
    _start: int | None = None
    _head: bytes = b""

    def iter_chunks(self, chunk_size: int = CHUNK_SIZE) -> Generator[bytes, None, None]:
        """The body in chunks, read lazily."""
        if self._data is not None:
            view = memoryview(self._data)
            for offset in range(0, len(view), chunk_size):
                yield view[offset : offset + chunk_size].tobytes()
            return
        if self._path is not None:
            with self._path.open("rb") as handle:
                while chunk := handle.read(chunk_size):
                    yield chunk
            return
        yield from self._stream_chunks(chunk_size)

    async def aiter_chunks(self, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The body in chunks; file reads happen in a worker thread, off the event loop."""
        if self._data is not None:
            for chunk in self.iter_chunks(chunk_size):
                yield chunk
            return
        import asyncio  # only the async client streams this way; the sync one never loads it

        loop = asyncio.get_running_loop()
        chunks = self.iter_chunks(chunk_size)
        try:
            while True:
                piece = await loop.run_in_executor(None, _next_chunk, chunks)
                if piece is None:
                    return
                yield piece
        finally:
            chunks.close()

    def _stream_chunks(self, chunk_size: int) -> Generator[bytes, None, None]:
        stream = self._stream
        assert stream is not None
        if self._start is not None:
            stream.seek(self._start)
        else:
            # Not seekable: the bytes read while sniffing come first, and only once.
            head, self._head = self._head, b""
            if head:
                yield head
        while chunk := stream.read(chunk_size):
            yield bytes(chunk)


def _next_chunk(chunks: Generator[bytes, None, None]) -> bytes | None:
    return next(chunks, None)


def _path(source: str | os.PathLike[Any], name: str) -> Path:
    """``source`` as a :class:`Path`; a NUL character can never be part of a file name."""
    try:
        text = os.fspath(source)
    except TypeError as exc:
        raise ValidationError(f"{name}: not a usable path ({exc})", field=name) from None
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\0" in text:
        raise ValidationError(
            f"{name}: a file path cannot contain a NUL character, got {text!r}", field=name
        )
    return Path(text)


def _from_path(path: Path, name: str) -> PreparedAsset:
    try:
        if path.is_dir():
            raise ValidationError(f"{name}: {path} is a directory, not a file", field=name)
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise ValidationError(f"{name}: no such file {str(path)!r}", field=name) from None
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{name}: cannot read {str(path)!r} ({exc})", field=name) from None
    _check_not_empty(size, name)
    return PreparedAsset(name, sniff_content_type(head), size, path=path)


def _from_stream(stream: IO[bytes], name: str) -> PreparedAsset:
    if isinstance(stream, io.TextIOBase):
        raise ValidationError(f"{name}: open the file in binary mode ('rb')", field=name)
    seekable = False
    try:
        seekable = stream.seekable()
    except (AttributeError, ValueError, OSError):
        pass
    try:
        start = stream.tell() if seekable else None
        head = bytes(stream.read(SNIFF_BYTES) or b"")
        size: int | None = None
        if start is not None:
            end = stream.seek(0, io.SEEK_END)
            stream.seek(start)
            size = end - start
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{name}: cannot read the file object ({exc})", field=name) from None
    if isinstance(head, str):
        raise ValidationError(f"{name}: open the file in binary mode ('rb')", field=name)
    if size is not None:
        _check_not_empty(size, name)
    elif not head:
        raise ValidationError(f"{name}: the file object is empty", field=name)
    return PreparedAsset(
        name, sniff_content_type(head), size, stream=stream, start=start, head=head
    )


def _check_not_empty(size: int, name: str) -> None:
    if size == 0:
        raise ValidationError(f"{name}: the file is empty", field=name)


def spool() -> IO[bytes]:
    """A temporary binary file for a fetched remote asset (in memory while it is small)."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115


def prepare_asset(source: Any, name: str) -> PreparedAsset:
    """Open ``source`` for upload (reads at most a few bytes); ``name`` labels errors.

    Raises :class:`~sogni.errors.ValidationError` (with ``field=name``) when the source is
    not something an asset can be, the file is missing or unreadable, or it is empty.
    """
    if isinstance(source, PreparedAsset):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source) if not isinstance(source, bytes) else source
        _check_not_empty(len(data), name)
        return PreparedAsset(name, sniff_content_type(data[:SNIFF_BYTES]), len(data), data=data)
    if isinstance(source, (str, os.PathLike)):
        return _from_path(_path(source, name), name)
    if callable(getattr(source, "read", None)):
        return _from_stream(source, name)
    raise ValidationError(
        f"{name} must be a file path, bytes or a binary file object, got {type(source).__name__}",
        field=name,
    )


def upload_headers(asset: PreparedAsset, content_type: str | None) -> dict[str, str]:
    """Headers of the upload ``PUT``: the content type, and the length whenever it is known
    (presigned storage URLs refuse chunked uploads)."""
    headers = {"Content-Type": content_type} if content_type else {}
    if asset.size is not None:
        headers["Content-Length"] = str(asset.size)
    return headers


def check_upload(response: httpx.Response, name: str) -> None:
    """Raise :class:`~sogni.errors.UploadError` naming the asset unless the upload succeeded."""
    if response.status_code < 300:
        return
    from sogni._runtime.rest import api_error

    error = api_error(response.status_code, response.content, response.reason_phrase)
    raise UploadError(
        f"the upload was refused (HTTP {response.status_code}): {error.message}",
        asset=name,
        status=response.status_code,
        error_code=error.error_code,
    )


def hashed_upload(source: Any, content_type: str | None = None) -> HashedUpload:
    """Read ``source`` (a path, bytes or a binary file object) once to learn its SHA-256 and
    size, which the library checks the stored file against.

    ``content_type`` overrides the type sniffed from the first bytes. Raises
    :class:`~sogni.errors.ValidationError` for an unreadable or empty source, a type the
    library does not take, or a file over :data:`MAX_SAVED_UPLOAD_BYTES`.
    """
    if isinstance(source, (bool, RemoteAsset, AssetRef)):
        raise ValidationError(
            "source must be a file path, bytes or a binary file object", field="source"
        )
    asset = prepare_asset(source, "source")
    kind = content_type or asset.content_type
    if kind not in SAVED_UPLOAD_TYPES:
        raise ValidationError(
            f"source: the library does not take {kind or 'files of an unknown type'}",
            field="source",
            allowed=sorted(SAVED_UPLOAD_TYPES),
        )
    if asset.size is not None and asset.size > MAX_SAVED_UPLOAD_BYTES:
        raise _too_large(asset.size)
    digest = hashlib.sha256()
    size = 0
    # A stream that cannot be read twice is kept in memory for the upload.
    kept: list[bytes] | None = [] if asset._stream is not None and asset._start is None else None
    for chunk in asset.iter_chunks():
        size += len(chunk)
        if size > MAX_SAVED_UPLOAD_BYTES:
            raise _too_large(size)
        digest.update(chunk)
        if kept is not None:
            kept.append(chunk)
    if kept is not None:
        asset = PreparedAsset("source", asset.content_type, size, data=b"".join(kept))
    elif asset.size is None:
        asset.size = size
    return HashedUpload(asset, digest.hexdigest(), size, kind)


def _too_large(size: int) -> ValidationError:
    return ValidationError(
        f"source is {size} bytes; the library takes files up to {MAX_SAVED_UPLOAD_BYTES} bytes",
        field="source",
    )
