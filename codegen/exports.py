"""The public names of each package, by the module that defines them.

The one list each package's ``__init__`` is written from by ``python -m codegen``: its
imports (eager ones, and the ones only type checkers follow), ``__all__`` and the table of
names loaded on first use.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Package:
    """One package's docstring and exports."""

    doc: str
    #: Module -> names imported when the package is imported.
    eager: dict[str, tuple[str, ...]]
    #: Module -> names imported when first used.
    lazy: dict[str, tuple[str, ...]]
    #: Whether the package offers ``__version__``.
    version: bool = False


PACKAGES = {
    "sogni": Package(
        doc=(
            "Python SDK for the Sogni Supernet: images, image edits, video, music and LLM chat.\n"
            "\n"
            "``SogniClient`` is synchronous and needs no event loop; "
            "``sogni_async.AsyncSogniClient``\n"
            "is its asyncio twin. Importing ``sogni`` is cheap: transports load when a client is "
            "made."
        ),
        eager={
            "sogni.errors": (
                "APIConnectionError",
                "ApiError",
                "AuthenticationError",
                "BadRequestError",
                "ChatJobError",
                "ClientClosed",
                "ConflictError",
                "ConnectionLost",
                "InternalServerError",
                "MissingExtraError",
                "NotDelivered",
                "NotFoundError",
                "PermissionDeniedError",
                "ProjectCanceled",
                "ProjectFailed",
                "RateLimitError",
                "SogniError",
                "SogniTimeoutError",
                "UnprocessableEntityError",
                "UploadError",
                "ValidationError",
                "WrongEventLoop",
            ),
        },
        lazy={
            "sogni._runtime.events": ("ConnectionEvent",),
            "sogni._sync._generated.chat": ("ChatStream",),
            "sogni._sync._generated.project": (
                "Job",
                "Project",
            ),
            "sogni._sync.client": ("SogniClient",),
            "sogni.core._generated.models": (
                "AccountProfile",
                "Announcement",
                "AudioProjectParams",
                "Balances",
                "ChatRunEvent",
                "ChatRunRecord",
                "ControlNet",
                "CostEstimate",
                "HostedToolExecution",
                "ImageProjectParams",
                "JobSnapshot",
                "Lora",
                "LoraCatalog",
                "ModelInfo",
                "PersonalLora",
                "ProjectResult",
                "ProjectSnapshot",
                "ProjectStatusSnapshot",
                "ProjectSyncResult",
                "RecentProject",
                "RecoveredProject",
                "ReplayRecord",
                "SavedAsset",
                "SizePreset",
                "Subscription",
                "SubscriptionPlan",
                "SupportedModel",
                "VideoProjectParams",
                "WorkflowArtifact",
                "WorkflowEvent",
                "WorkflowRecord",
                "WorkflowSseFrame",
                "WorkflowTemplate",
            ),
            "sogni.core.account": (
                "AccountState",
                "TokenApproval",
                "TokenTransfer",
                "UsernameCheck",
            ),
            "sogni.core.assets": (
                "AssetInput",
                "AssetRef",
            ),
            "sogni.core.auth": ("TokenPair",),
            "sogni.core.chat": (
                "ChatChunk",
                "ChatCompletion",
                "ChatCost",
                "ChatJobState",
                "HostedChatCompletion",
                "LLMCostEstimate",
                "LLMModelInfo",
                "SogniTools",
                "ToolCall",
                "ToolProgress",
                "ToolResult",
                "ToolRound",
                "Usage",
                "is_sogni_tool_call",
                "parse_tool_call_arguments",
            ),
            "sogni.core.chat.events": (
                "ChatErrorEvent",
                "ChatEvent",
            ),
            "sogni.core.effects": ("RemoteAsset",),
            "sogni.core.model_options": ("ModelOptions",),
            "sogni.core.projects": (
                "JobError",
                "ProjectEvent",
            ),
            "sogni.core.video": ("VideoAssetConfig",),
        },
        version=True,
    ),
    "sogni_async": Package(
        doc=(
            "Async twin of the ``sogni`` SDK: the same surface, awaitable, for asyncio code.\n"
            "\n"
            "Importing this package is cheap; the client and its transports load on first use."
        ),
        eager={},
        lazy={
            "sogni_async._chat": ("AsyncChatStream",),
            "sogni_async._client": ("AsyncSogniClient",),
            "sogni_async._project": (
                "AsyncJob",
                "AsyncProject",
            ),
        },
        version=True,
    ),
    "sogni.core.chat": Package(
        doc=(
            "Sans-I/O core of LLM chat and tool calling.\n"
            "\n"
            "- :mod:`.request` builds the ``llmJobRequest`` socket message and the hosted REST "
            "body;\n"
            "- :mod:`.messages` / :mod:`.vision` / :mod:`.media` check and normalise messages "
            "and images;\n"
            "- :mod:`.stream` assembles a job's answer from socket events;\n"
            "- :mod:`.estimate` prices a request;\n"
            "- :mod:`.model_info` parses the LLM model map;\n"
            "- :mod:`.tools` / :mod:`.routing` describe and plan the Sogni platform tools;\n"
            "- :mod:`.hosted` parses hosted chat completions;\n"
            "- :mod:`.context` is the chat state plans read (LLM models, running jobs).\n"
            "\n"
            "Nothing here performs I/O; the client drives these pieces."
        ),
        eager={},
        lazy={
            "sogni.core.chat.context": (
                "DEFAULT_CHAT_TIMEOUT",
                "ChatContext",
            ),
            "sogni.core.chat.estimate": (
                "LLMCostEstimate",
                "count_input_tokens",
                "llm_estimate_path",
                "parse_llm_estimate",
                "resolve_max_output_tokens",
            ),
            "sogni.core.chat.hosted": (
                "CreativeWorkflowRef",
                "HostedChatChoice",
                "HostedChatCompletion",
                "HostedChatMessage",
                "parse_hosted_chat_completion",
            ),
            "sogni.core.chat.media": (
                "InlineMedia",
                "bytes_to_data_uri",
                "parse_data_uri",
            ),
            "sogni.core.chat.messages": ("normalize_messages",),
            "sogni.core.chat.model_info": (
                "LLMModelInfo",
                "LLMParamConstraint",
                "LLMSamplingDefaults",
                "parse_llm_models",
            ),
            "sogni.core.chat.request": (
                "build_hosted_chat_body",
                "build_llm_job_request",
                "unwrap_hosted_chat_response",
            ),
            "sogni.core.chat.results": (
                "ChatChunk",
                "ChatCompletion",
                "ChatCost",
                "ChatJobState",
                "FunctionCall",
                "FunctionCallDelta",
                "ToolCall",
                "ToolCallDelta",
                "ToolProgress",
                "ToolResult",
                "ToolRound",
                "Usage",
            ),
            "sogni.core.chat.routing": (
                "AvailableModel",
                "resolve_model_selector",
                "select_backbone_model",
            ),
            "sogni.core.chat.stream": ("ChatStreamAssembler",),
            "sogni.core.chat.tools": (
                "SogniTools",
                "ToolPlan",
                "build_sogni_tools",
                "check_tool_batch",
                "is_sogni_tool_call",
                "parse_tool_call_arguments",
                "plan_tool_call",
                "tool_call_to_project_params",
                "tool_error_result",
                "tool_handler_result",
                "tool_round_messages",
                "tool_success_result",
                "validate_tool_arguments",
            ),
            "sogni.core.chat.vision": (
                "image_to_data_uri",
                "normalize_image_source",
            ),
        },
    ),
}
