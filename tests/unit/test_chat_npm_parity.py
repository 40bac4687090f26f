"""Our chat payloads equal the official npm client's, byte for byte apart from ``jobID``.

The official client (``tests/npm``, @sogni-ai/sogni-client 5.1.0) is driven with a fake
socket and REST client that record what it sends. Skipped without Node.js or the client.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import png

from sogni.core.chat.estimate import llm_estimate_path
from sogni.core.chat.model_info import parse_llm_models
from sogni.core.chat.request import build_hosted_chat_body, build_llm_job_request
from sogni.errors import ValidationError

NPM_DIR = Path(__file__).resolve().parents[1] / "npm"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.npm,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NPM_DIR / "node_modules" / "@sogni-ai" / "sogni-client").is_dir(),
        reason="run `npm ci` in tests/npm to install the official client",
    ),
]

HARNESS = r"""
const path = require('path');
const chat = path.resolve('node_modules/@sogni-ai/sogni-client/dist/Chat/index.js');
const ChatApi = require(chat).default;
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const tick = () => new Promise((resolve) => setImmediate(resolve));
(async () => {
  const out = [];
  for (const c of cases) {
    let sent = null;
    const handlers = {};
    const quote = { costInUSD: 0, costInSogni: 0, costInSpark: 0, costInToken: 0 };
    const client = {
      appSource: c.clientAppSource ?? undefined,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      socket: {
        on(name, fn) { handlers[name] = fn; },
        send: async (type, data) => { sent = JSON.stringify(data); },
        get: async (p) => { sent = JSON.stringify({ path: p }); return { quote }; },
      },
      rest: { post: async (p, body) => { sent = JSON.stringify(body); return {}; } },
    };
    const api = new ChatApi({ client, eip712: null });
    if (c.models) handlers.swarmLLMModels(c.models);
    let failure = null;
    // Non-streaming calls wait for an answer that never comes: only watch what is sent.
    const call = c.estimate
      ? api.estimateCost(c.params)
      : c.hosted
        ? api.hosted.create(c.params)
        : api.completions.create(c.params);
    call.catch((e) => { failure = String(e && e.message); });
    for (let i = 0; i < 100 && sent === null && failure === null; i++) await tick();
    if (failure !== null || sent === null) {
      out.push({ error: failure });
    } else {
      const parsed = JSON.parse(sent);
      delete parsed.jobID;
      out.push({ ok: JSON.stringify(parsed) });
    }
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})();
"""


B64 = base64.b64encode(png(32, 16)).decode()
IMAGE = f"data:image/png;base64,{B64}"
BIG_IMAGE = "data:image/png;base64," + base64.b64encode(png(1100, 8)).decode()
HELLO = [{"role": "user", "content": "Hello!"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]
VISION = [
    {"role": "system", "content": "You describe pictures."},
    {
        "role": "user",
        "name": "ann",
        "content": [
            {"type": "text", "text": "Vergleiche: 😀 и 日本"},
            {
                "type": "image_url",
                "image_url": {"url": f"  {IMAGE[:40]}\n{IMAGE[40:]} ", "detail": "high"},
            },
            {
                "type": "image_url",
                "image_url": {"url": IMAGE, "detail": "low", "extra": True},
                "x": 1,
            },
        ],
    },
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
        ],
    },
    {"role": "tool", "content": "sunny", "tool_call_id": "c1", "name": "get_weather"},
]

_JS_NAMES = {"token_type": "tokenType", "task_profile": "taskProfile", "app_source": "appSource"}

# (params in SDK names, client app source)
SOCKET_CASES: list[tuple[dict[str, Any], str | None]] = [
    ({"model": "qwen", "messages": HELLO}, None),
    ({"model": "qwen", "messages": HELLO}, "client-app"),
    ({"model": "qwen", "messages": HELLO, "app_source": "mine"}, "client-app"),
    ({"model": "qwen", "messages": HELLO, "app_source": ""}, "client-app"),
    (
        {
            "model": "qwen",
            "messages": VISION,
            "max_tokens": 300,
            "temperature": 0.6,
            "top_p": 0.95,
            "top_k": 20,
            "min_p": 0,
            "stream": True,
            "repetition_penalty": 1.05,
            "frequency_penalty": 0.1,
            "presence_penalty": 1.5,
            "stop": ["</done>", "###"],
            "token_type": "spark",
            "tools": TOOLS,
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "sogni_tools": " Rich ",
            "sogni_tool_execution": True,
            "task_profile": "reasoning",
            "think": True,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True},
            },
        },
        "client-app",
    ),
    ({"model": "qwen", "messages": HELLO, "think": False, "stop": "END", "stream": False}, None),
    ({"model": "qwen", "messages": HELLO, "sogni_tools": True, "tool_choice": "required"}, None),
    (
        {
            "model": "qwen",
            "messages": HELLO,
            "sogni_tools": False,
            "response_format": {"type": "text"},
        },
        None,
    ),
    ({"model": "qwen", "messages": HELLO, "sogni_tools": "creative-agent", "tools": []}, None),
]

HOSTED_CASES: list[tuple[dict[str, Any], str | None]] = [
    ({"model": "qwen", "messages": HELLO}, None),
    (
        {
            "model": "qwen",
            "messages": VISION,
            "app_source": "mine",
            "max_tokens": 50,
            "temperature": 0.2,
            "stop": "x",
            "token_type": "auto",
            "tools": TOOLS,
            "tool_choice": "auto",
            "sogni_tools": "RICH",
            "sogni_tool_execution": False,
            "media_references": [{"url": "https://example.com/a.png"}],
            "api_media_references": [{"id": "asset-1"}],
            "think": False,
            "response_format": {"type": "json_object"},
        },
        "client-app",
    ),
    ({"model": "qwen", "messages": HELLO, "think": True, "chat_template_kwargs": {"a": 1}}, "app"),
]

ERROR_CASES: list[dict[str, Any]] = [
    {
        "model": "qwen",
        "messages": [
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}],
            }
        ],
    },
    {
        "model": "qwen",
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": BIG_IMAGE}}]}
        ],
    },
    {
        "model": "qwen",
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": IMAGE}}] * 21}
        ],
    },
    {
        "model": "qwen",
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "image_url",
                        "image_url": {"url": IMAGE.replace("image/png", "image/jpeg")},
                    }
                ],
            }
        ],
    },
]


ESTIMATE_CASES: list[dict[str, Any]] = [
    {"model": "qwen", "messages": HELLO},
    {"model": "qwen", "messages": VISION, "token_type": "spark", "max_tokens": 777},
    {"model": "org/qwen 3+", "messages": VISION, "think": True, "task_profile": "coding"},
    {"model": "qwen", "messages": VISION, "think": True, "task_profile": "general"},
    {"model": "legacy", "messages": HELLO, "think": True, "task_profile": "reasoning"},
]
LLM_MODELS = {
    "qwen": {
        "workers": 1,
        "maxOutputTokens": {
            "min": 1,
            "max": 65536,
            "default": 8192,
            "thinkingComplexDefault": 32768,
        },
    },
    "org/qwen 3+": {
        "workers": 1,
        "maxOutputTokens": {"min": 1, "max": 9, "default": 5, "thinkingComplexDefault": 7},
    },
    "legacy": 4,
}


def _js_params(params: dict[str, Any], hosted: bool) -> dict[str, Any]:
    if hosted:
        return {("taskProfile" if k == "task_profile" else k): v for k, v in params.items()}
    return {_JS_NAMES.get(k, k): v for k, v in params.items()}


def _run_official(cases: list[dict[str, Any]]) -> list[dict[str, str]]:
    assert NODE is not None
    proc = subprocess.run(
        [NODE, "-e", HARNESS],
        input=json.dumps(cases),
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results: list[dict[str, str]] = json.loads(proc.stdout)
    return results


def _same_json(ours: dict[str, Any], theirs: str) -> None:
    # Re-serialise both through Python so only values and key order are compared.
    assert json.dumps(ours, ensure_ascii=False) == json.dumps(
        json.loads(theirs), ensure_ascii=False
    )


def test_llm_job_requests_match_the_official_client() -> None:
    official = _run_official(
        [{"params": _js_params(p, False), "clientAppSource": app} for p, app in SOCKET_CASES]
    )
    for (params, app), theirs in zip(SOCKET_CASES, official, strict=True):
        assert "ok" in theirs, theirs
        ours = build_llm_job_request(params, job_id="X", client_app_source=app)
        assert ours.pop("jobID") == "X"
        _same_json(ours, theirs["ok"])


def test_hosted_bodies_match_the_official_client() -> None:
    official = _run_official(
        [
            {"hosted": True, "params": _js_params(p, True), "clientAppSource": app}
            for p, app in HOSTED_CASES
        ]
    )
    for (params, app), theirs in zip(HOSTED_CASES, official, strict=True):
        assert "ok" in theirs, theirs
        _same_json(build_hosted_chat_body(params, client_app_source=app), theirs["ok"])


def test_requests_the_official_client_refuses_are_refused() -> None:
    official = _run_official([{"params": case} for case in ERROR_CASES])
    for params, theirs in zip(ERROR_CASES, official, strict=True):
        assert "error" in theirs, theirs
        with pytest.raises(ValidationError):
            build_llm_job_request(params, job_id="X", client_app_source=None, resize_images=False)


def test_estimate_paths_match_the_official_client() -> None:
    official = _run_official(
        [
            {"estimate": True, "models": LLM_MODELS, "params": _js_params(p, False)}
            for p in ESTIMATE_CASES
        ]
    )
    models = parse_llm_models(LLM_MODELS)
    for params, theirs in zip(ESTIMATE_CASES, official, strict=True):
        assert "ok" in theirs, theirs
        ours = llm_estimate_path(params, model_info=models.get(params["model"]))
        assert ours == json.loads(theirs["ok"])["path"]
