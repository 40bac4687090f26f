"""The benchmark scripts stay runnable: each one loads and answers ``--help``. Their numbers
are read from their own tables, never asserted here (timings do not belong in tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
SCRIPTS = [
    "compare.py",
    "import_time.py",
    "chat_latency.py",
    "upload_memory.py",
    "chaos.py",
    "latency_breakdown.py",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_script_loads(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=BENCHMARKS,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
