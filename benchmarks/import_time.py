"""Compare the import time of ``sogni`` with the official async SDK, ``sogni_client``.

Run it from the repository root with the interpreter that has ``sogni`` installed::

    python benchmarks/import_time.py             # 15 runs per module
    python benchmarks/import_time.py --runs 31   # more runs, steadier numbers
    python benchmarks/import_time.py --check     # exit 1 when the target is missed

``sogni`` and ``sogni_async`` are imported with the current interpreter. ``sogni_client``
(PyPI package ``sogni-client``) is imported with the python of a separate virtualenv,
``benchmarks/.venv-sogni-client``, which is created on the first run from the current
interpreter (so both sides use the same Python version) and reused afterwards.

Each sample is one fresh interpreter process that times only the ``import`` statement with
``time.perf_counter``, so interpreter start-up is not counted. The modules are measured in
turn, round after round, so that background noise on the machine falls on all of them alike.
One untimed warm-up import per module writes the bytecode caches first.

The target is ``import sogni`` taking at most half the median time of ``import sogni_client``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
CLIENT_VENV = HERE / ".venv-sogni-client"
CLIENT_PACKAGE = "sogni-client"
BASELINE = "sogni_client"
TARGET_RATIO = 0.5

TIMER = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


@attrs.frozen
class Target:
    """One module to import, and the interpreter that imports it."""

    module: str
    python: Path


@attrs.frozen
class Result:
    """The import times of one module, in milliseconds."""

    module: str
    samples_ms: list[float]

    @property
    def median_ms(self) -> float:
        """The median import time."""
        return statistics.median(self.samples_ms)

    @property
    def p90_ms(self) -> float:
        """The 90th percentile import time (nearest rank)."""
        ordered = sorted(self.samples_ms)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


def venv_python(env_dir: Path) -> Path:
    """Return the path of the python executable inside a virtualenv."""
    if sys.platform == "win32":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def ensure_client_venv(env_dir: Path) -> Path:
    """Create the virtualenv with ``sogni-client`` unless a working one is already there.

    A cached virtualenv is reused only when it imports ``sogni_client`` and runs the same
    Python version as this interpreter; otherwise it is built anew.
    """
    python = venv_python(env_dir)
    usable = f"import sys, {BASELINE}; sys.exit(sys.version != {sys.version!r})"
    if python.exists() and _run(python, usable, check=False).returncode == 0:
        return python
    print(f"creating {env_dir} with {CLIENT_PACKAGE} installed ...", file=sys.stderr)
    venv.EnvBuilder(clear=True, with_pip=True).create(env_dir)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            CLIENT_PACKAGE,
        ],
        check=True,
    )
    return python


def installed_version(python: Path, distribution: str) -> str:
    """Return the version of an installed distribution, as seen by ``python``."""
    code = f"from importlib.metadata import version; print(version({distribution!r}))"
    return _run(python, code).stdout.strip()


def time_import(target: Target) -> float:
    """Import ``target.module`` once in a fresh process; return the time taken in ms."""
    return float(_run(target.python, TIMER.format(module=target.module)).stdout) * 1000


def measure(targets: Sequence[Target], runs: int) -> list[Result]:
    """Time every target ``runs`` times, round-robin, after one warm-up import each."""
    for target in targets:
        time_import(target)
    samples: dict[str, list[float]] = {target.module: [] for target in targets}
    for round_no in range(runs):
        # Rotate the starting module too, so none always runs right after another.
        shift = round_no % len(targets)
        for target in [*targets[shift:], *targets[:shift]]:
            samples[target.module].append(time_import(target))
    return [Result(module, times) for module, times in samples.items()]


def format_table(results: Sequence[Result], baseline: Result) -> str:
    """Render the results as a plain-text table with ratios against ``baseline``."""
    lines = [f"{'module':<14} {'median ms':>10} {'p90 ms':>10} {'vs ' + baseline.module:>16}"]
    for result in results:
        ratio = result.median_ms / baseline.median_ms
        lines.append(
            f"{result.module:<14} {result.median_ms:>10.2f} {result.p90_ms:>10.2f} {ratio:>15.2f}x"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="imports per module (default 15)")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when the target is missed"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    here = Path(sys.executable)
    client_python = ensure_client_venv(CLIENT_VENV)
    targets = [
        Target("sogni", here),
        Target("sogni_async", here),
        Target(BASELINE, client_python),
    ]
    results = measure(targets, args.runs)
    by_module = {result.module: result for result in results}
    baseline = by_module[BASELINE]

    print(
        f"sogni {installed_version(here, 'sogni')} vs {CLIENT_PACKAGE}"
        f" {installed_version(client_python, CLIENT_PACKAGE)},"
        f" Python {sys.version.split()[0]}, {args.runs} runs each"
    )
    print()
    print(format_table(results, baseline))
    print()
    passed = by_module["sogni"].median_ms <= TARGET_RATIO * baseline.median_ms
    print(f"import sogni <= {TARGET_RATIO}x import {BASELINE}: {'PASS' if passed else 'FAIL'}")
    return 1 if args.check and not passed else 0


def _run(python: Path, code: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    # -I keeps PYTHONPATH, the user site and the current directory out of the measurement.
    completed = subprocess.run(
        [str(python), "-I", "-c", code], capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        raise SystemExit(f"{python} -c {code!r} failed:\n{completed.stderr}")
    return completed


if __name__ == "__main__":
    sys.exit(main())
