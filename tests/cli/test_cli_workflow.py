"""``sogni workflow start|status|stream|cancel|list``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import Cli

from sogni.testing import LocalSupernet

STEPS = [{"id": "poster", "toolName": "generate_image", "arguments": {"prompt": "a kite"}}]


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / "kite.json"
    path.write_text(json.dumps(STEPS), encoding="utf-8")
    return path


def test_start_then_stream_then_status(
    cli: Cli, definition: Path, on_shared_net: LocalSupernet
) -> None:
    started = cli("workflow", "start", str(definition), "--title", "Kite")
    assert started.code == 0, started.err
    workflow_id = started.out.strip()
    assert workflow_id.startswith("wf_")
    [request] = [r for r in on_shared_net.requests() if r.method == "POST" and "workflow" in r.path]
    assert request.json["input"] == {"steps": STEPS, "title": "Kite"}

    streamed = cli("workflow", "stream", workflow_id)
    assert streamed.code == 0, streamed.err
    events = [line.split()[1] for line in streamed.out.splitlines()]
    assert events[0] == "workflow.queued"
    assert events[-1] == "workflow.completed"

    status = cli("workflow", "status", workflow_id, "--json")
    assert status.code == 0, status.err
    record = json.loads(status.out)
    assert record["workflow_id"] == workflow_id
    assert record["status"] == "completed"
    assert record["artifacts"][0]["url"].startswith("http")

    text = cli("workflow", "status", workflow_id)
    assert text.out.splitlines()[0].split() == [workflow_id, "completed", "Kite"]

    listing = cli("workflow", "list", "--json")
    assert workflow_id in [item["workflow_id"] for item in json.loads(listing.out)]


def test_stream_json_is_one_event_a_line(
    cli: Cli, definition: Path, on_shared_net: LocalSupernet
) -> None:
    workflow_id = cli("workflow", "start", str(definition)).out.strip()
    run = cli("workflow", "stream", workflow_id, "--json", "--after", "2")
    assert run.code == 0, run.err
    frames = [json.loads(line) for line in run.out.splitlines()]
    assert frames[0]["id"] == "3"
    assert frames[-1]["data"]["status"] == "completed"


def test_cancel(cli: Cli, definition: Path, on_shared_net: LocalSupernet) -> None:
    workflow_id = cli("workflow", "start", str(definition)).out.strip()
    run = cli("workflow", "cancel", workflow_id, "--json")
    assert run.code == 0, run.err
    record = json.loads(run.out)
    assert record["workflow_id"] == workflow_id
    assert any(r.method == "POST" and r.path.endswith("/cancel") for r in on_shared_net.requests())


def test_follow_in_one_command_on_the_embedded_supernet(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"title": "t", "steps": STEPS})))
    run = cli("workflow", "start", "-", "--follow")
    assert run.code == 0, run.err
    assert run.out.splitlines()[-1].split()[1:3] == ["workflow.completed", "completed"]
    assert "embedded local Supernet" in run.err


def test_bad_definitions(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    run = cli("workflow", "start", str(broken))
    assert run.code == 1
    assert run.err.strip().splitlines()[-1].startswith("sogni: error: definition is not valid JSON")
    assert cli("workflow", "start", "missing.json").code == 1
    assert cli("workflow", "start").code == 2  # neither a definition nor --template
    assert cli("workflow").code == 2


def test_an_unknown_workflow_is_one_error_line(cli: Cli, on_shared_net: LocalSupernet) -> None:
    run = cli("workflow", "status", "wf_missing")
    assert run.code == 1
    [line] = run.err.strip().splitlines()
    assert line.startswith("sogni: error: ") and "wf_missing" in line
