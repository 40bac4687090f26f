"""LLM model information from the ``swarmLLMModels`` socket event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sogni.core.js import is_finite_number

__all__ = [
    "LLMParamConstraint",
    "LLMSamplingDefaults",
    "LLMModelInfo",
    "parse_llm_models",
    "CONSTRAINED_PARAMS",
]


def _num(value: Any) -> float | int | None:
    return value if is_finite_number(value) else None


@attrs.frozen
class LLMParamConstraint:
    """The allowed range and default of one sampling parameter for a model.

    ``thinking_complex_default`` (only for ``max_tokens``) is the default used when
    thinking is on and the task profile is ``coding`` or ``reasoning``.
    """

    min: float | None = None
    max: float | None = None
    default: float | None = None
    decimals: int | None = None
    thinking_complex_default: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LLMParamConstraint:
        """Parse ``{min, max, decimals?, default, thinkingComplexDefault?}``."""
        decimals = _num(data.get("decimals"))
        return cls(
            min=_num(data.get("min")),
            max=_num(data.get("max")),
            default=_num(data.get("default")),
            decimals=int(decimals) if decimals is not None else None,
            thinking_complex_default=_num(data.get("thinkingComplexDefault")),
        )

    def allows(self, value: float) -> bool:
        """Whether ``value`` lies inside the range (missing bounds do not restrict)."""
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        """The range in words, for error messages."""
        if self.min is not None and self.max is not None:
            return f"{_fmt(self.min)} to {_fmt(self.max)}"
        if self.min is not None:
            return f"at least {_fmt(self.min)}"
        if self.max is not None:
            return f"at most {_fmt(self.max)}"
        return "any value"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@attrs.frozen
class LLMSamplingDefaults:
    """Recommended sampling settings for one thinking mode of a model."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: float | None = None
    min_p: float | None = None
    repetition_penalty: float | None = None
    presence_penalty: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LLMSamplingDefaults:
        """Parse the wire object (keys are already snake_case)."""
        return cls(**{field.name: _num(data.get(field.name)) for field in attrs.fields(cls)})


_CONSTRAINT_KEYS = {
    "maxOutputTokens": "max_output_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "top_k": "top_k",
    "min_p": "min_p",
    "repetition_penalty": "repetition_penalty",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}
_DEFAULTS_KEYS = {
    "defaultsThinking": "defaults_thinking",
    "defaultsThinkingCoding": "defaults_thinking_coding",
    "defaultsNonThinking": "defaults_non_thinking",
    "defaultsNonThinkingReasoning": "defaults_non_thinking_reasoning",
}

#: Request parameter name -> :class:`LLMModelInfo` attribute holding its constraint.
CONSTRAINED_PARAMS: Mapping[str, str] = {
    "max_tokens": "max_output_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "top_k": "top_k",
    "min_p": "min_p",
    "repetition_penalty": "repetition_penalty",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}


@attrs.frozen
class LLMModelInfo:
    """What the network says about one LLM: worker count, limits and parameter ranges.

    Older servers send only a worker count; then every other attribute is ``None``.
    ``extra`` keeps fields this SDK does not know yet.
    """

    workers: int = 0
    max_context_length: int | None = None
    max_output_tokens: LLMParamConstraint | None = None
    temperature: LLMParamConstraint | None = None
    top_p: LLMParamConstraint | None = None
    top_k: LLMParamConstraint | None = None
    min_p: LLMParamConstraint | None = None
    repetition_penalty: LLMParamConstraint | None = None
    frequency_penalty: LLMParamConstraint | None = None
    presence_penalty: LLMParamConstraint | None = None
    defaults_thinking: LLMSamplingDefaults | None = None
    defaults_thinking_coding: LLMSamplingDefaults | None = None
    defaults_non_thinking: LLMSamplingDefaults | None = None
    defaults_non_thinking_reasoning: LLMSamplingDefaults | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_wire(cls, value: Any) -> LLMModelInfo:
        """Parse one value of the ``swarmLLMModels`` map (a number or an info object)."""
        if is_finite_number(value):
            return cls(workers=int(value))
        if not isinstance(value, Mapping):
            return cls()
        kwargs: dict[str, Any] = {}
        workers = _num(value.get("workers"))
        kwargs["workers"] = int(workers) if workers is not None else 0
        context = _num(value.get("maxContextLength"))
        kwargs["max_context_length"] = int(context) if context is not None else None
        for key, attr in _CONSTRAINT_KEYS.items():
            raw = value.get(key)
            if isinstance(raw, Mapping):
                kwargs[attr] = LLMParamConstraint.from_dict(raw)
        for key, attr in _DEFAULTS_KEYS.items():
            raw = value.get(key)
            if isinstance(raw, Mapping):
                kwargs[attr] = LLMSamplingDefaults.from_dict(raw)
        known = {"workers", "maxContextLength", *_CONSTRAINT_KEYS, *_DEFAULTS_KEYS}
        kwargs["extra"] = {k: v for k, v in value.items() if k not in known}
        return cls(**kwargs)

    def constraint(self, param: str) -> LLMParamConstraint | None:
        """The constraint for request parameter ``param`` (e.g. ``"max_tokens"``), if any."""
        attr = CONSTRAINED_PARAMS.get(param)
        return getattr(self, attr) if attr is not None else None


def parse_llm_models(payload: Mapping[str, Any]) -> dict[str, LLMModelInfo]:
    """Parse a ``swarmLLMModels`` payload into ``{model_id: LLMModelInfo}``.

    Accepts both wire forms: ``{id: worker_count}`` (legacy) and ``{id: {workers, ...}}``.
    The result replaces any previously known map as a whole.
    """
    return {str(model_id): LLMModelInfo.from_wire(value) for model_id, value in payload.items()}
