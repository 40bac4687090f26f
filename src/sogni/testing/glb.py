"""A small, valid binary glTF (GLB) file: what the 3D tools of the local Supernet return."""

from __future__ import annotations

import json
import struct

__all__ = ["GLB_MIME", "glb_bytes"]

GLB_MIME = "model/gltf-binary"

_MAGIC = 0x46546C67  # "glTF"
_JSON_CHUNK = 0x4E4F534A  # "JSON"
_BIN_CHUNK = 0x004E4942  # "BIN\0"

# One triangle: three float32 positions.
_POSITIONS = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)


def glb_bytes(label: str = "") -> bytes:
    """A GLB holding one triangle mesh; ``label`` goes into the asset's ``extras``."""
    document = {
        "asset": {"version": "2.0", "generator": "sogni.testing", "extras": {"label": label}},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 3,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [1, 1, 0],
            }
        ],
        "bufferViews": [{"buffer": 0, "byteLength": len(_POSITIONS)}],
        "buffers": [{"byteLength": len(_POSITIONS)}],
    }
    text = json.dumps(document, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)  # chunks are 4-byte aligned; JSON pads with spaces
    chunks = (
        struct.pack("<II", len(text), _JSON_CHUNK)
        + text
        + struct.pack("<II", len(_POSITIONS), _BIN_CHUNK)
        + _POSITIONS
    )
    return struct.pack("<III", _MAGIC, 2, 12 + len(chunks)) + chunks
