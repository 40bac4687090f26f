"""Deterministic prices for the estimate endpoints (render seconds -> USD -> tokens).

The numbers are made up but behave like the network's: cost grows with steps, pixels,
frames, duration and media count; the relaxed network is cheaper; external-API models
charge a fixed fee per item.
"""

from __future__ import annotations

import math
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .catalogue import Catalogue, Model

__all__ = [
    "PriceQuote",
    "audio_quote",
    "image_quote",
    "llm_cost",
    "llm_cost_strings",
    "llm_quote",
    "video_quote",
]

JsonDict = dict[str, Any]

USD_PER_RENDER_SEC = Decimal("0.0005")
SOGNI_PRICE_USD = Decimal("0.005")
SPARK_PRICE_USD = Decimal("0.01")
NETWORK_MULTIPLIER = {"fast": Decimal("1"), "relaxed": Decimal("0.5")}
GPT_QUALITY_MULTIPLIER = {
    "low": Decimal("0.25"),
    "medium": Decimal("1"),
    "high": Decimal("4"),
    "auto": Decimal("1"),
    "standard": Decimal("1"),
    "hd": Decimal("2"),
}
LLM_USD_PER_INPUT_TOKEN = Decimal("0.00000015")
LLM_USD_PER_OUTPUT_TOKEN = Decimal("0.0000006")
QUEUE_WAIT_SEC = 1.5
"""The queue wait estimates report."""


def _text(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP).normalize()
    return format(rounded, "f")


class PriceQuote:
    """Render seconds of one job, expanded into the network's cost shapes."""

    def __init__(
        self,
        model: Model,
        token_type: str,
        network: str,
        job_seconds: Decimal,
        count: int,
        steps: int,
        fixed_usd: Decimal | None = None,
    ) -> None:
        self.model = model
        self.token_type = token_type
        self.network = network if network in NETWORK_MULTIPLIER else "fast"
        self.job_seconds = job_seconds
        self.count = count
        self.steps = steps
        self.fixed_usd = fixed_usd

    def _cost(self, seconds: Decimal, items: int) -> JsonDict:
        if self.fixed_usd is not None:
            usd = self.fixed_usd * items
        else:
            usd = seconds * USD_PER_RENDER_SEC * NETWORK_MULTIPLIER[self.network]
        sogni, spark = usd / SOGNI_PRICE_USD, usd / SPARK_PRICE_USD
        return {
            "costInRenderSec": _text(seconds),
            "costInUSD": _text(usd),
            "costInToken": _text(spark if self.token_type == "spark" else sogni),
            "costInSpark": _text(spark),
            "costInSogni": _text(sogni),
            "calculatedStepCount": self.steps * items,
        }

    def response(self, request: JsonDict) -> JsonDict:
        """The ``EstimationResponse`` body."""
        return {
            "request": {
                "model": self.model.id,
                "name": self.model.name,
                "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                **request,
            },
            "rate": {
                "costPerBaseHQRenderInUSD": _text(USD_PER_RENDER_SEC * 5),
                "tokenMarkePriceUSD": _text(SOGNI_PRICE_USD),
                "costPerRenderSecUSD": _text(USD_PER_RENDER_SEC),
                "costPerRenderSecToken": _text(USD_PER_RENDER_SEC / SOGNI_PRICE_USD),
                "network": self.network,
                "networkCostMultiplier": _text(NETWORK_MULTIPLIER[self.network]),
            },
            "quote": {
                "model": {
                    "weight": "1",
                    "secPerStep": _text(self.job_seconds / max(self.steps, 1)),
                    "secPerPreview": "0.05",
                    "secForCN": "0.3",
                },
                "job": self._cost(self.job_seconds, 1),
                "project": self._cost(self.job_seconds * self.count, self.count),
            },
            "benchmark": self._benchmark(),
        }

    def _benchmark(self) -> JsonDict:
        """Render and queue times, as the network reports them from recent renders (the
        jobs of a project render side by side, so a project takes about one job's time)."""
        render = float(self.job_seconds.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return {
            "estimatedRenderTimeSec": render,
            "medianRenderTimeSec": render,
            "sampleCount": 64,
            "confidence": 0.9,
            "estimatedWaitTimeSec": QUEUE_WAIT_SEC,
            "estimatedTotalTimeSec": round(render + QUEUE_WAIT_SEC, 2),
        }


def _benchmark_seconds(catalogue: Catalogue, model: Model) -> Decimal:
    return Decimal(str(catalogue.tier_of(model).get("benchmark", {}).get("sec", 1)))


def _default_steps(catalogue: Catalogue, model: Model) -> int:
    steps = catalogue.tier_of(model).get("steps")
    return int(steps["default"]) if isinstance(steps, dict) else 1


def image_quote(
    catalogue: Catalogue,
    model: Model,
    *,
    token_type: str,
    network: str,
    count: int,
    steps: int,
    previews: int,
    control_net: bool,
    denoise: float,
    width: int,
    height: int,
    context_images: int = 0,
    gpt_quality: str | None = None,
) -> PriceQuote:
    """Price an image project (v2/v3 image estimate)."""
    if width <= 0 or height <= 0:
        width, height = catalogue.default_image_size(model)
    if model.external:
        fee = Decimal(str(catalogue.tier_of(model).get("modelFeeUSD", 0.04)))
        fee *= GPT_QUALITY_MULTIPLIER.get(gpt_quality or "medium", Decimal("1"))
        fee += Decimal("0.01") * context_images
        return PriceQuote(model, token_type, network, Decimal("20"), count, 1, fixed_usd=fee)
    effective_steps = math.ceil(steps * denoise) if 0 < denoise < 1 else steps
    megapixels = Decimal(width * height) / Decimal(1024 * 1024)
    per_step = _benchmark_seconds(catalogue, model) / max(_default_steps(catalogue, model), 1)
    seconds = per_step * effective_steps * megapixels
    seconds += Decimal("0.05") * previews + (Decimal("0.3") if control_net else 0)
    seconds += Decimal("0.2") * context_images
    return PriceQuote(model, token_type, network, seconds, count, effective_steps)


def video_quote(
    catalogue: Catalogue,
    model: Model,
    *,
    token_type: str,
    width: int,
    height: int,
    frames: int,
    fps: int,
    steps: int | None,
    count: int,
    video_input: bool,
) -> PriceQuote:
    """Price a video project."""
    default_steps = _default_steps(catalogue, model)
    if model.external:
        seconds_of_video = Decimal(max(frames - 1, 1)) / Decimal(max(fps, 1))
        per_second = Decimal("0.06") if "fast" in model.id else Decimal("0.12")
        if video_input:
            per_second *= Decimal("1.5")
        return PriceQuote(
            model,
            token_type,
            "fast",
            seconds_of_video * 2,
            count,
            1,
            fixed_usd=per_second * seconds_of_video,
        )
    pixels = Decimal(width * height) / Decimal(848 * 480)
    step_factor = Decimal(steps or default_steps) / Decimal(max(default_steps, 1))
    seconds = _benchmark_seconds(catalogue, model) * Decimal(frames) / 81 * pixels * step_factor
    return PriceQuote(model, token_type, "fast", seconds, count, steps or default_steps)


def audio_quote(
    catalogue: Catalogue, model: Model, *, token_type: str, duration: float, steps: int, count: int
) -> PriceQuote:
    """Price an audio project."""
    default_steps = _default_steps(catalogue, model)
    seconds = (
        _benchmark_seconds(catalogue, model)
        * Decimal(str(duration))
        / 30
        * Decimal(steps or default_steps)
        / Decimal(max(default_steps, 1))
    )
    return PriceQuote(model, token_type, "fast", seconds, count, steps or default_steps)


def llm_cost(token_type: str, input_tokens: int, output_tokens: int) -> dict[str, Decimal]:
    """USD, SOGNI, Spark and requested-token cost of an LLM job."""
    usd = LLM_USD_PER_INPUT_TOKEN * input_tokens + LLM_USD_PER_OUTPUT_TOKEN * output_tokens
    sogni, spark = usd / SOGNI_PRICE_USD, usd / SPARK_PRICE_USD
    return {
        "costInUSD": usd,
        "costInSogni": sogni,
        "costInSpark": spark,
        "costInToken": spark if token_type == "spark" else sogni,
    }


def llm_cost_strings(token_type: str, input_tokens: int, output_tokens: int) -> JsonDict:
    """The ``cost`` object of ``llmJobResult`` (decimal strings plus token counts)."""
    costs = llm_cost(token_type, input_tokens, output_tokens)
    return {
        **{key: _text(value) for key, value in costs.items()},
        "inputTokens": input_tokens,
        "outputTokens": output_tokens,
    }


def llm_quote(
    model_id: str, *, token_type: str, input_tokens: int, max_output_tokens: int
) -> JsonDict:
    """The LLM estimate response (numbers, not strings)."""
    costs = llm_cost(token_type, input_tokens, max_output_tokens)
    return {
        "request": {
            "model": model_id,
            "inputTokens": input_tokens,
            "maxOutputTokens": max_output_tokens,
            "tokenType": token_type,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        },
        "quote": {
            **{key: float(value) for key, value in costs.items()},
            "inputTokens": input_tokens,
            "outputTokens": max_output_tokens,
        },
    }
