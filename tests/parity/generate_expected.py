"""Records what the official npm client sends for every parity case: ``expected.json``.

    python tests/parity/generate_expected.py [--current]

Starts a local Supernet, sends each case of ``cases.json`` through ``run_cases.mjs``
(``@sogni-ai/sogni-client`` 5.1.0 from ``tests/npm``, unmodified; with ``--current``,
``cases_554.json`` through 5.54.0 from ``tests/npm554`` into ``expected_554.json``),
and writes, per case, the jobRequest the server received (without the project id) and the
upload-URL requests it served. ``test_parity.py`` holds the Python client to exactly that.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CURRENT, REFERENCE, load_cases, npm_available, recorded, run_npm  # noqa: E402

from sogni.testing import LocalSupernet  # noqa: E402


def main() -> int:
    """Write the expected records; exit 1 when a case failed in the npm client."""
    corpus = CURRENT if "--current" in sys.argv[1:] else REFERENCE
    if not npm_available(corpus):
        print(f"needs node and `npm ci` in {corpus.npm_dir}", file=sys.stderr)
        return 1
    cases = load_cases(corpus.cases_file)
    expected: dict[str, object] = {}
    failed = []
    with LocalSupernet(api_key="parity-key") as net:
        results = run_npm(net, corpus=corpus)
        for case in cases:
            result = results.get(case["id"], {"error": "no result"})
            if "projectId" not in result:
                failed.append(f"{case['id']}: {result.get('error')}")
                continue
            expected[case["id"]] = recorded(net, result["projectId"])
    corpus.expected_file.write_text(
        json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(expected)} cases to {corpus.expected_file.name}")
    for line in failed:
        print(f"npm client failed: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
