"""The audio part of a ``jobRequest``: music and speech controls."""

from __future__ import annotations

from typing import Any

from sogni.core.checks import choice, number, string
from sogni.core.errors import ValidationError
from sogni.core.families import Rules
from sogni.core.job_request.values import Params, snake
from sogni.core.model_options import ModelOptions, validate_sampler, validate_scheduler

#: Beats per bar an audio project may have.
TIME_SIGNATURES = ("2", "3", "4", "6")


# Documented ranges of audio parameters: (name, min, max, integer).
_AUDIO_RANGES = (
    ("duration", 10, 600, False),
    ("bpm", 30, 300, True),
    ("promptStrength", 0, 10, False),
    ("creativity", 0, 2, False),
    ("shift", 1, 6, False),
)


def apply_audio(
    key_frame: dict[str, Any], p: Params, options: ModelOptions, model_id: str, rules: Rules
) -> None:
    values: dict[str, Any] = {}
    # The documented ranges, not the tier's: a tier may advertise narrower defaults.
    for name, low, high, integer in _AUDIO_RANGES:
        if p.given(name):
            values[name] = number(
                p.get(name), snake(name), minimum=low, maximum=high, integer=integer
            )
    if p.given("timesignature"):
        signature = p.get("timesignature")
        if isinstance(signature, int) and not isinstance(signature, bool):
            signature = str(signature)  # the network takes it as a string
        string(signature, "timesignature")
        choice(signature, "timesignature", TIME_SIGNATURES)
        values["timesignature"] = signature
    for name in ("language", "keyscale", "speaker", "instruct", "referenceText"):
        if p.given(name):
            string(p.get(name), snake(name))
    if p.given("lyrics"):
        string(p.get("lyrics"), "lyrics")
    if p.given("composerMode") and not isinstance(p.get("composerMode"), bool):
        raise ValidationError("composer_mode must be True or False", field="composer_mode")
    if options.raw_tier.get("requiresReferenceAudio") and not p.truthy("referenceAudio"):
        raise ValidationError(
            f"Model {model_id} clones a voice; give reference_audio (a voice sample)",
            field="reference_audio",
        )
    sampler = validate_sampler(p.get("sampler"), options)
    scheduler = validate_scheduler(p.get("scheduler"), options)

    for name in (
        "duration",
        "bpm",
        "timesignature",
        "language",
        "lyrics",
        "keyscale",
        "composerMode",
        "promptStrength",
        "creativity",
        "shift",
        # Speech controls pass through: the network refuses them for models without them.
        "speaker",
        "instruct",
        "referenceText",
    ):
        if p.given(name):
            key_frame[name] = values.get(name, p.get(name))
    if p.truthy("referenceAudio"):
        key_frame["hasReferenceAudio"] = True
    key_frame["comfySampler"] = sampler
    key_frame["comfyScheduler"] = scheduler
