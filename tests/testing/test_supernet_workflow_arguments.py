"""The local Supernet checks hosted-tool step arguments before accepting a workflow."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sogni.testing import LocalSupernet

WORKFLOWS = "/v1/creative-agent/workflows"


def start(net: LocalSupernet, steps: list[dict[str, Any]]) -> httpx.Response:
    return httpx.post(
        net.rest_url + WORKFLOWS, json={"input": {"steps": steps}}, headers={"api-key": net.api_key}
    )


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            [{"toolName": "generate_image", "arguments": {"prompt": "x", "colour": "red"}}],
            "does not take colour",
        ),
        (
            [{"toolName": "sogni_video_to_video", "arguments": {"prompt": "x"}}],
            "needs reference_video_url",
        ),
        (
            [
                {"id": "a", "toolName": "generate_image", "arguments": {"prompt": "x"}},
                {
                    "toolName": "generate_video",
                    "arguments": {"prompt": "y"},
                    "dependsOn": [
                        {
                            "sourceStepId": "a",
                            "targetArgument": "image",
                            "transform": "artifact_url",
                        }
                    ],
                },
            ],
            "does not take image",
        ),
    ],
)
def test_bad_arguments_are_refused_before_anything_runs(
    net: LocalSupernet,
    steps: list[dict[str, Any]],
    message: str,
) -> None:
    response = start(net, steps)
    assert response.status_code == 400
    assert message in response.json()["message"]
    listed = httpx.get(net.rest_url + WORKFLOWS, headers={"api-key": net.api_key})
    assert listed.json()["data"]["workflows"] == []


def test_required_argument_bound_by_a_dependency_is_accepted(net: LocalSupernet) -> None:
    steps = [
        {"id": "clip", "toolName": "generate_video", "arguments": {"prompt": "a"}},
        {
            "toolName": "video_to_video",
            "arguments": {"prompt": "b"},
            "dependsOn": [
                {
                    "sourceStepId": "clip",
                    "targetArgument": "reference_video_url",
                    "transform": "artifact_url",
                }
            ],
        },
    ]
    response = start(net, steps)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["workflow"]["status"] == "queued"
