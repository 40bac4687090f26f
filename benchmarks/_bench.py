"""Plumbing shared by the benchmarks (standard library only: the official SDK's
virtualenv imports it too).

* the official Python SDK, ``sogni-client`` 5.70.0, in a cached virtualenv of its own;
* import statements timed in fresh interpreters;
* a local Supernet in a process of its own (``_supernet.py``), asked over a pipe what it
  sent and when;
* client runs in processes of their own (``_drivers.py``), so each one's CPU time and peak
  RSS are its own;
* medians, percentiles, install footprints and plain-text tables.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import venv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

HERE = Path(__file__).resolve().parent
SUPERNET_SCRIPT = HERE / "_supernet.py"
DRIVERS_SCRIPT = HERE / "_drivers.py"

OFFICIAL_DISTRIBUTION = "sogni-client"
OFFICIAL_VERSION = "5.70.0"
OFFICIAL_MODULE = "sogni_client"

TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


class BenchError(RuntimeError):
    """A benchmark step could not run; the message says which and why."""


# -- the official SDK's virtualenv ---------------------------------------------------------------


def cache_dir() -> Path:
    """Where cached virtualenvs live: ``$SOGNI_BENCH_CACHE``, else ``~/.cache/sogni-bench``
    (``$XDG_CACHE_HOME/sogni-bench`` when that is set)."""
    explicit = os.environ.get("SOGNI_BENCH_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sogni-bench"


def venv_python(env_dir: Path) -> Path:
    """The python executable inside a virtualenv."""
    if sys.platform == "win32":
        return env_dir / "Scripts" / "python.exe"
    return env_dir / "bin" / "python"


def official_python() -> Path:
    """The python of a virtualenv holding exactly ``sogni-client==5.70.0`` and its
    dependencies, created on first use (needs PyPI) from this interpreter, so both sides
    run the same Python. Reused while it imports the pinned release with this Python."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    env_dir = cache_dir() / f"{OFFICIAL_DISTRIBUTION}-{OFFICIAL_VERSION}-py{version}"
    python = venv_python(env_dir)
    usable = (
        "import sys; from importlib.metadata import version; import " + OFFICIAL_MODULE + "; "
        f"sys.exit(version({OFFICIAL_DISTRIBUTION!r}) != {OFFICIAL_VERSION!r}"
        f" or sys.version != {sys.version!r})"
    )
    if python.exists() and run_code(python, usable, check=False).returncode == 0:
        return python
    print(
        f"creating {env_dir} with {OFFICIAL_DISTRIBUTION}=={OFFICIAL_VERSION} ...", file=sys.stderr
    )
    venv.EnvBuilder(clear=True, with_pip=True).create(env_dir)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"{OFFICIAL_DISTRIBUTION}=={OFFICIAL_VERSION}",
        ],
        check=True,
    )
    return python


def installed_version(python: Path, distribution: str) -> str:
    """The version of ``distribution`` as ``python`` sees it."""
    code = f"from importlib.metadata import version; print(version({distribution!r}))"
    return run_code(python, code).stdout.strip()


def run_code(python: Path, code: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh, isolated interpreter (``-I``: no PYTHONPATH, user site or
    current directory)."""
    completed = subprocess.run(
        [str(python), "-I", "-c", code], capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        raise BenchError(f"{python} -c {code!r} failed:\n{completed.stderr}")
    return completed


# -- fresh-interpreter timing -------------------------------------------------------------------


def time_statement(python: Path, statement: str) -> float:
    """Seconds ``statement`` takes in a fresh interpreter (start-up not counted)."""
    return float(run_code(python, TIMER.format(statement=statement)).stdout)


def time_statements(targets: Sequence[tuple[str, Path, str]], runs: int) -> dict[str, list[float]]:
    """Time each ``(name, python, statement)`` ``runs`` times, in seconds.

    One untimed run each first writes the bytecode caches. Then the targets take turns,
    round after round, each round starting one further along, so background load falls on
    all of them alike and none always runs right after the same other one.
    """
    for _, python, statement in targets:
        time_statement(python, statement)
    samples: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    for round_no in range(runs):
        shift = round_no % len(targets)
        for name, python, statement in [*targets[shift:], *targets[:shift]]:
            samples[name].append(time_statement(python, statement))
    return samples


# -- the local Supernet in its own process -------------------------------------------------------


class Supernet:
    """A ``LocalSupernet`` running in a child process (``_supernet.py``).

    ``options`` are ``LocalSupernet`` keyword arguments. Use as a context manager; ask it
    things with :meth:`ask`.
    """

    def __init__(
        self, options: Mapping[str, Any] | None = None, python: Path | None = None
    ) -> None:
        self.options = dict(options or {})
        self._python = python or Path(sys.executable)
        self._proc: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> Supernet:
        self._proc = subprocess.Popen(
            [str(self._python), "-E", "-s", str(SUPERNET_SCRIPT), json.dumps(self.options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait(timeout=10)
            raise BenchError(f"the local Supernet did not start (exit {self._proc.returncode})")
        self.info = json.loads(line)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.write(json.dumps({"op": "stop"}) + "\n")
                proc.stdin.flush()
                proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()

    def ask(self, op: str, **args: Any) -> Any:
        """Send one request (see ``_supernet.py``) and return its answer."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise BenchError("the local Supernet is not running")
        proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise BenchError(f"the local Supernet exited while answering {op!r}")
        answer = json.loads(line)
        if "error" in answer:
            raise BenchError(f"the local Supernet failed {op!r}: {answer['error']}")
        return answer["result"]

    @property
    def endpoints(self) -> dict[str, str]:
        """``api_key``, ``rest_endpoint`` and ``socket_endpoint`` for a client."""
        return {
            "api_key": self.info["api_key"],
            "rest_endpoint": self.info["rest_url"],
            "socket_endpoint": self.info["socket_url"],
        }


# -- clients in their own processes --------------------------------------------------------------


def run_driver(python: Path, spec: Mapping[str, Any], timeout: float = 300) -> dict[str, Any]:
    """Run one client scenario in a fresh process (``_drivers.py``); return its JSON report.

    Raises :class:`BenchError` with the last line of the child's error output when it fails.
    """
    try:
        proc = subprocess.run(
            [str(python), "-E", "-s", str(DRIVERS_SCRIPT), json.dumps(spec)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {timeout:g} s") from None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        raise BenchError(lines[-1].strip() if lines else f"exit status {proc.returncode}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def measure(
    python: Path,
    client: str,
    scenario: str,
    server: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    timeout: float = 300,
) -> dict[str, Any]:
    """Run ``scenario`` of ``client`` against a fresh local Supernet started with ``server``
    options, and add what the network saw to the child's report.

    The child lists the jobs it ran (``jobs``); the server adds how many events it sent for
    them (``events``) and when it sent each one's final event (``final_sent``), on the same
    wall clock as the child's ``returned`` times.
    """
    with Supernet(server) as net:
        spec = {
            "client": client,
            "scenario": scenario,
            "endpoints": net.endpoints,
            **(params or {}),
        }
        report = run_driver(python, spec, timeout)
        jobs = report.get("jobs")
        if jobs:
            report.update(net.ask("sent", jobs=jobs))
    return report


# -- statistics and footprints -------------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    """The median."""
    return statistics.median(values)


def percentile(values: Iterable[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in (0, 1])."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


FOOTPRINT = r"""
import json, sys
from importlib import metadata, util
from pathlib import Path
try:
    from pip._vendor.packaging.requirements import Requirement
except ImportError:
    from packaging.requirements import Requirement

def requirements(dist):
    for text in dist.requires or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            yield req.name

def size(dist):
    direct = dist.read_text("direct_url.json")
    if direct and json.loads(direct).get("dir_info", {}).get("editable"):
        total = 0
        for name in (dist.read_text("top_level.txt") or "").split() or PACKAGES:
            spec = util.find_spec(name)
            for root in spec.submodule_search_locations or []:
                for path in Path(root).rglob("*"):
                    if path.is_file() and "__pycache__" not in path.parts:
                        total += path.stat().st_size
        return total
    total = 0
    for file in dist.files or []:
        if "__pycache__" in file.parts or file.suffix == ".pyc":
            continue
        path = Path(dist.locate_file(file))
        if path.is_file():
            total += path.stat().st_size
    return total

PACKAGES = sys.argv[2:]
seen, todo, total = set(), [sys.argv[1]], 0
while todo:
    name = todo.pop().lower().replace("_", "-")
    if name in seen:
        continue
    seen.add(name)
    dist = metadata.distribution(name)
    total += size(dist)
    todo.extend(requirements(dist))
print(json.dumps({"bytes": total, "distributions": sorted(seen)}))
"""


def footprint(python: Path, distribution: str, packages: Sequence[str] = ()) -> dict[str, Any]:
    """Bytes on disk of ``distribution`` and everything it requires (no extras), as
    installed for ``python``, bytecode caches left out; and the distributions counted.

    An editable install is measured by its package folders (``packages``)."""
    completed = subprocess.run(
        [str(python), "-I", "-c", FOOTPRINT, distribution, *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"footprint of {distribution}: {completed.stderr.strip()[-300:]}")
    return dict(json.loads(completed.stdout))


# -- tables ----------------------------------------------------------------------------------


def render_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None
) -> str:
    """A plain-text table; ``align`` has one ``<`` or ``>`` per column (default: first
    column left, the rest right)."""
    align = align or "<" + ">" * (len(header) - 1)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            f"{cell:{a}{w}}" for cell, a, w in zip(cells, align, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
