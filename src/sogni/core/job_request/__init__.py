"""The ``jobRequest`` socket message that starts an image, video or audio project.

:func:`build_job_request` turns project parameters (the network's camelCase names) and the
model's :class:`~sogni.core.model_options.ModelOptions` into the message, after checking
every parameter, so a request that cannot succeed fails here, before anything is uploaded
or paid for. The message carries a fixed template of keys older workers still read; its key
order is the one the network's other clients produce.

Assets (starting image, context images, reference media) are passed as presence markers:
any truthy value means "there is one". ``True`` means the asset is already uploaded; any
other value is a file the caller still has to upload, described by :func:`upload_slots`.
After uploading video assets, :func:`add_content_types` records their types.
"""

from __future__ import annotations

from sogni.core._generated.vocabulary import NETWORKS, TOKEN_TYPES
from sogni.core.job_request.audio import TIME_SIGNATURES
from sogni.core.job_request.build import build_job_request
from sogni.core.job_request.common import MAX_NUMBER_OF_MEDIA, OUTPUT_FORMATS, PROJECT_TYPES
from sogni.core.job_request.image import CONTROLNET_MODES, CONTROLNET_NAMES
from sogni.core.job_request.uploads import UploadSlot, add_content_types, upload_slots
from sogni.core.job_request.video import VIDEO_CONTROLNET_NAMES

__all__ = [
    "PROJECT_TYPES",
    "OUTPUT_FORMATS",
    "CONTROLNET_NAMES",
    "VIDEO_CONTROLNET_NAMES",
    "CONTROLNET_MODES",
    "TOKEN_TYPES",
    "NETWORKS",
    "MAX_NUMBER_OF_MEDIA",
    "TIME_SIGNATURES",
    "UploadSlot",
    "build_job_request",
    "upload_slots",
    "add_content_types",
]
