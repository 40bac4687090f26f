"""Python SDK for the Sogni Supernet: images, image edits, video, music and LLM chat.

``SogniClient`` is synchronous and needs no event loop; ``sogni_async.AsyncSogniClient``
is its asyncio twin. Importing ``sogni`` is cheap: transports load when a client is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sogni._version import __version__ as __version__
from sogni.errors import (
    APIConnectionError,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ChatJobError,
    ClientClosed,
    ConflictError,
    ConnectionLost,
    InternalServerError,
    MissingExtraError,
    NotDelivered,
    NotFoundError,
    PermissionDeniedError,
    ProjectCanceled,
    ProjectFailed,
    RateLimitError,
    SogniError,
    SogniTimeoutError,
    UnprocessableEntityError,
    UploadError,
    ValidationError,
    WrongEventLoop,
)

if TYPE_CHECKING:
    from sogni._runtime.events import ConnectionEvent
    from sogni._sync._generated.chat import ChatStream
    from sogni._sync._generated.project import Job, Project
    from sogni._sync.client import SogniClient
    from sogni.core._generated.models import (
        AccountProfile,
        Announcement,
        AudioProjectParams,
        Balances,
        ChatRunEvent,
        ChatRunRecord,
        ControlNet,
        CostEstimate,
        HostedToolExecution,
        ImageProjectParams,
        JobSnapshot,
        Lora,
        LoraCatalog,
        ModelInfo,
        PersonalLora,
        ProjectResult,
        ProjectSnapshot,
        ProjectStatusSnapshot,
        ProjectSyncResult,
        RecentProject,
        RecoveredProject,
        ReplayRecord,
        SavedAsset,
        SizePreset,
        Subscription,
        SubscriptionPlan,
        SupportedModel,
        VideoProjectParams,
        WorkflowArtifact,
        WorkflowEvent,
        WorkflowRecord,
        WorkflowSseFrame,
        WorkflowTemplate,
    )
    from sogni.core.account import AccountState, TokenApproval, TokenTransfer, UsernameCheck
    from sogni.core.assets import AssetInput, AssetRef
    from sogni.core.auth import TokenPair
    from sogni.core.chat import (
        ChatChunk,
        ChatCompletion,
        ChatCost,
        ChatJobState,
        HostedChatCompletion,
        LLMCostEstimate,
        LLMModelInfo,
        SogniTools,
        ToolCall,
        ToolProgress,
        ToolResult,
        ToolRound,
        Usage,
        is_sogni_tool_call,
        parse_tool_call_arguments,
    )
    from sogni.core.chat.events import ChatErrorEvent, ChatEvent
    from sogni.core.effects import RemoteAsset
    from sogni.core.model_options import ModelOptions
    from sogni.core.projects import JobError, ProjectEvent
    from sogni.core.video import VideoAssetConfig

__all__ = [
    "APIConnectionError",
    "AccountProfile",
    "AccountState",
    "Announcement",
    "ApiError",
    "AssetInput",
    "AssetRef",
    "AudioProjectParams",
    "AuthenticationError",
    "BadRequestError",
    "Balances",
    "ChatChunk",
    "ChatCompletion",
    "ChatCost",
    "ChatErrorEvent",
    "ChatEvent",
    "ChatJobError",
    "ChatJobState",
    "ChatRunEvent",
    "ChatRunRecord",
    "ChatStream",
    "ClientClosed",
    "ConflictError",
    "ConnectionEvent",
    "ConnectionLost",
    "ControlNet",
    "CostEstimate",
    "HostedChatCompletion",
    "HostedToolExecution",
    "ImageProjectParams",
    "InternalServerError",
    "Job",
    "JobError",
    "JobSnapshot",
    "LLMCostEstimate",
    "LLMModelInfo",
    "Lora",
    "LoraCatalog",
    "MissingExtraError",
    "ModelInfo",
    "ModelOptions",
    "NotDelivered",
    "NotFoundError",
    "PermissionDeniedError",
    "PersonalLora",
    "Project",
    "ProjectCanceled",
    "ProjectEvent",
    "ProjectFailed",
    "ProjectResult",
    "ProjectSnapshot",
    "ProjectStatusSnapshot",
    "ProjectSyncResult",
    "RateLimitError",
    "RecentProject",
    "RecoveredProject",
    "RemoteAsset",
    "ReplayRecord",
    "SavedAsset",
    "SizePreset",
    "SogniClient",
    "SogniError",
    "SogniTimeoutError",
    "SogniTools",
    "Subscription",
    "SubscriptionPlan",
    "SupportedModel",
    "TokenApproval",
    "TokenPair",
    "TokenTransfer",
    "ToolCall",
    "ToolProgress",
    "ToolResult",
    "ToolRound",
    "UnprocessableEntityError",
    "UploadError",
    "Usage",
    "UsernameCheck",
    "ValidationError",
    "VideoAssetConfig",
    "VideoProjectParams",
    "WorkflowArtifact",
    "WorkflowEvent",
    "WorkflowRecord",
    "WorkflowSseFrame",
    "WorkflowTemplate",
    "WrongEventLoop",
    "is_sogni_tool_call",
    "parse_tool_call_arguments",
]

_LAZY = {
    "SogniClient": "sogni._sync.client",
    "Project": "sogni._sync._generated.project",
    "Job": "sogni._sync._generated.project",
    "ImageProjectParams": "sogni.core._generated.models",
    "ModelInfo": "sogni.core._generated.models",
    "SizePreset": "sogni.core._generated.models",
    "SupportedModel": "sogni.core._generated.models",
    "ModelOptions": "sogni.core.model_options",
    "ProjectEvent": "sogni.core.projects",
    "JobError": "sogni.core.projects",
    "AssetInput": "sogni.core.assets",
    "AssetRef": "sogni.core.assets",
    "RemoteAsset": "sogni.core.effects",
    "VideoAssetConfig": "sogni.core.video",
    **dict.fromkeys(
        (
            "AudioProjectParams",
            "ControlNet",
            "CostEstimate",
            "JobSnapshot",
            "ProjectSnapshot",
            "VideoProjectParams",
            "AccountProfile",
            "Balances",
            "WorkflowArtifact",
            "WorkflowEvent",
            "WorkflowRecord",
            "ProjectStatusSnapshot",
            "RecoveredProject",
            "ProjectSyncResult",
            "ProjectResult",
            "RecentProject",
            "Lora",
            "LoraCatalog",
            "PersonalLora",
            "SavedAsset",
            "ChatRunRecord",
            "ChatRunEvent",
            "HostedToolExecution",
            "WorkflowTemplate",
            "Subscription",
            "SubscriptionPlan",
            "Announcement",
            "ReplayRecord",
            "WorkflowSseFrame",
        ),
        "sogni.core._generated.models",
    ),
    "ConnectionEvent": "sogni._runtime.events",
    **dict.fromkeys(
        ("AccountState", "TokenApproval", "TokenTransfer", "UsernameCheck"), "sogni.core.account"
    ),
    **dict.fromkeys(("ChatErrorEvent", "ChatEvent"), "sogni.core.chat.events"),
    "TokenPair": "sogni.core.auth",
    "ChatStream": "sogni._sync._generated.chat",
    **dict.fromkeys(
        (
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
        "sogni.core.chat",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sogni' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
