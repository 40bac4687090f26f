"""Assembling a chat job's answer from jobTokens / jobState / llmJobResult / llmJobError."""

from __future__ import annotations

import time

from sogni.core.chat.model_info import LLMModelInfo, parse_llm_models
from sogni.core.chat.results import ChatCost, FunctionCall, ToolCall, Usage
from sogni.core.chat.stream import ChatStreamAssembler
from sogni.errors import ChatJobError


def test_content_role_and_chunks() -> None:
    stream = ChatStreamAssembler("J1")
    first = stream.feed_tokens({"jobID": "J1", "content": "Hel", "role": "assistant"})
    assert first is not None
    assert (first.job_id, first.content, first.role, first.finish_reason) == (
        "J1",
        "Hel",
        "assistant",
        None,
    )
    assert first.usage is None and first.tool_calls is None
    empty = stream.feed_tokens({"jobID": "J1", "content": None})
    assert empty is not None and empty.content == ""
    stream.feed_tokens({"jobID": "J1", "content": "lo", "finishReason": "length"})
    stream.feed_tokens({"jobID": "J1", "content": "!", "finishReason": None})
    assert stream.content == "Hello!"
    result = stream.feed_result(
        {"jobID": "J1", "usage": {"prompt_tokens": 3, "completion_tokens": 4}}
    )
    assert result is not None
    assert result.content == "Hello!"
    assert result.finish_reason == "length"  # a later null does not erase it
    assert result.role == "assistant"
    assert result.usage == Usage(3, 4, None)
    assert result.tool_calls == ()
    assert stream.done and stream.result is result and stream.error is None


def test_defaults_of_the_final_result() -> None:
    stream = ChatStreamAssembler("J")
    stream.feed_tokens({"content": "x"})
    result = stream.feed_result({})
    assert result is not None
    assert result.finish_reason == "stop"
    assert result.usage == Usage(0, 0, 0)
    assert result.time_taken == 0
    assert result.worker_name is None and result.cost is None


def test_usage_replacement_order() -> None:
    stream = ChatStreamAssembler("J")
    stream.feed_tokens({"content": "a", "usage": {"prompt_tokens": 1, "completion_tokens": 1}})
    chunk = stream.feed_tokens(
        {"content": "b", "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}
    )
    assert chunk is not None and chunk.usage == Usage(1, 2, 3)
    assert stream.feed_result({"timeTaken": 1.5}).usage == Usage(1, 2, 3)  # type: ignore[union-attr]
    other = ChatStreamAssembler("K")
    other.feed_tokens({"usage": {"prompt_tokens": 1, "completion_tokens": 1}})
    final = other.feed_result(
        {"usage": {"prompt_tokens": 9, "completion_tokens": 8, "total_tokens": 17, "x": 1}}
    )
    assert final is not None and final.usage.total_tokens == 17
    assert final.usage.extra == {"x": 1}
    assert final.usage.to_dict() == {
        "prompt_tokens": 9,
        "completion_tokens": 8,
        "total_tokens": 17,
        "x": 1,
    }


def test_role_is_replaced_when_present() -> None:
    stream = ChatStreamAssembler("J")
    stream.feed_tokens({"content": "x", "role": "tool"})
    stream.feed_tokens({"content": "y", "role": ""})
    assert stream.feed_result({}).role == "tool"  # type: ignore[union-attr]


def test_tool_call_deltas_merge_by_index() -> None:
    stream = ChatStreamAssembler("J")
    chunk = stream.feed_tokens(
        {
            "tool_calls": [
                {
                    "index": 1,
                    "id": "call_b",
                    "type": "function",
                    "function": {"name": "sogni_generate_music"},
                },
                {"index": 0, "function": {"arguments": '{"pro'}},
            ]
        }
    )
    assert chunk is not None and chunk.tool_calls is not None
    assert [d.index for d in chunk.tool_calls] == [1, 0]
    assert chunk.tool_calls[0].function is not None
    assert chunk.tool_calls[0].function.name == "sogni_generate_music"
    stream.feed_tokens(
        {"tool_calls": [{"index": 0, "id": "call_a", "function": {"name": "sogni_generate_image"}}]}
    )
    stream.feed_tokens(
        {
            "tool_calls": [
                {"index": 0, "id": "", "function": {"name": "", "arguments": 'mpt":"cat"}'}}
            ]
        }
    )
    stream.feed_tokens(
        {
            "tool_calls": [{"index": 1, "function": {"arguments": "{}"}}],
            "finishReason": "tool_calls",
        }
    )
    expected = (
        ToolCall("call_a", FunctionCall("sogni_generate_image", '{"prompt":"cat"}')),
        ToolCall("call_b", FunctionCall("sogni_generate_music", "{}")),
    )
    assert stream.tool_calls == expected
    result = stream.feed_result({"timeTaken": 2})
    assert result is not None
    assert result.finish_reason == "tool_calls"
    assert result.tool_calls == expected
    assert result.to_message() == {
        "role": "assistant",
        "content": None,
        "tool_calls": [call.to_dict() for call in expected],
    }
    assert (
        expected[0].name == "sogni_generate_image" and expected[0].arguments == '{"prompt":"cat"}'
    )


def test_error_drops_tool_calls_and_reports_code_and_message() -> None:
    stream = ChatStreamAssembler("J")
    stream.feed_tokens({"tool_calls": [{"index": 0, "id": "c", "function": {"name": "f"}}]})
    error = stream.feed_error(
        {"jobID": "J", "error": 500, "error_message": "worker crashed", "workerName": "w1"}
    )
    assert isinstance(error, ChatJobError)
    assert (error.job_id, error.code) == ("J", 500)
    assert str(error) == "500: worker crashed"
    assert stream.tool_calls == ()
    assert stream.worker_name == "w1"
    assert stream.done and stream.result is None and stream.error is error
    # Nothing more is accepted once the job failed.
    assert stream.feed_tokens({"content": "late"}) is None
    assert stream.feed_result({}) is None
    assert stream.feed_state({"type": "queued"}) is None
    assert stream.feed_error({"error": 1}) is None


def test_error_without_message_uses_the_code() -> None:
    error = ChatStreamAssembler("J").feed_error({"error": "insufficientFunds"})
    assert error is not None and error.code == "insufficientFunds"
    assert str(error) == "insufficientFunds: insufficientFunds"


def test_local_failure() -> None:
    stream = ChatStreamAssembler("J")
    stream.fail(ChatJobError("timed out", job_id="J"))
    assert stream.done and stream.error is not None and stream.feed_result({}) is None


def test_job_state_and_worker_name() -> None:
    stream = ChatStreamAssembler("J")
    queued = stream.feed_state(
        {
            "jobID": "J",
            "type": "queued",
            "queuePosition": 3,
            "modelId": "qwen",
            "estimatedCost": "0.12",
        }
    )
    assert queued is not None
    assert (queued.type, queued.queue_position, queued.model_id, queued.estimated_cost) == (
        "queued",
        3,
        "qwen",
        "0.12",
    )
    assert queued.worker_name is None
    started = stream.feed_state({"jobID": "J", "type": "jobStarted", "workerName": "gpu-7"})
    assert started is not None and started.worker_name == "gpu-7"
    assert stream.worker_name == "gpu-7"
    stream.feed_tokens({"content": "x"})
    result = stream.feed_result(
        {
            "timeTaken": 812,
            "workerName": "gpu-7#42",
            "cost": {
                "costInUSD": "0.001",
                "costInToken": "0.05",
                "costInSogni": "0.05",
                "costInSpark": "0.1",
                "inputTokens": 10,
                "outputTokens": 20,
            },
        }
    )
    assert result is not None
    assert result.worker_name == "gpu-7#42"
    assert result.time_taken == 812
    assert result.cost == ChatCost("0.001", "0.05", "0.05", "0.1", 10, 20)
    assert result.cost.to_dict()["costInUSD"] == "0.001"


def test_chunk_dispatch_is_cheap() -> None:
    stream = ChatStreamAssembler("J")
    payload = {"jobID": "J", "content": "token "}
    count = 20_000
    start = time.perf_counter()
    for _ in range(count):
        stream.feed_tokens(payload)
    per_chunk = (time.perf_counter() - start) / count
    assert per_chunk < 20e-6, f"{per_chunk * 1e6:.1f} µs per chunk"
    assert len(stream.content) == 6 * count


# -- model info -------------------------------------------------------------------------------


def test_parse_llm_models_both_wire_forms() -> None:
    models = parse_llm_models(
        {
            "legacy-model": 3,
            "qwen": {
                "workers": 2,
                "maxContextLength": 262144,
                "maxOutputTokens": {
                    "min": 1,
                    "max": 32768,
                    "default": 4096,
                    "thinkingComplexDefault": 16384,
                },
                "temperature": {"min": 0, "max": 2, "decimals": 2, "default": 0.7},
                "defaultsThinking": {
                    "temperature": 0.6,
                    "top_p": 0.95,
                    "top_k": 20,
                    "presence_penalty": 0,
                },
                "newField": True,
            },
        }
    )
    assert models["legacy-model"] == LLMModelInfo(workers=3)
    qwen = models["qwen"]
    assert qwen.workers == 2 and qwen.max_context_length == 262144
    assert qwen.max_output_tokens is not None
    assert qwen.max_output_tokens.thinking_complex_default == 16384
    assert qwen.temperature is not None and qwen.temperature.decimals == 2
    assert qwen.defaults_thinking is not None and qwen.defaults_thinking.top_k == 20
    assert qwen.defaults_thinking.min_p is None
    assert qwen.extra == {"newField": True}
    assert qwen.constraint("max_tokens") is qwen.max_output_tokens
    assert qwen.constraint("top_p") is None and qwen.constraint("stream") is None
    assert qwen.temperature.allows(2) and not qwen.temperature.allows(2.01)
    assert qwen.temperature.describe() == "0 to 2"


def test_error_keeps_the_servers_error_code() -> None:
    assembler = ChatStreamAssembler("J")
    error = assembler.feed_error(
        {
            "jobID": "J",
            "error": "subscription_unavailable",
            "error_code": "4078",
            "error_message": "not entitled",
        }
    )
    assert error is not None and error.error_code == "4078"
    assert error.code == "subscription_unavailable" and "not entitled" in str(error)
    plain = ChatStreamAssembler("K").feed_error({"jobID": "K", "error": "boom"})
    assert plain is not None and plain.error_code is None
