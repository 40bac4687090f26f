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

from .context import DEFAULT_CHAT_TIMEOUT, ChatContext
from .estimate import (
    LLMCostEstimate,
    count_input_tokens,
    llm_estimate_path,
    parse_llm_estimate,
    resolve_max_output_tokens,
)
from .hosted import (
    CreativeWorkflowRef,
    HostedChatChoice,
    HostedChatCompletion,
    HostedChatMessage,
    parse_hosted_chat_completion,
)
from .media import InlineMedia, bytes_to_data_uri, parse_data_uri
from .messages import normalize_messages
from .model_info import LLMModelInfo, LLMParamConstraint, LLMSamplingDefaults, parse_llm_models
from .request import build_hosted_chat_body, build_llm_job_request, unwrap_hosted_chat_response
from .results import (
    ChatChunk,
    ChatCompletion,
    ChatCost,
    ChatJobState,
    FunctionCall,
    FunctionCallDelta,
    ToolCall,
    ToolCallDelta,
    ToolProgress,
    ToolResult,
    ToolRound,
    Usage,
)
from .routing import AvailableModel, resolve_model_selector, select_backbone_model
from .stream import ChatStreamAssembler
from .tools import (
    SogniTools,
    ToolPlan,
    build_sogni_tools,
    check_tool_batch,
    is_sogni_tool_call,
    parse_tool_call_arguments,
    plan_tool_call,
    tool_call_to_project_params,
    tool_error_result,
    tool_handler_result,
    tool_round_messages,
    tool_success_result,
    validate_tool_arguments,
)
from .vision import image_to_data_uri, normalize_image_source

__all__ = [
    "DEFAULT_CHAT_TIMEOUT",
    "AvailableModel",
    "ChatChunk",
    "ChatCompletion",
    "ChatContext",
    "ChatCost",
    "ChatJobState",
    "ChatStreamAssembler",
    "CreativeWorkflowRef",
    "FunctionCall",
    "FunctionCallDelta",
    "HostedChatChoice",
    "HostedChatCompletion",
    "HostedChatMessage",
    "InlineMedia",
    "LLMCostEstimate",
    "LLMModelInfo",
    "LLMParamConstraint",
    "LLMSamplingDefaults",
    "SogniTools",
    "ToolCall",
    "ToolCallDelta",
    "ToolPlan",
    "ToolProgress",
    "ToolResult",
    "ToolRound",
    "Usage",
    "build_hosted_chat_body",
    "build_llm_job_request",
    "build_sogni_tools",
    "bytes_to_data_uri",
    "check_tool_batch",
    "count_input_tokens",
    "image_to_data_uri",
    "is_sogni_tool_call",
    "llm_estimate_path",
    "normalize_image_source",
    "normalize_messages",
    "parse_data_uri",
    "parse_hosted_chat_completion",
    "parse_llm_estimate",
    "parse_llm_models",
    "parse_tool_call_arguments",
    "plan_tool_call",
    "resolve_max_output_tokens",
    "resolve_model_selector",
    "select_backbone_model",
    "tool_call_to_project_params",
    "tool_error_result",
    "tool_handler_result",
    "tool_round_messages",
    "tool_success_result",
    "unwrap_hosted_chat_response",
    "validate_tool_arguments",
]
