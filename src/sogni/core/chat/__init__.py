"""Sans-I/O core of LLM chat and tool calling.

- :mod:`.request` builds the ``llmJobRequest`` socket message and the hosted REST body;
- :mod:`.messages` / :mod:`.vision` / :mod:`.media` check and normalise messages and images;
- :mod:`.stream` assembles a job's answer from socket events;
- :mod:`.estimate` prices a request;
- :mod:`.model_info` parses the LLM model map;
- :mod:`.tools` / :mod:`.routing` describe and plan the Sogni platform tools;
- :mod:`.hosted` parses hosted chat completions;
- :mod:`.context` is the chat state plans read (LLM models, running jobs).

Nothing here performs I/O; the client drives these pieces.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for type checkers (``as``: re-exported)
    from .context import DEFAULT_CHAT_TIMEOUT as DEFAULT_CHAT_TIMEOUT
    from .context import ChatContext as ChatContext
    from .estimate import (
        LLMCostEstimate as LLMCostEstimate,
    )
    from .estimate import (
        count_input_tokens as count_input_tokens,
    )
    from .estimate import (
        llm_estimate_path as llm_estimate_path,
    )
    from .estimate import (
        parse_llm_estimate as parse_llm_estimate,
    )
    from .estimate import (
        resolve_max_output_tokens as resolve_max_output_tokens,
    )
    from .hosted import (
        CreativeWorkflowRef as CreativeWorkflowRef,
    )
    from .hosted import (
        HostedChatChoice as HostedChatChoice,
    )
    from .hosted import (
        HostedChatCompletion as HostedChatCompletion,
    )
    from .hosted import (
        HostedChatMessage as HostedChatMessage,
    )
    from .hosted import (
        parse_hosted_chat_completion as parse_hosted_chat_completion,
    )
    from .media import (
        InlineMedia as InlineMedia,
    )
    from .media import (
        bytes_to_data_uri as bytes_to_data_uri,
    )
    from .media import (
        parse_data_uri as parse_data_uri,
    )
    from .messages import normalize_messages as normalize_messages
    from .model_info import (
        LLMModelInfo as LLMModelInfo,
    )
    from .model_info import (
        LLMParamConstraint as LLMParamConstraint,
    )
    from .model_info import (
        LLMSamplingDefaults as LLMSamplingDefaults,
    )
    from .model_info import (
        parse_llm_models as parse_llm_models,
    )
    from .request import (
        build_hosted_chat_body as build_hosted_chat_body,
    )
    from .request import (
        build_llm_job_request as build_llm_job_request,
    )
    from .request import (
        unwrap_hosted_chat_response as unwrap_hosted_chat_response,
    )
    from .results import (
        ChatChunk as ChatChunk,
    )
    from .results import (
        ChatCompletion as ChatCompletion,
    )
    from .results import (
        ChatCost as ChatCost,
    )
    from .results import (
        ChatJobState as ChatJobState,
    )
    from .results import (
        FunctionCall as FunctionCall,
    )
    from .results import (
        FunctionCallDelta as FunctionCallDelta,
    )
    from .results import (
        ToolCall as ToolCall,
    )
    from .results import (
        ToolCallDelta as ToolCallDelta,
    )
    from .results import (
        ToolProgress as ToolProgress,
    )
    from .results import (
        ToolResult as ToolResult,
    )
    from .results import (
        ToolRound as ToolRound,
    )
    from .results import (
        Usage as Usage,
    )
    from .routing import (
        AvailableModel as AvailableModel,
    )
    from .routing import (
        resolve_model_selector as resolve_model_selector,
    )
    from .routing import (
        select_backbone_model as select_backbone_model,
    )
    from .stream import ChatStreamAssembler as ChatStreamAssembler
    from .tools import (
        SogniTools as SogniTools,
    )
    from .tools import (
        ToolPlan as ToolPlan,
    )
    from .tools import (
        build_sogni_tools as build_sogni_tools,
    )
    from .tools import (
        check_tool_batch as check_tool_batch,
    )
    from .tools import (
        is_sogni_tool_call as is_sogni_tool_call,
    )
    from .tools import (
        parse_tool_call_arguments as parse_tool_call_arguments,
    )
    from .tools import (
        plan_tool_call as plan_tool_call,
    )
    from .tools import (
        tool_call_to_project_params as tool_call_to_project_params,
    )
    from .tools import (
        tool_error_result as tool_error_result,
    )
    from .tools import (
        tool_handler_result as tool_handler_result,
    )
    from .tools import (
        tool_round_messages as tool_round_messages,
    )
    from .tools import (
        tool_success_result as tool_success_result,
    )
    from .tools import (
        validate_tool_arguments as validate_tool_arguments,
    )
    from .vision import (
        image_to_data_uri as image_to_data_uri,
    )
    from .vision import (
        normalize_image_source as normalize_image_source,
    )

#: Each exported name and the module it comes from, loaded when the name is first used: a
#: client that streams chat never loads tool planning, hosted parsing or estimates it
#: does not use. (``tests/unit/test_one_home.py`` holds the imports above to this table.)
_HOMES = {
    "DEFAULT_CHAT_TIMEOUT": "context",
    "AvailableModel": "routing",
    "ChatChunk": "results",
    "ChatCompletion": "results",
    "ChatContext": "context",
    "ChatCost": "results",
    "ChatJobState": "results",
    "ChatStreamAssembler": "stream",
    "CreativeWorkflowRef": "hosted",
    "FunctionCall": "results",
    "FunctionCallDelta": "results",
    "HostedChatChoice": "hosted",
    "HostedChatCompletion": "hosted",
    "HostedChatMessage": "hosted",
    "InlineMedia": "media",
    "LLMCostEstimate": "estimate",
    "LLMModelInfo": "model_info",
    "LLMParamConstraint": "model_info",
    "LLMSamplingDefaults": "model_info",
    "SogniTools": "tools",
    "ToolCall": "results",
    "ToolCallDelta": "results",
    "ToolPlan": "tools",
    "ToolProgress": "results",
    "ToolResult": "results",
    "ToolRound": "results",
    "Usage": "results",
    "build_hosted_chat_body": "request",
    "build_llm_job_request": "request",
    "build_sogni_tools": "tools",
    "bytes_to_data_uri": "media",
    "check_tool_batch": "tools",
    "count_input_tokens": "estimate",
    "image_to_data_uri": "vision",
    "is_sogni_tool_call": "tools",
    "llm_estimate_path": "estimate",
    "normalize_image_source": "vision",
    "normalize_messages": "messages",
    "parse_data_uri": "media",
    "parse_hosted_chat_completion": "hosted",
    "parse_llm_estimate": "estimate",
    "parse_llm_models": "model_info",
    "parse_tool_call_arguments": "tools",
    "plan_tool_call": "tools",
    "resolve_max_output_tokens": "estimate",
    "resolve_model_selector": "routing",
    "select_backbone_model": "routing",
    "tool_call_to_project_params": "tools",
    "tool_error_result": "tools",
    "tool_handler_result": "tools",
    "tool_round_messages": "tools",
    "tool_success_result": "tools",
    "unwrap_hosted_chat_response": "request",
    "validate_tool_arguments": "tools",
}

__all__ = list(_HOMES)


def __getattr__(name: str) -> Any:
    module = _HOMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
