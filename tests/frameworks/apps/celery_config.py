"""A Celery broker and result backend in plain folders: no broker service to run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The folder of the broker and the results, shared by the worker and whoever sends tasks.
FOLDER_VARIABLE = "SOGNI_PROOF_CELERY_FOLDER"


def celery_config(folder: Path) -> dict[str, Any]:
    """Settings for ``app.conf.update``: kombu's filesystem transport and a file backend."""
    messages, processed, control, results = (
        folder / name for name in ("messages", "processed", "control", "results")
    )
    for directory in (messages, processed, control, results):
        directory.mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(messages),
            "data_folder_out": str(messages),
            "processed_folder": str(processed),
            "control_folder": str(control),  # else "control/" in the working directory
            "polling_interval": 0.05,
        },
        "broker_connection_retry_on_startup": True,
        "result_backend": f"file://{results}",
        # Remote control, gossip and mingle broadcast, which folders cannot carry.
        "worker_enable_remote_control": False,
        "worker_hijack_root_logger": False,
    }
