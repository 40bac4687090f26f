"""The import a user waits for: ``from sogni import SogniClient`` and
``from sogni_async import AsyncSogniClient`` against ``import sogni_client``, the official
Python SDK (``sogni-client`` 5.70.0).

    python benchmarks/import_time.py             # 15 runs per statement
    python benchmarks/import_time.py --runs 31   # more runs, steadier numbers
    python benchmarks/import_time.py --check     # exit 1 when a target is missed

The sogni statements run with the current interpreter; ``import sogni_client`` with the
python of the official SDK's cached virtualenv (see ``_bench.py``), built from this same
interpreter, so both sides use the same Python version.

Each sample is a fresh interpreter that times only the statement with
``time.perf_counter``, so interpreter start-up is not counted. The statements take turns,
round after round, so background load falls on all of them alike; one untimed run of each
writes the bytecode caches first. (``import sogni`` alone would not do: it is lazy, and
the client classes load on first access.)

Target: each sogni statement at most half the median time of ``import sogni_client``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import _bench

TARGET_RATIO = 0.5
BASELINE = f"import {_bench.OFFICIAL_MODULE}"
SOGNI_STATEMENTS = ("from sogni import SogniClient", "from sogni_async import AsyncSogniClient")


def main(argv: Sequence[str] | None = None) -> int:
    """Time the imports and print the table; see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="imports per statement (15)")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    here = Path(sys.executable)
    official = _bench.official_python()
    targets = [*((s, here, s) for s in SOGNI_STATEMENTS), (BASELINE, official, BASELINE)]
    samples = _bench.time_statements(targets, args.runs)
    baseline = _bench.median(samples[BASELINE])

    print(
        f"sogni {_bench.installed_version(here, 'sogni')} vs {_bench.OFFICIAL_DISTRIBUTION}"
        f" {_bench.installed_version(official, _bench.OFFICIAL_DISTRIBUTION)},"
        f" Python {sys.version.split()[0]}, {args.runs} runs each\n"
    )
    rows = []
    passed = True
    for statement, times in samples.items():
        median = _bench.median(times)
        ratio = median / baseline
        met = "" if statement == BASELINE else ("met" if ratio <= TARGET_RATIO else "MISSED")
        passed = passed and met != "MISSED"
        rows.append(
            [
                statement,
                f"{median * 1000:.1f}",
                f"{_bench.percentile(times, 0.9) * 1000:.1f}",
                f"{ratio:.2f}x",
                met,
            ]
        )
    print(
        _bench.render_table(
            ["statement", "median ms", "p90 ms", f"vs {BASELINE}", f"<= {TARGET_RATIO}x"],
            rows,
            "<>>><",
        )
    )
    print(f"\nall targets met: {'PASS' if passed else 'FAIL'}")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
