"""Each closed set of values, and each JavaScript rounding rule, is spelt once in the source.

The sets live in ``schemas/vocabulary.json`` and reach the code through
``sogni.core._generated.vocabulary``; a second spelling anywhere under ``src/`` would drift.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "src").rglob("*.py"))


def _spelt(values: list[str]) -> re.Pattern[str]:
    quoted = r"\s*,\s*".join(f"[\"']{re.escape(v)}[\"']" for v in values)
    return re.compile(rf"[\[(]\s*{quoted}\s*,?\s*[\])]")


def test_every_vocabulary_set_is_spelt_once() -> None:
    vocabulary = json.loads((ROOT / "schemas" / "vocabulary.json").read_text("utf-8"))
    for name, entry in vocabulary["vocabulary"].items():
        pattern = _spelt(entry["values"])
        places = [
            f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
            for path in SOURCES
            for text in [path.read_text("utf-8")]
            for m in pattern.finditer(text)
        ]
        assert places == [
            "src/sogni/core/_generated/vocabulary.py:" + places[0].rsplit(":", 1)[1]
        ], (
            name,
            places,
        )


def test_js_round_is_defined_once() -> None:
    definitions = [
        path.relative_to(ROOT).as_posix()
        for path in SOURCES
        for text in [path.read_text("utf-8")]
        if re.search(r"def _?js_round\(|floor\([^)]*\+ 0\.5\)", text)
    ]
    assert definitions == ["src/sogni/core/js.py"]
