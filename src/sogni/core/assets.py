"""The asset values a project and the saved-upload library take, without reading them.

An asset is a file path, bytes, a binary file object, a :class:`~sogni.core.effects.RemoteAsset`
to fetch first, or an :class:`AssetRef` to an upload saved in the account's library. The
runtime reads and streams them (``sogni._runtime.uploads``).
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO, Union

import attrs

from sogni.core.effects import RemoteAsset
from sogni.core.errors import ValidationError

__all__ = [
    "AssetInput",
    "AssetRef",
    "HashedUpload",
    "MAX_SAVED_UPLOAD_BYTES",
    "SAVED_UPLOAD_TYPES",
]


@attrs.frozen
class AssetRef:
    """An upload saved in the account's library (``client.assets``), used by its id.

    Pass it wherever a project takes an asset (``starting_image=AssetRef(asset.id)``): the
    network copies the saved file into the project instead of it being uploaded again.
    ``content_type`` (``asset.content_type``) lets the SDK check the kind of asset before
    anything is sent and record it where the network wants it (video and audio
    references); without it the network decides.
    """

    id: str
    content_type: str | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValidationError(
                "AssetRef needs the saved asset's id (a non-empty string)", field="id"
            )
        if self.content_type is not None and not isinstance(self.content_type, str):
            raise ValidationError(
                "AssetRef content_type must be a string such as 'image/png'", field="content_type"
            )


AssetInput = Union[
    str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO, RemoteAsset, AssetRef, bool
]
"""What an asset parameter accepts: a file path (``str`` or ``pathlib.Path``), the file's
bytes, a binary file object opened for reading (read from its current position), a
:class:`~sogni.core.effects.RemoteAsset` to fetch first, an :class:`AssetRef` to an upload
saved in the account's library, or ``True`` for an asset that is already uploaded for this
project."""

#: Largest upload the saved-upload library takes.
MAX_SAVED_UPLOAD_BYTES = 100 << 20

#: The content types the saved-upload library takes.
SAVED_UPLOAD_TYPES = frozenset({
    "image/png", "image/jpeg", "image/webp",
    "video/mp4", "video/quicktime", "video/webm",
    "audio/mp4", "audio/mpeg", "audio/flac", "audio/wav", "audio/x-wav", "audio/wave",
})  # fmt: skip


@attrs.frozen
class HashedUpload:
    """A file for the saved-upload library: its body, SHA-256 (hex) and size, read once."""

    asset: Any = attrs.field(repr=False)  # the body to upload, as the driver prepared it
    sha256: str
    size: int
    content_type: str
