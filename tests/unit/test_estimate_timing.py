"""Cost estimates carry the network's expected render and total times and the daily
fair-use share when it sends them, and leave them out otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from sogni.core.estimates import parse_estimate

PROJECT = {"costInToken": "1.5", "costInUSD": "0.01", "costInSpark": "1.5", "costInSogni": "2"}


def _body(**sections: Any) -> dict[str, Any]:
    return {"quote": {"project": PROJECT}, **sections}


def test_the_benchmark_and_fair_use_become_seconds_and_a_percentage() -> None:
    estimate = parse_estimate(
        _body(
            benchmark={
                "estimatedRenderTimeSec": 4,
                "medianRenderTimeSec": 4.2,
                "sampleCount": 9,
                "confidence": 0.8,
                "estimatedWaitTimeSec": 2.5,
                "estimatedTotalTimeSec": 6.5,
            },
            dailyFairUse={"pct": 12.5},
        )
    )
    assert (estimate.token, estimate.usd) == ("1.5", "0.01")
    assert estimate.estimated_render_seconds == 4.0
    assert estimate.estimated_total_seconds == 6.5
    assert estimate.daily_fair_use_pct == 12.5


def test_without_a_benchmark_the_times_are_unknown() -> None:
    estimate = parse_estimate(_body())
    assert estimate.estimated_render_seconds is None
    assert estimate.estimated_total_seconds is None
    assert estimate.daily_fair_use_pct is None


@pytest.mark.parametrize("value", ["4", True, -1, float("nan"), None, [4]])
def test_unusable_times_are_dropped(value: Any) -> None:
    estimate = parse_estimate(_body(benchmark={"estimatedRenderTimeSec": value}))
    assert estimate.estimated_render_seconds is None
