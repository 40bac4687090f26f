"""Workflow request builders, step validation, unwrapping and error mapping."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sogni.core import workflows as wf
from sogni.errors import ApiError, AuthenticationError, ValidationError

# --- paths and simple requests -------------------------------------------------------------


def test_ids_are_encoded_like_encode_uri_component() -> None:
    assert wf.workflow_path("wf_1") == "/v1/creative-agent/workflows/wf_1"
    assert (
        wf.workflow_path("a b/c?d#e&f=g", "events")
        == "/v1/creative-agent/workflows/a%20b%2Fc%3Fd%23e%26f%3Dg/events"
    )
    # characters encodeURIComponent leaves alone
    assert wf.workflow_path("A-z_0.9!~*'()") == "/v1/creative-agent/workflows/A-z_0.9!~*'()"
    assert wf.workflow_path("caf\u00e9") == "/v1/creative-agent/workflows/caf%C3%A9"


@pytest.mark.parametrize("bad", ["", None, 5, "\ud800"])
def test_bad_ids_fail_before_io(bad: Any) -> None:
    with pytest.raises(ValidationError) as info:
        wf.get_request(bad)
    assert info.value.field == "workflow_id"


def test_get_events_cancel() -> None:
    get = wf.get_request("wf 1")
    assert (get.method, get.path, dict(get.query), get.json, get.result_key) == (
        "GET",
        "/v1/creative-agent/workflows/wf%201",
        {},
        None,
        "workflow",
    )
    assert get.idempotent
    events = wf.events_request("wf1")
    assert (events.method, events.path, events.result_key) == (
        "GET",
        "/v1/creative-agent/workflows/wf1/events",
        "events",
    )
    cancel = wf.cancel_request("wf1")
    assert (cancel.method, cancel.path, cancel.json, cancel.result_key) == (
        "POST",
        "/v1/creative-agent/workflows/wf1/cancel",
        None,
        "workflow",
    )
    assert not cancel.idempotent


def test_list_query_only_has_given_keys() -> None:
    assert dict(wf.list_request().query) == {}
    assert dict(wf.list_request(limit=20).query) == {"limit": "20"}
    assert list(wf.list_request(limit=5, offset=10).query.items()) == [
        ("limit", "5"),
        ("offset", "10"),
    ]
    assert dict(wf.list_request(offset=0).query) == {"offset": "0"}
    assert wf.list_request().result_key == "workflows"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"limit": 0}, "limit"), ({"limit": True}, "limit"), ({"offset": -1}, "offset")],
)
def test_list_rejects_bad_paging(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        wf.list_request(**kwargs)
    assert info.value.field == field


def test_stream_request_matches_the_networks_client() -> None:
    plain = wf.stream_request("wf1")
    assert plain.path == "/v1/creative-agent/workflows/wf1/events/stream"
    assert (dict(plain.query), dict(plain.headers)) == ({}, {"Accept": "text/event-stream"})
    after = wf.stream_request("wf1", after=12)
    assert (dict(after.query), dict(after.headers)) == (
        {"after": "12"},
        {"Accept": "text/event-stream"},
    )
    both = wf.stream_request("wf1", after="3", last_event_id=9)
    assert (dict(both.query), dict(both.headers)) == (
        {"after": "3"},
        {"Accept": "text/event-stream", "Last-Event-ID": "9"},
    )
    last = wf.stream_request("wf1", last_event_id="9")
    assert dict(last.query) == {"after": "9"}


# --- start ---------------------------------------------------------------------------------


def test_image_to_video_body() -> None:
    request = wf.start_image_to_video_request(
        "A graphite sketch of a robot pianist",
        video_prompt="slow dolly-in",
        image_model="flux2",
        video_model="ltx23",
        duration=5,
        token_type="spark",
    )
    assert (request.method, request.path, request.result_key) == (
        "POST",
        "/v1/creative-agent/workflows",
        "workflow",
    )
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {
        "kind": "image_to_video",
        "input": {
            "prompt": "A graphite sketch of a robot pianist",
            "videoPrompt": "slow dolly-in",
            "duration": 5,
            "imageModel": "flux2",
            "videoModel": "ltx23",
        },
        "token_type": "spark",
    }
    assert list(request.json) == ["kind", "input", "token_type"]


def test_image_to_video_all_fields_and_extra() -> None:
    request = wf.start_image_to_video_request(
        "p",
        video_prompt="v",
        negative_prompt="n",
        width=512,
        height=768,
        duration=2.5,
        image_model="flux2",
        video_model="wan22",
        number_of_media=2,
        seed=42,
        extra={"style": "noir", "skipped": None},
    )
    assert request.json == {
        "kind": "image_to_video",
        "input": {
            "prompt": "p",
            "videoPrompt": "v",
            "negativePrompt": "n",
            "width": 512,
            "height": 768,
            "duration": 2.5,
            "imageModel": "flux2",
            "videoModel": "wan22",
            "numberOfMedia": 2,
            "seed": 42,
            "style": "noir",
        },
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "p", "width": 0}, "width"),
        ({"prompt": "p", "duration": -1}, "duration"),
        ({"prompt": "p", "duration": float("nan")}, "duration"),
        ({"prompt": "p", "number_of_media": 1.5}, "number_of_media"),
        ({"prompt": "p", "video_model": 3}, "video_model"),
        ({"prompt": "p", "token_type": "usd"}, "token_type"),
        ({"prompt": "p", "extra": {"prompt": "again"}}, "extra"),
    ],
)
def test_image_to_video_validation(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        wf.start_image_to_video_request(**kwargs)
    assert info.value.field == field


def test_token_type_error_lists_allowed_values() -> None:
    with pytest.raises(ValidationError) as info:
        wf.start_image_to_video_request("p", token_type="usd")
    assert info.value.allowed == ["sogni", "spark"]


def test_generic_start_matches_newer_clients_body_shape() -> None:
    request = wf.start_request(
        input={"title": "t", "steps": []},
        token_type="spark",
        billing_mode="auto",
        app_source="my-app",
        max_estimated_capacity_units=12,
        confirm_cost=True,
        media_references=[{"url": "https://cdn.example.com/a.png", "type": "image"}],
        idempotency_key="key-1",
    )
    assert request.json == {
        "input": {"title": "t", "steps": []},
        "token_type": "spark",
        "billing_mode": "auto",
        "app_source": "my-app",
        "max_estimated_capacity_units": 12,
        "confirm_cost": True,
        "media_references": [{"url": "https://cdn.example.com/a.png", "type": "image"}],
    }
    assert request.headers == {"Content-Type": "application/json", "Idempotency-Key": "key-1"}


def test_generic_start_with_saved_template() -> None:
    request = wf.start_request(template_id="tpl_1", inputs={"brief": "x"})
    assert request.json == {"workflow_id": "tpl_1", "inputs": {"brief": "x"}}


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"input": {"a": 1}, "template_id": "t"}, {"input": {"a": 1}, "inputs": {"b": 2}}],
)
def test_generic_start_needs_exactly_one_source(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        wf.start_request(**kwargs)


# --- hosted tool sequences -------------------------------------------------------------------

IMAGE_STEP = {"id": "img", "toolName": "sogni_generate_image", "arguments": {"prompt": "a fox"}}


def test_hosted_sequence_body() -> None:
    steps = [
        IMAGE_STEP,
        {
            "id": "vid",
            "toolName": "sogni_generate_video",
            "arguments": {"prompt": "the fox runs", "duration": 5},
            "dependsOn": [
                {
                    "sourceStepId": "img",
                    "targetArgument": "reference_image_url",
                    "transform": "artifact_url",
                    "mediaType": "image",
                }
            ],
        },
    ]
    request = wf.start_hosted_tool_sequence_request(steps, title="Fox", token_type="sogni")
    assert request.json == {
        "kind": "hosted_tool_sequence",
        "input": {"title": "Fox", "steps": steps},
        "token_type": "sogni",
    }


def test_snake_case_step_keys_become_wire_keys() -> None:
    request = wf.start_hosted_tool_sequence_request(
        [
            {"id": "a", "tool_name": "sogni_generate_image", "arguments": {"prompt": "x"}},
            {
                "tool_name": "sogni_edit_image",
                "arguments": {"prompt": "y"},
                "depends_on": [
                    {
                        "source_step_id": "a",
                        "target_argument": "source_image_url",
                        "transform": "artifact_data_uri",
                        "source_artifact_index": 0,
                        "required": True,
                    }
                ],
            },
        ]
    )
    second = request.json["input"]["steps"][1]
    assert second == {
        "toolName": "sogni_edit_image",
        "arguments": {"prompt": "y"},
        "dependsOn": [
            {
                "sourceStepId": "a",
                "targetArgument": "source_image_url",
                "transform": "artifact_data_uri",
                "sourceArtifactIndex": 0,
                "required": True,
            }
        ],
    }


def test_input_media_binding() -> None:
    media = [{"url": "https://cdn.example.com/song.mp3", "type": "audio"}]
    request = wf.start_hosted_tool_sequence_request(
        [
            {
                "id": "s2v",
                "toolName": "sogni_sound_to_video",
                "arguments": {"prompt": "dance"},
                "dependsOn": [
                    {
                        "sourceStepId": "$input_media",
                        "targetArgument": "reference_audio_url",
                        "transform": "artifact_url",
                        "sourceArtifactIndex": 0,
                        "mediaType": "audio",
                    }
                ],
            }
        ],
        media_references=media,
    )
    assert request.json["input"]["mediaReferences"] == media
    assert list(request.json["input"]) == ["steps", "mediaReferences"]


def step(tool: str = "sogni_generate_image", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"toolName": tool, "arguments": {"prompt": "x"}}
    base.update(extra)
    return base


def dep(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sourceStepId": "a",
        "targetArgument": "reference_image_url",
        "transform": "artifact_url",
    }
    base.update(extra)
    return base


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "steps"),
        ("not a list", "steps"),
        ([step("make_coffee")], "steps[0].tool_name"),
        ([step(arguments=None)], "steps[0].arguments"),
        ([step(arguments={})], "steps[0].arguments.prompt"),
        ([step("sogni_sound_to_video")], "steps[0].arguments.reference_audio_url"),
        ([step("sogni_video_to_video")], "steps[0].arguments.reference_video_url"),
        ([step(id="a"), step(id="a")], "steps[1].id"),
        ([step(id="$input_media")], "steps[0].id"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=[dep(sourceStepId="b")])],
         "steps[1].depends_on[0].source_step_id"),
        # a step cannot depend on itself or on a later step
        ([step("sogni_generate_video", id="a", dependsOn=[dep()])],
         "steps[0].depends_on[0].source_step_id"),
        ([step("sogni_generate_video", dependsOn=[dep()]), step(id="a")],
         "steps[0].depends_on[0].source_step_id"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=[dep(transform="url")])],
         "steps[1].depends_on[0].transform"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=[dep(mediaType="gif")])],
         "steps[1].depends_on[0].media_type"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=[dep(targetArgument="image")])],
         "steps[1].depends_on[0].target_argument"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=[dep(sourceArtifactIndex=-1)])],
         "steps[1].depends_on[0].source_artifact_index"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=[dep(required="yes")])],
         "steps[1].depends_on[0].required"),
        ([step(id="a"), step("sogni_generate_video", dependsOn=dep())],
         "steps[1].depends_on"),
        ([step("sogni_generate_video", dependsOn=[dep(sourceStepId="$input_media")])],
         "steps[0].depends_on[0].source_step_id"),
    ],
)  # fmt: skip
def test_step_validation(steps: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        wf.start_hosted_tool_sequence_request(steps)
    assert info.value.field == field


def test_unknown_tool_error_lists_every_step_tool() -> None:
    with pytest.raises(ValidationError) as info:
        wf.normalize_steps([step("sogni_make_coffee")])
    assert info.value.allowed == list(wf.HOSTED_TOOL_NAMES)
    # 30 plain-named tools, the 6 older sogni_* ones and 10 workflow-only tools.
    assert len(wf.HOSTED_TOOL_NAMES) == 46
    assert {"generate_image", "sogni_generate_image", "analyze_image"} <= set(wf.HOSTED_TOOL_NAMES)


def test_required_argument_may_come_from_a_dependency() -> None:
    steps = wf.normalize_steps(
        [
            step("sogni_generate_music", id="song"),
            {
                "toolName": "sogni_sound_to_video",
                "arguments": {"prompt": "sing"},
                "dependsOn": [
                    {
                        "sourceStepId": "song",
                        "targetArgument": "reference_audio_url",
                        "transform": "artifact_url",
                    }
                ],
            },
        ]
    )
    assert steps[1]["dependsOn"][0]["sourceStepId"] == "song"


def test_input_media_index_must_exist() -> None:
    with pytest.raises(ValidationError) as info:
        wf.start_hosted_tool_sequence_request(
            [
                step(
                    "sogni_generate_video",
                    dependsOn=[dep(sourceStepId="$input_media", sourceArtifactIndex=2)],
                )
            ],
            media_references=[{"url": "https://x.example/a.png"}],
        )
    assert info.value.field == "steps[0].depends_on[0].source_artifact_index"


@pytest.mark.parametrize(
    "reference",
    [
        {"url": "data:image/png;base64,AAAA"},
        {"url": "ftp://example.com/a.png"},
        {"url": "https://ok.example/a.png", "dataUri": "data:image/png;base64,AAAA"},
        {"data_uri": "data:audio/mp3;base64,AAAA"},
    ],
)
def test_media_references_must_be_uploaded_urls(reference: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as info:
        wf.start_hosted_tool_sequence_request([IMAGE_STEP], media_references=[reference])
    assert info.value.field == "media_references"
    with pytest.raises(ValidationError):
        wf.start_request(input={"steps": []}, media_references=[reference])


def test_steps_are_not_mutated() -> None:
    raw = {"tool_name": "sogni_generate_image", "arguments": {"prompt": "x"}}
    wf.normalize_steps([raw])
    assert raw == {"tool_name": "sogni_generate_image", "arguments": {"prompt": "x"}}


# --- responses -----------------------------------------------------------------------------


def test_unwrap() -> None:
    record = {"workflowId": "wf1", "status": "queued"}
    assert wf.unwrap({"workflow": record}, "workflow") == record
    assert wf.unwrap({"workflows": []}, "workflows") == []
    assert wf.unwrap({"events": [{"id": 1}]}, "events") == [{"id": 1}]


@pytest.mark.parametrize(
    ("data", "key", "text"),
    [
        (None, "workflow", "did not include data"),
        ("oops", "workflow", "did not include data"),
        ({"other": 1}, "workflow", "data.workflow"),
        ({"workflows": {"a": 1}}, "workflows", "data.workflows"),
        ({"workflow": None}, "workflow", "data.workflow"),
    ],
)
def test_unwrap_failures(data: Any, key: str, text: str) -> None:
    with pytest.raises(ApiError) as info:
        wf.unwrap(data, key)
    assert text in info.value.message


def test_error_envelope() -> None:
    error = wf.error_from_response(
        404, '{"status": "error", "message": "Workflow not found", "errorCode": 104}'
    )
    assert type(error) is ApiError
    assert (error.status, error.error_code, error.message) == (404, 104, "Workflow not found")


def test_error_inside_data() -> None:
    error = wf.error_from_response(409, '{"data": {"message": "busy", "errorCode": 7}}')
    assert (error.message, error.error_code) == ("busy", 7)


def test_error_plain_text_body() -> None:
    error = wf.error_from_response(502, "<html>Bad gateway</html>")
    assert (error.status, error.error_code, error.message) == (502, 0, "<html>Bad gateway</html>")


def test_error_without_message_uses_the_reason() -> None:
    assert wf.error_from_response(500, "").message == "Internal Server Error"
    assert wf.error_from_response(500, "{}", reason="Oops").message == "Oops"
    error = wf.error_from_response(503, '{"message": 5, "errorCode": "x"}')
    assert (error.message, error.error_code) == ("Service Unavailable", 0)
    assert wf.error_from_response(599, "[1, 2]").message == "HTTP 599"


def test_401_is_an_authentication_error() -> None:
    error = wf.error_from_response(401, '{"status": "error", "message": "no", "errorCode": 0}')
    assert isinstance(error, AuthenticationError)
    assert isinstance(error, ApiError)


def test_terminal_statuses() -> None:
    assert all(wf.is_terminal_status(s) for s in ("completed", "failed", "cancelled"))
    assert not any(wf.is_terminal_status(s) for s in ("queued", "running", None, 3))


# --- parity with the official npm client ----------------------------------------------------

NPM_DIR = Path(__file__).resolve().parents[1] / "npm"
NODE = shutil.which("node")

# Drives the npm client's workflow API against a stubbed fetch and prints every request.
NPM_WORKFLOW_CALLS = r"""
import { SogniClient } from '@sogni-ai/sogni-client';
const calls = [];
globalThis.fetch = async (url, init = {}) => {
  const u = new URL(url);
  const headers = Object.fromEntries(new Headers(init.headers || {}).entries());
  calls.push({method: init.method || 'GET', path: u.pathname, query: [...u.searchParams.entries()],
              headers, body: init.body === undefined ? null : JSON.parse(init.body)});
  if (u.pathname.endsWith('/events/stream')) {
    return new Response('id: 1\ndata: {"status":"completed"}\n\n', {status: 200});
  }
  const data = {workflow: {workflowId: 'wf'}, workflows: [], events: []};
  return new Response(JSON.stringify({status: 'success', data}), {status: 200});
};
const sogni = await SogniClient.createInstance({appId: 'parity', apiKey: 'k',
  restEndpoint: 'http://stub.invalid', socketEndpoint: 'ws://stub.invalid', disableSocket: true});
const wf = sogni.workflows;
const args = JSON.parse(process.argv[1]);
calls.length = 0;
await wf.start(args.start);
await wf.list({limit: 5, offset: 10});
await wf.list();
await wf.get('a b/c?d');
await wf.events('wf1');
await wf.cancel('wf1');
for await (const f of wf.streamEvents('wf1', {after: 3, lastEventId: 9})) {}
for await (const f of wf.streamEvents('wf1')) {}
process.stdout.write(JSON.stringify(calls.filter((c) => c.path.startsWith('/v1/creative'))));
"""


def npm_calls(args: dict[str, Any]) -> list[dict[str, Any]]:
    assert NODE is not None
    proc = subprocess.run(
        [NODE, "--input-type=module", "-e", NPM_WORKFLOW_CALLS, json.dumps(args)],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    calls: list[dict[str, Any]] = json.loads(proc.stdout)
    return calls


def as_call(request: wf.WorkflowRequest) -> dict[str, Any]:
    return {
        "method": request.method,
        "path": request.path,
        "query": [list(item) for item in request.query.items()],
        "body": request.json,
    }


@pytest.mark.npm
@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.skipif(
    not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
    reason="run `npm ci` in tests/npm to install the official client",
)
def test_requests_equal_the_npm_clients() -> None:
    steps = [
        {"id": "img", "toolName": "sogni_generate_image", "arguments": {"prompt": "a fox"}},
        {
            "id": "vid",
            "toolName": "sogni_generate_video",
            "arguments": {"prompt": "it runs"},
            "dependsOn": [
                {
                    "sourceStepId": "img",
                    "targetArgument": "reference_image_url",
                    "transform": "artifact_url",
                }
            ],
        },
    ]
    media = [{"url": "https://cdn.example.com/a.png", "type": "image"}]
    npm = npm_calls(
        {
            "start": {
                "input": {"title": "Fox", "steps": steps},
                "tokenType": "spark",
                "mediaReferences": media,
                "idempotencyKey": "idem-1",
            }
        }
    )
    start = wf.start_request(
        input={"title": "Fox", "steps": wf.normalize_steps(steps)},
        token_type="spark",
        media_references=media,
        idempotency_key="idem-1",
    )
    ours = [
        start,
        wf.list_request(limit=5, offset=10),
        wf.list_request(),
        wf.get_request("a b/c?d"),
        wf.events_request("wf1"),
        wf.cancel_request("wf1"),
        wf.stream_request("wf1", after=3, last_event_id=9),
        wf.stream_request("wf1"),
    ]
    assert [{k: c[k] for k in ("method", "path", "query", "body")} for c in npm] == [
        as_call(r) for r in ours
    ]
    # key order of the start body, and the headers that matter
    assert list(npm[0]["body"]) == list(start.json)
    assert npm[0]["headers"]["idempotency-key"] == start.headers["Idempotency-Key"]
    assert npm[0]["headers"]["content-type"] == start.headers["Content-Type"]
    for call, request in zip(npm[-2:], ours[-2:], strict=True):
        wanted = {k.lower(): v for k, v in request.headers.items()}
        assert {k: v for k, v in call["headers"].items() if k in wanted} == wanted
        assert ("last-event-id" in call["headers"]) == ("Last-Event-ID" in request.headers)
