"""Peak memory of uploading a 1 GiB reference video: the file must stream, not load.

    python benchmarks/upload_memory.py [--size-mib 1024]

A local Supernet (in a process of its own, see ``_bench.py``) receives the upload and
streams it to disk. The client runs in a child process per driver (sync and async) so its
memory is measured alone: the
child resets its peak-RSS counter (``/proc/self/clear_refs``) once connected, creates an
animate-move video project whose ``reference_video`` is a path to the (sparse) 1 GiB file,
and reports its peak RSS (``VmHWM``) growth. Linux only. Target: under 64 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _bench

TARGET_MIB = 64.0
MODEL = "wan_v2.2-14b-fp8_animate-move_lightx2v"
HERE = Path(__file__).resolve()
IMAGE = HERE.parents[1] / "tests" / "parity" / "assets" / "image.png"
CLIP = HERE.parents[1] / "tests" / "parity" / "assets" / "clip.mp4"


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} is not in /proc/self/status")


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def make_video(path: Path, size: int) -> None:
    """A sparse file of ``size`` bytes that starts like an MP4 (so it sniffs as video/mp4)."""
    with path.open("wb") as handle:
        handle.write(CLIP.read_bytes())
        handle.truncate(size)


def child(args: argparse.Namespace) -> None:
    """Upload once with one driver; print ``{"baseline_kib", "peak_kib", "seconds", ...}``."""
    from sogni import SogniClient
    from sogni_async import AsyncSogniClient

    endpoints = {
        "api_key": args.api_key,
        "rest_endpoint": args.rest,
        "socket_endpoint": args.socket,
    }
    params: dict[str, Any] = {
        "type": "video",
        "model_id": MODEL,
        "positive_prompt": "the character dances",
        "reference_image": IMAGE,
        "reference_video": Path(args.video),
        "duration": 2,
    }
    result: dict[str, Any] = {}

    def measure_start() -> None:
        result["reset"] = _reset_peak()
        result["baseline_kib"] = _status_kib("VmRSS")
        result["start_hwm_kib"] = _status_kib("VmHWM")
        result["started"] = time.perf_counter()

    def measure_end(project_id: str) -> None:
        result["seconds"] = time.perf_counter() - result.pop("started")
        result["peak_kib"] = _status_kib("VmHWM")
        result["project_id"] = project_id

    if args.driver == "sync":
        with SogniClient(**endpoints) as client:
            client.projects.wait_for_models(timeout=30)
            measure_start()
            project = client.projects.create(**params)
            measure_end(project.id)
    else:

        async def run() -> None:
            async with AsyncSogniClient(**endpoints) as client:
                await client.projects.wait_for_models(timeout=30)
                measure_start()
                project = await client.projects.create(**params)
                measure_end(project.id)

        asyncio.run(run())
    print(json.dumps(result))


def main(argv: list[str]) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--size-mib", type=int, default=1024, help="video size (default 1 GiB)")
    cli.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    cli.add_argument("--driver", choices=("sync", "async"), help=argparse.SUPPRESS)
    for name in ("api-key", "rest", "socket", "video"):
        cli.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = cli.parse_args(argv)
    if args.child:
        child(args)
        return 0
    if not Path("/proc/self/status").exists():
        print("this benchmark reads /proc (Linux only)", file=sys.stderr)
        return 1
    size = args.size_mib * 1024 * 1024
    rows = []
    with tempfile.TemporaryDirectory(prefix="sogni-upload-bench-") as tmp:
        video = Path(tmp) / "reference.mp4"
        make_video(video, size)
        with _bench.Supernet({"max_media_upload_bytes": size + 1024}) as net:
            endpoints = net.endpoints
            for driver in ("sync", "async"):
                command = [
                    sys.executable, str(HERE), "--child", "--driver", driver,
                    "--api-key", endpoints["api_key"], "--rest", endpoints["rest_endpoint"],
                    "--socket", endpoints["socket_endpoint"], "--video", str(video),
                ]  # fmt: skip
                proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
                if proc.returncode != 0:
                    print(proc.stdout, proc.stderr, file=sys.stderr)
                    return 1
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                stored = net.ask("upload", job=result["project_id"], type="referenceVideo")
                assert stored == size, f"upload incomplete: {stored} of {size} bytes stored"
                base = result["baseline_kib"] if result["reset"] else result["start_hwm_kib"]
                growth = (result["peak_kib"] - base) / 1024
                rows.append(
                    (
                        driver,
                        f"{size / 2**20:.0f} MiB",
                        f"{result['seconds']:.1f} s",
                        f"{size / 2**20 / result['seconds']:.0f} MiB/s",
                        f"{result['baseline_kib'] / 1024:.1f} MiB",
                        f"{result['peak_kib'] / 1024:.1f} MiB",
                        f"{growth:.1f} MiB",
                        "yes" if growth < TARGET_MIB else "NO",
                    )
                )
    header = ("client", "video", "upload", "rate", "RSS before", "peak RSS", "growth", "< 64 MiB")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0 if all(row[-1] == "yes" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
