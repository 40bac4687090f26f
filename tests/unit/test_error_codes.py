from __future__ import annotations

import pytest

from sogni.core.error_codes import map_error_code


@pytest.mark.parametrize(
    ("error", "mapped"),
    [
        ("serverRestarting", (5001, "serverRestarting")),
        ("workerDisconnected", (5002, "workerDisconnected")),
        ("jobTimedOut", (5003, "jobTimedOut")),
        ("artistCanceled", (5004, "artistCanceled")),
        ("workerCancelled", (5005, "workerCancelled")),
        ("somethingNew", (5000, "somethingNew")),
        ("workerCanceled", (5000, "workerCanceled")),  # only the network's spelling maps
        (4007, (4007, None)),
        (4007.0, (4007, None)),
        ("4007", (4007, None)),
        (" 12 ", (12, None)),
        ("1e3", (1000, None)),
        ("0x10", (16, None)),
        ("", (0, None)),
        (None, (0, None)),
        (True, (1, None)),
        ("12abc", (5000, "12abc")),
        ("nan", (5000, "nan")),
        ("1_000", (5000, "1_000")),
        (2.5, (5000, "2.5")),
    ],
)
def test_map_error_code(error: object, mapped: tuple[int, str | None]) -> None:
    assert map_error_code(error) == mapped
