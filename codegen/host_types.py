"""The Python side of the schemas: host types, and where every name an annotation uses
comes from.

A schema says what a value is in JSON Schema terms. Some values have no JSON meaning (a
file to upload, a callback, an ``httpx`` object) or are hand-written classes of the SDK
rather than generated models; a schema names those with ``"x-host-type": "<name>"`` and
this module says once which Python annotation each name stands for.
"""

from __future__ import annotations

#: ``x-host-type`` name -> the Python annotation it stands for.
HOST_TYPES: dict[str, str] = {
    # Values with no JSON meaning.
    "asset": "AssetInput",
    "upload-source": "str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO",
    "timeout": "float | httpx.Timeout",
    "http-client": "httpx.Client | httpx.AsyncClient",
    "decimal": "Decimal",
    "datetime": "datetime",
    "tool-definitions": "Iterable[Mapping[str, Any]]",
    # Callbacks, and the function that removes one.
    "event-callback": "Callable[[Any], Any]",
    "tool-call-callback": "Callable[[ToolCall], Any]",
    "tool-progress-callback": "Callable[[ToolCall, ToolProgress], Any]",
    "progress-callback": "Callable[[ToolProgress], Any]",
    "unsubscribe": "Callable[[], None]",
    # Event names the client's ``on`` methods accept.
    "chat-event": "ChatEvent",
    "projects-event": "ProjectsEvent",
    # Hand-written classes of the SDK.
    "account-state": "AccountState",
    "chat-completion": "ChatCompletion",
    "chat-message": "ChatMessageInput",
    "hosted-chat-completion": "HostedChatCompletion",
    "llm-cost-estimate": "LLMCostEstimate",
    "llm-model-info": "LLMModelInfo",
    "model-options": "ModelOptions",
    "token-approval": "TokenApproval",
    "token-pair": "TokenPair",
    "token-transfer": "TokenTransfer",
    "tool-call": "ToolCall",
    "tool-result": "ToolResult",
    "username-check": "UsernameCheck",
    "video-asset-config": "VideoAssetConfig",
    "wallet": "Wallet",
    # What the clients wrap in their own views.
    "chat-job": "ChatJob",
    "project-state": "ProjectState",
}

#: Name used in an annotation -> the module it is imported from. ``None``: the name is a
#: module, imported whole (``import httpx`` for ``httpx.Timeout``). Generated models and
#: vocabulary types are found without this table.
SOURCES: dict[str, str | None] = {
    "Any": "typing",
    "BinaryIO": "typing",
    "Literal": "typing",
    "AsyncIterator": "collections.abc",
    "Callable": "collections.abc",
    "Iterable": "collections.abc",
    "Iterator": "collections.abc",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "Decimal": "decimal",
    "datetime": "datetime",
    "builtins": None,
    "httpx": None,
    "os": None,
    "ProjectsEvent": "sogni._runtime.events",
    "AccountState": "sogni.core.account",
    "TokenApproval": "sogni.core.account",
    "TokenTransfer": "sogni.core.account",
    "UsernameCheck": "sogni.core.account",
    "AssetInput": "sogni.core.assets",
    "TokenPair": "sogni.core.auth",
    "ChatCompletion": "sogni.core.chat",
    "HostedChatCompletion": "sogni.core.chat",
    "LLMCostEstimate": "sogni.core.chat",
    "LLMModelInfo": "sogni.core.chat",
    "ToolCall": "sogni.core.chat",
    "ToolProgress": "sogni.core.chat",
    "ToolResult": "sogni.core.chat",
    "ChatJob": "sogni.core.chat.context",
    "ChatEvent": "sogni.core.chat.events",
    "ChatMessageInput": "sogni.core.chat.results",
    "ModelOptions": "sogni.core.model_options",
    "ProjectState": "sogni.core.projects",
    "VideoAssetConfig": "sogni.core.video",
    "Wallet": "sogni.wallet",
}

#: Names every module has without an import.
BUILTINS = frozenset(
    {"None", "True", "False", "bool", "bytearray", "bytes", "dict", "float", "int", "list"}
    | {"memoryview", "str", "tuple", "type"}
)
