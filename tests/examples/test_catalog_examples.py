"""The LoRA, saved-upload, subscription, announcement and replay examples run against the
embedded local Supernet (no API key) and print what they read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: script, extra arguments, lines its output must contain, images it must write
CASES = [
    (
        "loras.py",
        ["--lora", "krea2-warm-light", "--strength", "-1.5"],
        [
            "LoRA(s) for krea2_turbo_fp8_scaled (at most 5 per render):",
            "krea2-warm-light: Warm Light, strength -2 to 2, default 0 "
            "[Cooler & Darker .. Warmer & Golden]",
            "rendering with krea2-warm-light at -1.5",
            "100%",
        ],
        1,
    ),
    (
        "saved_uploads.py",
        [],
        [
            "checkout: http",
            "saved again: reused, nothing sent",
            "the library holds 1 upload(s)",
            "100%",
            "from the library",
        ],
        1,
    ),
    (
        "subscription.py",
        ["--checkout", "unlimited_pro", "annual", "--portal"],
        [
            "plan unlimited_pro (annual): Unlimited Pro (annual), $500",
            "subscription: none (active: False)",
            "free trial: eligible",
            "subscription: trialing unlimited_pro (annual) until",
            "trial credits: 0 of 50",
            "billing portal: http",
        ],
        0,
    ),
    (
        "announcements.py",
        ["--platform", "sogni-mac", "--dismiss", "ann-new-loras"],
        [
            "dismissed ann-new-loras",
            "2 announcement(s):",
            "[warn] ann-maintenance: Scheduled maintenance (banner, pinned)",
            "-> Status page: https://status.sogni.ai",
            "ann-mac-update",
        ],
        0,
    ),
    (
        "replay_records.py",
        ["Why is the sky blue?"],
        ["(redacted: False)", "2 round(s), asked 'Why is the sky blue?'", "read back: "],
        0,
    ),
]


@pytest.mark.parametrize(
    ("script", "args", "expected", "images"), CASES, ids=[case[0] for case in CASES]
)
def test_catalog_example_runs_locally(
    script: str, args: list[str], expected: list[str], images: int, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOGNI_API_KEY"}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "local Supernet" in proc.stdout
    for line in expected:
        assert line in proc.stdout, (line, proc.stdout)
    written = sorted(tmp_path.glob("*.png"))
    assert len(written) == images, proc.stdout
    for path in written:
        with Image.open(path) as image:
            image.load()
            assert image.width > 0
