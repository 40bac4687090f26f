"""Plans of LoRAs: the public catalogue and the account's personal LoRA library.

The catalogue (``GET /v1/loras/comfy``) is public: it lists every LoRA with the models
that accept it and the strength range it takes, so a picker never hard-codes either.
Personal LoRAs are the account's own imports (a Hugging Face or Civitai link); once
``ready`` they appear in the personal catalogue with ids ``personal-<id>`` and are passed
in a project's ``loras`` like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from sogni.core import loras as limits
from sogni.core._generated.models import (
    Lora,
    LoraCatalog,
    LoraConstraints,
    PersonalLora,
    PersonalLoraLibrary,
)
from sogni.core.checks import text
from sogni.core.context import CoreContext
from sogni.core.effects import RestCall
from sogni.core.errors import ApiError, ValidationError
from sogni.core.plans import Plan
from sogni.core.wire import from_wire, from_wire_list

__all__ = [
    "CATALOG_PATH",
    "DEFAULT_CONSTRAINTS",
    "IMPORT_HOSTS",
    "PERSONAL_CATALOG_PATH",
    "PERSONAL_PATH",
    "PERSONAL_PREFIX",
    "available_loras",
    "get_lora",
    "get_personal",
    "import_personal",
    "list_personal",
    "lora_constraints",
    "personal_catalog",
    "remove_personal",
    "supports_loras",
]

CATALOG_PATH = "/v1/loras/comfy"
PERSONAL_PATH = "/v1/loras/personal"
PERSONAL_CATALOG_PATH = "/v1/loras/personal/catalog"
PERSONAL_PREFIX = "personal-"
"""Catalogue ids of personal LoRAs start with this."""

DEFAULT_CONSTRAINTS = {
    "maxPerRequest": limits.MAX_PER_REQUEST,
    "minStrength": limits.MIN_STRENGTH,
    "maxStrength": limits.MAX_STRENGTH,
}
"""The loader's own limits, for a network that does not advertise them."""

IMPORT_HOSTS = ("huggingface.co", "civitai.com")
"""Where personal LoRAs can be imported from."""


def _optional_model(model_id: str | None) -> str | None:
    return None if model_id is None else text(model_id, "model_id")


def _rows(data: Any, what: str) -> list[Any]:
    rows = data.get("loras") if isinstance(data, Mapping) else None
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise ApiError(f"the {what} reply's loras is not a list")
    return rows


def _accepting(rows: Iterable[Any], model_id: str | None) -> list[Any]:
    """The rows whose ``modelIds`` include ``model_id`` (all rows without one): the network
    filters too, but one that predates the filter would send the whole catalogue."""
    if model_id is None:
        return list(rows)
    return [
        row for row in rows if isinstance(row, Mapping) and model_id in (row.get("modelIds") or ())
    ]


def _capable_models(rows: Iterable[Any]) -> list[str]:
    found = {
        model
        for row in rows
        if isinstance(row, Mapping)
        for model in row.get("modelIds") or ()
        if isinstance(model, str)
    }
    return sorted(found)


def available_loras(
    ctx: CoreContext, model_id: str | None = None, include_personal: bool = False
) -> Plan[LoraCatalog]:
    """The LoRA catalogue, or the LoRAs ``model_id`` accepts; with ``include_personal``
    the account's ready personal LoRAs are added."""
    model = _optional_model(model_id)
    if not isinstance(include_personal, bool):
        raise ValidationError("include_personal must be True or False", field="include_personal")
    data = yield RestCall(
        "GET", CATALOG_PATH, query={"modelId": model} if model else None, authorize=False
    )
    all_rows = _rows(data, "LoRA catalogue")
    rows = _accepting(all_rows, model)
    body = data if isinstance(data, Mapping) else {}
    models = body.get("models")
    if not isinstance(models, list):
        models = _capable_models(all_rows)
    if include_personal:
        personal = yield from _personal_rows(ctx)
        rows += _accepting(personal, model)
        models = sorted({*models, *_capable_models(personal)})
    catalog = {
        "loras": rows,
        "models": models,
        "constraints": body.get("constraints") or DEFAULT_CONSTRAINTS,
    }
    if body.get("lastUpdated") is not None:
        catalog["lastUpdated"] = body["lastUpdated"]
    return from_wire(LoraCatalog, catalog)


def get_lora(ctx: CoreContext, lora_id: str) -> Plan[Lora | None]:
    """One LoRA's catalogue entry (a personal one for ``personal-`` ids), ``None`` if the
    catalogue does not have it."""
    wanted = text(lora_id, "lora_id")
    if wanted.startswith(PERSONAL_PREFIX):
        rows = yield from _personal_rows(ctx)
    else:
        data = yield RestCall("GET", CATALOG_PATH, authorize=False)
        rows = _rows(data, "LoRA catalogue")
    for row in rows:
        if isinstance(row, Mapping) and row.get("loraId") == wanted:
            return from_wire(Lora, row)
    return None


def supports_loras(ctx: CoreContext, model_id: str) -> Plan[bool]:
    """Whether ``model_id`` accepts any LoRA."""
    model = text(model_id, "model_id")
    catalog = yield from available_loras(ctx)
    return model in catalog.models


def lora_constraints(ctx: CoreContext) -> Plan[LoraConstraints]:
    """The limits of every LoRA request: how many stack, and the loader's strength bounds."""
    catalog = yield from available_loras(ctx)
    return catalog.constraints


# -- the personal library ---------------------------------------------------------------
def _personal_id(value: Any) -> str:
    return quote(text(value, "lora_id"), safe="")


def _personal_rows(ctx: CoreContext) -> Plan[list[Any]]:
    data = yield RestCall("GET", PERSONAL_CATALOG_PATH)
    return _rows(data, "personal LoRA catalogue")


def list_personal(ctx: CoreContext) -> Plan[PersonalLoraLibrary]:
    """The account's imports with their status, the models an import may target, and the
    library's limits (readable also after a subscription lapsed)."""
    data = yield RestCall("GET", PERSONAL_PATH)
    return from_wire(PersonalLoraLibrary, data)


def get_personal(ctx: CoreContext, lora_id: str) -> Plan[PersonalLora]:
    """One import, as it stands now."""
    path = f"{PERSONAL_PATH}/{_personal_id(lora_id)}"
    data = yield RestCall("GET", path)
    return from_wire(PersonalLora, data)


def _import_url(value: Any) -> str:
    url = text(value, "url")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not any(
        host == allowed or host.endswith("." + allowed) for allowed in IMPORT_HOSTS
    ):
        raise ValidationError(
            f"url must be an https link to Hugging Face or Civitai, got {url!r}",
            field="url",
            allowed="https://huggingface.co/... (a .safetensors file) or https://civitai.com/models/...",
        )
    return url


def import_personal(
    ctx: CoreContext, url: str, name: str, model_id: str, rights_confirmed: bool = False
) -> Plan[PersonalLora]:
    """Start importing a LoRA into the personal library; it is ``queued`` at first."""
    body = {
        "url": _import_url(url),
        "name": text(name, "name"),
        "modelId": text(model_id, "model_id"),
        "rightsConfirmed": rights_confirmed,
    }
    if rights_confirmed is not True:
        raise ValidationError(
            "rights_confirmed must be True: confirm you may use the file on Sogni",
            field="rights_confirmed",
            allowed=[True],
        )
    data = yield RestCall("POST", PERSONAL_PATH, json=body, idempotent=False)
    return from_wire(PersonalLora, data)


def remove_personal(ctx: CoreContext, lora_id: str) -> Plan[None]:
    """Remove an import from the library."""
    yield RestCall("DELETE", f"{PERSONAL_PATH}/{_personal_id(lora_id)}")


def personal_catalog(ctx: CoreContext, model_id: str | None = None) -> Plan[list[Lora]]:
    """The ready personal LoRAs as catalogue entries (ids ``personal-<id>``), or those
    ``model_id`` accepts; needs an active subscription."""
    model = _optional_model(model_id)
    rows = yield from _personal_rows(ctx)
    return from_wire_list(Lora, _accepting(rows, model))
