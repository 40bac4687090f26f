"""The chat latency benchmark runs and reports both measurements for both clients."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "chat_latency.py"


def test_benchmark_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("chat_latency", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["chat_latency"] = module
    try:
        spec.loader.exec_module(module)
        assert module.main(["--runs", "30", "--chunks", "2000", "--repeat", "1"]) == 0
        samples = module.sync_latency(5)
        assert len(samples) == 5 and all(0 < s < 0.5 for s in samples)
        assert 0 < module.sync_chunk_cost(500) < 0.01
    finally:
        sys.modules.pop("chat_latency", None)
    out = capsys.readouterr().out
    assert "SogniClient" in out and "AsyncSogniClient" in out
    assert "all targets met:" in out
