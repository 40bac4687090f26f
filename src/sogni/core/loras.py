"""The limits of the network's LoRA loader, for a network that does not advertise its own.

A LoRA's own strength range (``ui.min``..``ui.max`` in the catalogue) is always narrower and
the network clamps a strength to it; many LoRAs are bipolar, so strengths may be negative.
The SDK refuses before sending only what no LoRA can take: a strength outside the loader's
bounds.
"""

from __future__ import annotations

__all__ = ["MAX_PER_REQUEST", "MAX_STRENGTH", "MIN_STRENGTH"]

MAX_PER_REQUEST = 8
"""LoRAs one render may stack."""

MIN_STRENGTH = -100
"""The loader's lowest strength."""

MAX_STRENGTH = 100
"""The loader's highest strength."""
