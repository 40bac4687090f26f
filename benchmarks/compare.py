"""sogni (sync and async) against the official Python SDK, ``sogni-client`` 5.70.0, and a
plain receive-and-decode loop, side by side in one run.

    python benchmarks/compare.py                    # the full run, about 5 minutes
    python benchmarks/compare.py --quick            # smaller counts, for development
    python benchmarks/compare.py --json out.json    # also write the table as JSON
    python benchmarks/compare.py --only events,latency --profile prof/

Every scenario gets a fresh local Supernet in a process of its own, and every client runs
in a process of its own (``_drivers.py``), so the CPU time and peak RSS reported are that
client's alone. The official SDK runs from a cached virtualenv (see ``_bench.py``). The run
prints one table with ratios, then which targets are met.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _bench
import attrs

CLIENTS = ("sync", "async", "official", "plain")
#: Seconds of one client's runs of a scenario after which it is not repeated.
REPEAT_BUDGET_S = 10.0
HEADINGS = {
    "sync": "sogni sync",
    "async": "sogni async",
    "official": "official",
    "plain": "plain loop",
}
SOGNI = ("sync", "async")
IMPORTS = {
    "sync": "from sogni import SogniClient",
    "async": "from sogni_async import AsyncSogniClient",
    "official": f"import {_bench.OFFICIAL_MODULE}",
}
WAIT_TIMEOUT = 240
"""Seconds any one wait in a client may take before its run counts as failed."""
SCENARIOS = (
    "events",
    "latency",
    "concurrent",
    "sequential",
    "chat",
    "imports",
    "startup",
    "footprint",
)


@attrs.frozen
class Sizes:
    """How much work each scenario does."""

    media: int = 10
    steps: int = 2000
    events_runs: int = 3
    latency_count: int = 40
    latency_rounds: int = 8
    concurrency: tuple[int, ...] = (10, 100, 1000)
    concurrent_runs: int = 3
    sequential: int = 200
    chat_requests: int = 20
    chat_chunks: int = 2000
    chat_answers: int = 50
    import_runs: int = 15
    startup_runs: int = 7


QUICK = Sizes(
    media=10,
    steps=200,
    events_runs=1,
    latency_count=15,
    latency_rounds=1,
    concurrency=(10, 30, 100),
    concurrent_runs=1,
    sequential=40,
    chat_requests=5,
    chat_chunks=500,
    chat_answers=10,
    import_runs=3,
    startup_runs=2,
)


@attrs.define
class Row:
    """One line of the table: a value per client (``None`` with a note when there is none)."""

    metric: str
    unit: str
    higher_is_better: bool
    values: dict[str, float | None] = attrs.field(factory=dict)
    notes: dict[str, str] = attrs.field(factory=dict)
    digits: int = 1

    def value(self, client: str) -> float | None:
        """The value for ``client``, if there is one."""
        return self.values.get(client)

    def ratio(self, client: str, against: str) -> float | None:
        """``client``'s value over ``against``'s."""
        mine, theirs = self.value(client), self.value(against)
        if mine is None or theirs is None or theirs == 0:
            return None
        return mine / theirs


@attrs.define
class Run:
    """The settings of one run, and what it found."""

    sizes: Sizes
    seed: int
    profile_dir: Path | None
    official: Path
    rows: dict[str, Row] = attrs.field(factory=dict)

    def python(self, client: str) -> Path:
        """The interpreter that runs ``client``."""
        return self.official if client == "official" else Path(sys.executable)

    def row(
        self, key: str, metric: str, unit: str, *, higher_is_better: bool = False, digits: int = 1
    ) -> Row:
        """The row ``key``, added (in table order) the first time it is asked for."""
        if key not in self.rows:
            self.rows[key] = Row(metric, unit, higher_is_better, digits=digits)
        return self.rows[key]

    def measure(
        self, client: str, scenario: str, server: dict[str, Any], tag: str = "", **params: Any
    ) -> dict[str, Any]:
        """Run one scenario for one client; raises ``BenchError`` when it cannot."""
        spec: dict[str, Any] = {"seed": self.seed, "timeout": WAIT_TIMEOUT, **params}
        if self.profile_dir is not None:
            spec["profile"] = str(self.profile_dir / f"{scenario}{tag}-{client}.prof")
        return _bench.measure(
            self.python(client), client, scenario, server, spec, timeout=spec["timeout"] + 60
        )


def short_note(report: dict[str, Any]) -> str | None:
    """The note for a report whose waits returned missing result URLs."""
    short = report.get("short_results")
    if not short:
        return None
    return (
        f"wait_for_completion() returned before every result URL was ready for "
        f"{short[0]} of {short[1]} projects"
    )


def each_client(
    run: Run,
    rows: Sequence[Row],
    fill: Callable[[str, dict[str, Any]], None],
    scenario: str,
    server: dict[str, Any],
    tag: str = "",
    clients: Sequence[str] = CLIENTS,
    **params: Any,
) -> None:
    """Run ``scenario`` for every one of ``clients`` and ``fill`` the rows from each
    report; a client that cannot run gets ``n/a`` and the reason in every one of ``rows``."""
    for client in clients:
        print(f"  {HEADINGS[client]} ...", file=sys.stderr, flush=True)
        try:
            report = run.measure(client, scenario, server, tag, **params)
        except _bench.BenchError as exc:
            for row in rows:
                row.values[client] = None
                row.notes[client] = f"n/a: {exc}"
            continue
        fill(client, report)
        note = short_note(report)
        if note:
            for row in rows:
                row.notes.setdefault(client, note)


# -- scenarios --------------------------------------------------------------------------------


def events(run: Run) -> None:
    """Socket events per second while one project of ``media`` x ``steps`` renders (the
    median of ``events_runs`` runs, the clients taking turns)."""
    sizes = run.sizes
    label = f"{sizes.media} jobs x {sizes.steps:,} steps, median of {sizes.events_runs}"
    wall = run.row(
        "events_wall",
        f"socket events/s, wall ({label})",
        "events/s",
        higher_is_better=True,
        digits=0,
    )
    cpu = run.row(
        "events_cpu",
        "socket events per client CPU-second",
        "events/s",
        higher_is_better=True,
        digits=0,
    )
    rates: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c in CLIENTS}

    def fill(client: str, report: dict[str, Any]) -> None:
        walls, cpus = rates[client]
        walls.append(report["events"] / report["wall_s"])
        cpus.append(report["events"] / report["cpu_s"])
        wall.values[client] = _bench.median(walls)
        cpu.values[client] = _bench.median(cpus)

    for _ in range(sizes.events_runs):
        each_client(
            run,
            [wall, cpu],
            fill,
            "events",
            {"step_delay": 0, "steps": sizes.steps},
            media=sizes.media,
        )


def latencies(report: dict[str, Any]) -> list[float]:
    """Seconds from the server sending each job's final event to the client's return."""
    sent = report["final_sent"]
    return [returned - sent[job] for job, returned in report["returned"].items() if job in sent]


def latency(run: Run) -> None:
    """Final event -> ``wait_for_completion()`` returns, for a model whose result URL comes
    in the event (the same work as the plain loop) and for one whose URL the SDKs fetch:
    the samples of ``latency_rounds`` rounds of ``latency_count`` projects each, the
    clients taking turns (so a slower moment of the machine is shared by all)."""
    sizes = run.sizes
    for key, model, how in (
        ("latency", "gpt-image-2", "URL in the event"),
        ("latency_rest", "z_image_turbo_bf16", "URL fetched over REST"),
    ):
        median = run.row(
            f"{key}_p50", f"final event -> wait returns ({how}), median", "µs", digits=0
        )
        p90 = run.row(f"{key}_p90", f"final event -> wait returns ({how}), p90", "µs", digits=0)
        samples: dict[str, list[float]] = {c: [] for c in CLIENTS}

        def fill(
            client: str,
            report: dict[str, Any],
            median: Row = median,
            p90: Row = p90,
            samples: dict[str, list[float]] = samples,
        ) -> None:
            pooled = samples[client]
            pooled.extend(latencies(report))
            median.values[client] = _bench.median(pooled) * 1e6
            p90.values[client] = _bench.percentile(pooled, 0.9) * 1e6

        for _ in range(sizes.latency_rounds):
            each_client(
                run,
                [median, p90],
                fill,
                "latency",
                {"step_delay": 0},
                tag=key[7:],
                model=model,
                count=sizes.latency_count,
            )


def concurrent(run: Run) -> None:
    """CPU per project and peak RSS with N projects in flight: the median of
    ``concurrent_runs`` runs, the clients taking turns, except that a client whose runs
    of that N have taken ``REPEAT_BUDGET_S`` already runs no more (the official SDK at
    N = 1,000 runs once)."""
    sizes = run.sizes
    for n in sizes.concurrency:
        cpu = run.row(f"cpu_{n}", f"CPU per project, {n:,} concurrent", "ms", digits=2)
        wall = run.row(f"wall_{n}", f"wall, {n:,} concurrent projects", "s", digits=2)
        rss = run.row(f"rss_{n}", f"peak RSS, {n:,} concurrent", "MiB")
        reports: dict[str, list[dict[str, Any]]] = {c: [] for c in CLIENTS}

        def fill(
            client: str,
            report: dict[str, Any],
            n: int = n,
            cpu: Row = cpu,
            wall: Row = wall,
            rss: Row = rss,
            reports: dict[str, list[dict[str, Any]]] = reports,
        ) -> None:
            done = reports[client]
            done.append(report)
            cpu.values[client] = _bench.median(r["cpu_s"] for r in done) / n * 1000
            wall.values[client] = _bench.median(r["wall_s"] for r in done)
            rss.values[client] = _bench.median(r["peak_rss_mib"] for r in done)

        for round_no in range(sizes.concurrent_runs):
            clients = [
                client
                for client, done in reports.items()
                if round_no == 0 or (done and sum(r["wall_s"] for r in done) < REPEAT_BUDGET_S)
            ]
            each_client(
                run,
                [cpu, wall, rss],
                fill,
                "concurrent",
                {"step_delay": 0},
                tag=f"-{n}",
                clients=clients,
                n=n,
            )


def sequential(run: Run) -> None:
    """``sequential`` projects one after another."""
    count = run.sizes.sequential
    wall = run.row("seq_wall", f"{count} sequential projects, wall", "s", digits=2)
    cpu = run.row("seq_cpu", f"{count} sequential projects, CPU", "s", digits=2)

    def fill(client: str, report: dict[str, Any]) -> None:
        wall.values[client] = report["wall_s"]
        cpu.values[client] = report["cpu_s"]

    each_client(run, [wall, cpu], fill, "sequential", {"step_delay": 0}, count=count)


def chat(run: Run) -> None:
    """Chat: request to first token, per-chunk cost, final event to ``create()`` returning."""
    sizes = run.sizes
    first = run.row("chat_first", "chat: request -> first chunk, median", "ms", digits=2)
    chunk_cpu = run.row(
        "chat_chunk_cpu", f"chat: CPU per chunk ({sizes.chat_chunks:,} chunks)", "µs"
    )
    chunk_wall = run.row("chat_chunk_wall", "chat: wall per chunk", "µs")
    final = run.row("chat_final", "chat: final event -> create() returns, median", "µs", digits=0)

    def fill(client: str, report: dict[str, Any]) -> None:
        first.values[client] = _bench.median(report["first_chunk_s"]) * 1000
        chunk_cpu.values[client] = report["chunk_cpu_s"] / report["chunks"] * 1e6
        chunk_wall.values[client] = report["chunk_wall_s"] / report["chunks"] * 1e6
        final.values[client] = _bench.median(latencies(report)) * 1e6

    each_client(
        run,
        [first, chunk_cpu, chunk_wall, final],
        fill,
        "chat",
        {"step_delay": 0},
        requests=sizes.chat_requests,
        chunks=sizes.chat_chunks,
        answers=sizes.chat_answers,
    )


def imports(run: Run) -> None:
    """The user-visible import, each sample in a fresh interpreter."""
    row = run.row("import", "import, median (fresh interpreter)", "ms")
    targets = [(client, run.python(client), statement) for client, statement in IMPORTS.items()]
    print("  " + ", ".join(statement for _, _, statement in targets), file=sys.stderr)
    samples = _bench.time_statements(targets, run.sizes.import_runs)
    for client, times in samples.items():
        row.values[client] = _bench.median(times) * 1000
    row.values["plain"] = None
    row.notes["plain"] = "n/a: no SDK"


def startup(run: Run) -> None:
    """Client construction and the first project, each sample in a fresh process, the
    clients taking turns round after round (as the import timing does)."""
    construct = run.row("construct", "client construction, median", "ms", digits=2)
    first = run.row("first", "first project (connecting included), median", "ms")
    clients = ["sync", "async", "official"]
    reports: dict[str, list[dict[str, Any]]] = {client: [] for client in clients}
    with _bench.Supernet({"step_delay": 0}) as net:
        print("  " + ", ".join(HEADINGS[c] for c in clients) + " ...", file=sys.stderr, flush=True)
        for round_no in range(run.sizes.startup_runs):
            shift = round_no % len(clients)
            for client in [*clients[shift:], *clients[:shift]]:
                if client not in reports:
                    continue  # it failed in an earlier round
                spec = {
                    "client": client,
                    "scenario": "startup",
                    "endpoints": net.endpoints,
                    "seed": run.seed,
                }
                try:
                    reports[client].append(_bench.run_driver(run.python(client), spec))
                except _bench.BenchError as exc:
                    del reports[client]
                    for row in (construct, first):
                        row.values[client] = None
                        row.notes[client] = f"n/a: {exc}"
    for client, done in reports.items():
        construct.values[client] = _bench.median(r["construct_s"] for r in done) * 1000
        first.values[client] = _bench.median(r["first_s"] for r in done) * 1000
    for row in (construct, first):
        row.values["plain"] = None
        row.notes["plain"] = "n/a: no SDK"


def footprint(run: Run) -> None:
    """Bytes installed: the package and everything it requires (no extras)."""
    size = run.row("footprint", "install footprint (package + dependencies)", "MiB")
    count = run.row("distributions", "distributions installed", "", digits=0)
    sogni = _bench.footprint(Path(sys.executable), "sogni", ("sogni", "sogni_async"))
    official = _bench.footprint(run.official, _bench.OFFICIAL_DISTRIBUTION)
    for client, found in (("sync", sogni), ("async", sogni), ("official", official)):
        size.values[client] = found["bytes"] / 2**20
        count.values[client] = len(found["distributions"])
    for row in (size, count):
        row.values["plain"] = None
        row.notes["plain"] = "n/a: no SDK"


STEPS: dict[str, Callable[[Run], None]] = {
    "events": events,
    "latency": latency,
    "concurrent": concurrent,
    "sequential": sequential,
    "chat": chat,
    "imports": imports,
    "startup": startup,
    "footprint": footprint,
}


# -- targets ----------------------------------------------------------------------------------


@attrs.frozen
class Target:
    """One goal for one sogni client: ``ratio`` must be at least (``>=``) or at most
    (``<=``) ``limit``."""

    goal: str
    client: str
    ratio: float | None
    op: str
    limit: float
    reason: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the goal is met; ``None`` when it could not be measured."""
        if self.ratio is None:
            return None
        return self.ratio >= self.limit if self.op == ">=" else self.ratio <= self.limit


def targets(rows: dict[str, Row], sizes: Sizes) -> list[Target]:
    """Every target the run could judge."""
    found: list[Target] = []

    def add(
        goal: str,
        key: str,
        against: str,
        op: str,
        limit: float,
        clients: Sequence[str] = SOGNI,
        key_against: str | None = None,
    ) -> None:
        if key not in rows or (key_against or key) not in rows:
            return
        row, other = rows[key], rows[key_against or key]
        for client in clients:
            mine, theirs = row.value(client), other.value(against)
            ratio = None if mine is None or not theirs else mine / theirs
            reason = row.notes.get(client) or other.notes.get(against, "")
            found.append(Target(goal, client, ratio, op, limit, reason if ratio is None else ""))

    for key, kind in (
        ("events_wall", "socket events/s (wall)"),
        ("events_cpu", "socket events per CPU-second"),
    ):
        add(f"{kind} >= 2x official", key, "official", ">=", 2.0)
        add(f"{kind} >= 0.7x plain loop", key, "plain", ">=", 0.7)
    add(
        "final event -> return <= 1.5x plain loop (median, URL in the event)",
        "latency_p50",
        "plain",
        "<=",
        1.5,
    )
    if len(sizes.concurrency) >= 2:
        low, high = sizes.concurrency[-2], sizes.concurrency[-1]
        for client in SOGNI:
            add(
                f"CPU/project flat from N={low:,} to N={high:,} (<= 1.3x)",
                f"cpu_{high}",
                client,
                "<=",
                1.3,
                clients=[client],
                key_against=f"cpu_{low}",
            )
        top = f"cpu_{high}"
        add(
            f"async CPU/project <= 1.5x sync at N={high:,}",
            top,
            "sync",
            "<=",
            1.5,
            clients=["async"],
        )
        add(f"CPU/project <= 0.5x official at N={high:,}", top, "official", "<=", 0.5)
    add("import <= 0.5x import sogni_client", "import", "official", "<=", 0.5)
    add("construction <= 0.7x official", "construct", "official", "<=", 0.7)
    return found


# -- output -----------------------------------------------------------------------------------


def format_value(value: float | None, digits: int) -> str:
    """A number with thousands separators, or ``n/a``."""
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def format_ratio(ratio: float | None) -> str:
    """``1.23x`` or blank."""
    return "" if ratio is None else f"{ratio:.2f}x"


def table(rows: dict[str, Row]) -> tuple[str, list[str]]:
    """The table, and its numbered notes."""
    notes: list[str] = []
    body = []
    for row in rows.values():
        cells = [f"{row.metric} [{row.unit}]" if row.unit else row.metric]
        for client in CLIENTS:
            cell = format_value(row.value(client), row.digits)
            note = row.notes.get(client)
            if note:
                if note not in notes:
                    notes.append(note)
                cell += f" [{notes.index(note) + 1}]"
            cells.append(cell)
        cells += [
            format_ratio(row.ratio(client, against))
            for against in ("official", "plain")
            for client in SOGNI
        ]
        body.append(cells)
    header = [
        "metric",
        *(HEADINGS[c] for c in CLIENTS),
        "sync/off",
        "async/off",
        "sync/plain",
        "async/plain",
    ]
    return _bench.render_table(header, body), notes


def target_table(found: Sequence[Target]) -> str:
    """Which targets are met."""
    body = []
    for target in found:
        met = {True: "met", False: "MISSED", None: "n/a"}[target.met]
        body.append(
            [
                target.goal,
                HEADINGS[target.client],
                format_ratio(target.ratio) or "n/a",
                met + (f" ({target.reason})" if target.reason else ""),
            ]
        )
    return _bench.render_table(["target", "client", "ratio", "result"], body, "<<><")


def versions(run: Run) -> dict[str, str]:
    """What was measured, on what."""
    here = Path(sys.executable)
    return {
        "sogni": _bench.installed_version(here, "sogni"),
        _bench.OFFICIAL_DISTRIBUTION: _bench.installed_version(
            run.official, _bench.OFFICIAL_DISTRIBUTION
        ),
        "websocket-client": _bench.installed_version(here, "websocket-client"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print the table."""
    cli = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    cli.add_argument("--quick", action="store_true", help="smaller counts, for development")
    cli.add_argument("--json", type=Path, metavar="PATH", help="also write the results here")
    cli.add_argument("--seed", type=int, default=1, help="seeds prompts and project seeds")
    cli.add_argument(
        "--only", metavar="LIST", help="comma-separated scenarios to run: " + ", ".join(SCENARIOS)
    )
    cli.add_argument(
        "--profile", type=Path, metavar="DIR", help="write a cProfile file per client run into DIR"
    )
    args = cli.parse_args(argv)
    chosen = SCENARIOS if not args.only else tuple(args.only.split(","))
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        cli.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    run = Run(
        sizes=QUICK if args.quick else Sizes(),
        seed=args.seed,
        profile_dir=args.profile,
        official=_bench.official_python(),
    )
    meta = versions(run)
    started = datetime.datetime.now()
    for name in SCENARIOS:
        if name in chosen:
            print(f"{name} ...", file=sys.stderr, flush=True)
            STEPS[name](run)
    elapsed = (datetime.datetime.now() - started).total_seconds()

    text, notes = table(run.rows)
    found = targets(run.rows, run.sizes)
    print(
        f"sogni {meta['sogni']} vs {_bench.OFFICIAL_DISTRIBUTION} "
        f"{meta[_bench.OFFICIAL_DISTRIBUTION]} vs a websocket-client "
        f"{meta['websocket-client']} loop; Python {meta['python']}, {meta['cpus']} CPUs, "
        f"load {meta['load average at start']}; seed {args.seed}"
        f"{', quick' if args.quick else ''}; {elapsed:.0f} s"
    )
    print()
    print(text)
    for number, note in enumerate(notes, 1):
        print(f"[{number}] {note}")
    print()
    print(target_table(found))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "meta": {
                        **meta,
                        "seed": args.seed,
                        "quick": args.quick,
                        "seconds": elapsed,
                        "sizes": attrs.asdict(run.sizes),
                    },
                    "rows": {key: attrs.asdict(row) for key, row in run.rows.items()},
                    "targets": [{**attrs.asdict(t), "met": t.met} for t in found],
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
