"""LoRAs (``{status, data}`` envelope): the public catalogue for the Krea 2 and Z-Image
models the local network announces, and each account's personal LoRA library.

A personal import is checked when it arrives (the link, the target model, the rights
confirmation, a subscription), then validated in the background: ``queued``, then
``validating``, then ``ready`` (a Hugging Face link that is not a ``.safetensors`` file ends
``rejected`` with ``invalid_artifact``). Ready imports appear in the personal catalogue as
``personal-<id>``.
"""

from __future__ import annotations

import re
import time
import uuid
import weakref
from typing import Any
from urllib.parse import urlsplit

import attrs
from aiohttp import web

from . import envelope
from .billing_api import is_subscribed, refused, subscription_required
from .routing import Route
from .state import STATE, SupernetState, caller

__all__ = ["CATALOG", "CONSTRAINTS", "IMPORT_TARGETS", "ROUTES"]

KREA2 = ["krea2_turbo_fp8_scaled", "krea2_identity_edit_v1_2"]
ZIMAGE = ["z_image_turbo_bf16", "z_image_bf16"]

CONSTRAINTS = {"maxPerRequest": 5, "minStrength": -10, "maxStrength": 10}
"""The limits the catalogue advertises."""

LAST_UPDATED = "2026-04-30T12:00:00.000Z"


def _ui(
    low: float,
    high: float,
    default: float,
    category: str,
    *,
    recommended: tuple[float, float],
    step: float = 0.05,
    **extra: Any,
) -> dict[str, Any]:
    ui = {
        "min": low,
        "max": high,
        "default": default,
        "step": step,
        "recommendedMin": recommended[0],
        "recommendedMax": recommended[1],
        "category": category,
        "nsfw": False,
        "sexual": False,
        "creator": "Sogni",
        "sourceUrl": "https://huggingface.co/sogni-ai",
    }
    ui.update(extra)
    return ui


CATALOG: list[dict[str, Any]] = [
    {
        "loraId": "krea2-warm-light",
        "slug": "warm-light",
        "name": "Warm Light",
        "description": "Moves the light from cool and dark to warm and golden.",
        "relatedLoraIds": ["krea2-film-grain"],
        "modelIds": KREA2,
        "ui": _ui(
            -2,
            2,
            0,
            "lighting",
            recommended=(-1, 1),
            rangeLabels={"min": "Cooler & Darker", "max": "Warmer & Golden"},
            examples=[
                {
                    "url": "https://example.invalid/loras/warm-light-1.jpg",
                    "caption": "A street at dusk",
                    "prompt": "a street at dusk",
                }
            ],
            examplePrompt="a quiet street at dusk",
        ),
    },
    {
        "loraId": "krea2-film-grain",
        "slug": "film-grain",
        "name": "Film Grain",
        "description": "Analogue film grain and halation.",
        "relatedLoraIds": ["krea2-warm-light"],
        "modelIds": KREA2,
        "ui": _ui(
            0,
            1.5,
            0.8,
            "art-direction",
            recommended=(0.4, 1.1),
            license="CC-BY-4.0",
            licenseUrl="https://creativecommons.org/licenses/by/4.0/",
        ),
    },
    {
        "loraId": "krea2-chest-width",
        "slug": "chest-width",
        "name": "Chest Width",
        "description": "Narrower or broader shoulders and chest.",
        "relatedLoraIds": [],
        "modelIds": ["krea2_turbo_fp8_scaled"],
        "ui": _ui(
            -3,
            3,
            0,
            "character",
            recommended=(-1.5, 1.5),
            step=0.1,
            rangeLabels={"min": "Narrower", "max": "Broader"},
            section={"id": "chest", "label": "Chest", "order": 1},
        ),
    },
    {
        "loraId": "krea2-body-horror",
        "slug": "body-horror",
        "name": "Body Horror",
        "description": "Uncanny, unsettling anatomy.",
        "relatedLoraIds": [],
        "modelIds": ["krea2_turbo_fp8_scaled"],
        "ui": _ui(0, 1.2, 0.7, "horror", recommended=(0.3, 1), nsfw=True),
    },
    {
        "loraId": "zimage-watercolor",
        "slug": "watercolor",
        "name": "Watercolor",
        "description": "Loose watercolour washes on textured paper.",
        "relatedLoraIds": [],
        "modelIds": ZIMAGE,
        "ui": _ui(0, 1.2, 1, "art-direction", recommended=(0.6, 1.1)),
    },
    {
        "loraId": "zimage-detail",
        "slug": "detail",
        "name": "Detail",
        "description": "Less or more fine detail.",
        "relatedLoraIds": [],
        "modelIds": ["z_image_turbo_bf16"],
        "ui": _ui(
            -1,
            1.5,
            0.5,
            "quality",
            recommended=(0, 1),
            rangeLabels={"min": "Simpler", "max": "More detailed"},
        ),
    },
]
"""The public LoRA catalogue."""

IMPORT_TARGETS = ["krea2_turbo_fp8_scaled", "z_image_turbo_bf16"]
"""Models a personal LoRA may be imported for."""

MAX_ENTRIES = 20
IMPORTS_PER_DAY = 10
LIMITS = {
    "entries": MAX_ENTRIES,
    "fileBytes": None,
    "importsPerDay": IMPORTS_PER_DAY,
    "perGeneration": 2,
}

_IMPORT_HOSTS = ("huggingface.co", "civitai.com")
_CIVITAI_MODEL = re.compile(r"^/models/\d+")


@attrs.define
class PersonalImport:
    """One account's personal LoRA."""

    id: str
    name: str
    model_id: str
    source: str
    created: float
    reject: bool

    def status(self, validation: float) -> str:
        """Where validation stands, ``validation`` seconds being how long it takes."""
        elapsed = time.time() - self.created
        if elapsed < validation / 4:
            return "queued"
        if elapsed < validation:
            return "validating"
        return "rejected" if self.reject else "ready"

    def as_json(self, validation: float) -> dict[str, Any]:
        """The import as the API shows it."""
        status = self.status(validation)
        row: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "modelId": self.model_id,
            "modelIds": [self.model_id],
            "source": self.source,
            "status": status,
            "createdAt": int(self.created * 1000),
            "updatedAt": int(min(time.time(), self.created + validation) * 1000),
            "requirements": ["Use strengths between 0.5 and 1.2"],
        }
        if status == "ready":
            row["bytes"] = 150 * 1024 * 1024
        if status == "rejected":
            row.update(
                reason="The file is not a LoRA in safetensors format",
                failureCode="invalid_artifact",
            )
        return row

    def catalog_row(self, creator: str) -> dict[str, Any]:
        """The import as a catalogue entry."""
        return {
            "loraId": f"personal-{self.id}",
            "slug": self.id,
            "name": self.name,
            "description": "Personal import",
            "relatedLoraIds": [],
            "modelIds": [self.model_id],
            "ui": _ui(
                -1, 2, 1, "personal", recommended=(0.5, 1.2), creator=creator, sourceUrl=self.source
            ),
        }


_IMPORTS: weakref.WeakKeyDictionary[SupernetState, dict[str, dict[str, PersonalImport]]] = (
    weakref.WeakKeyDictionary()
)


def _library(request: web.Request) -> dict[str, PersonalImport]:
    state = request.app[STATE]
    by_account = _IMPORTS.get(state)
    if by_account is None:
        by_account = _IMPORTS[state] = {}
    return by_account.setdefault(caller(request).address.lower(), {})


def _validation_seconds(request: web.Request) -> float:
    return 40 * request.app[STATE].options.step_delay


# -- the public catalogue -----------------------------------------------------------------------
async def catalog(request: web.Request) -> web.Response:
    """``GET /v1/loras/comfy[?modelId]`` (public)."""
    model = request.query.get("modelId")
    rows = [row for row in CATALOG if not model or model in row["modelIds"]]
    models = sorted({m for row in CATALOG for m in row["modelIds"]})
    return envelope.success(
        {"lastUpdated": LAST_UPDATED, "loras": rows, "models": models, "constraints": CONSTRAINTS}
    )


# -- the personal library -------------------------------------------------------------------------
async def personal_list(request: web.Request) -> web.Response:
    """``GET /v1/loras/personal``."""
    validation = _validation_seconds(request)
    rows = [item.as_json(validation) for item in _library(request).values()]
    return envelope.success({"loras": rows, "models": IMPORT_TARGETS, "limits": LIMITS})


def _import_problem(body: dict[str, Any]) -> str | None:
    url = body.get("url")
    if not isinstance(url, str):
        return "url is required"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not any(
        host == h or host.endswith("." + h) for h in _IMPORT_HOSTS
    ):
        return "url must be a public Hugging Face or Civitai link"
    if host.endswith("civitai.com") and not _CIVITAI_MODEL.match(parts.path):
        return "A Civitai link must point at a model (/models/<id>)"
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        return "name is required"
    if body.get("modelId") not in IMPORT_TARGETS:
        return f"modelId must be one of {', '.join(IMPORT_TARGETS)}"
    if body.get("rightsConfirmed") is not True:
        return "Confirm that you have the rights to use this file (rightsConfirmed)"
    return None


async def personal_import(request: web.Request) -> web.Response:
    """``POST /v1/loras/personal``: start an import."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return envelope.error(400, "Request body must be a JSON object")
    problem = _import_problem(body)
    if problem is not None:
        return envelope.error(400, problem)
    state = request.app[STATE]
    if not is_subscribed(state, caller(request)):
        return subscription_required("personal_loras")
    library = _library(request)
    if len(library) >= MAX_ENTRIES:
        return refused(409, "Your personal LoRA library is full", 409, {"limit": MAX_ENTRIES})
    today = [item for item in library.values() if time.time() - item.created < 86400]
    if len(today) >= IMPORTS_PER_DAY:
        response = refused(429, "Too many imports today", 429, {"limit": IMPORTS_PER_DAY})
        response.headers["Retry-After"] = "3600"
        return response
    url = body["url"]
    host = (urlsplit(url).hostname or "").lower()
    reject = host.endswith("huggingface.co") and not urlsplit(url).path.endswith(".safetensors")
    item = PersonalImport(
        id=uuid.uuid4().hex[:16],
        name=body["name"].strip(),
        model_id=body["modelId"],
        source=url,
        created=time.time(),
        reject=reject,
    )
    library[item.id] = item
    return envelope.success(item.as_json(_validation_seconds(request)), status=201)


def _owned(request: web.Request) -> PersonalImport | None:
    return _library(request).get(request.match_info["id"])


async def personal_get(request: web.Request) -> web.Response:
    """``GET /v1/loras/personal/{id}``."""
    item = _owned(request)
    if item is None:
        return envelope.error(404, "Personal LoRA not found")
    return envelope.success(item.as_json(_validation_seconds(request)))


async def personal_remove(request: web.Request) -> web.Response:
    """``DELETE /v1/loras/personal/{id}``."""
    item = _library(request).pop(request.match_info["id"], None)
    if item is None:
        return envelope.error(404, "Personal LoRA not found")
    return envelope.success({"id": item.id, "removed": True})


async def personal_catalog(request: web.Request) -> web.Response:
    """``GET /v1/loras/personal/catalog``: the ready imports as catalogue entries."""
    account = caller(request)
    if not is_subscribed(request.app[STATE], account):
        return subscription_required("personal_loras")
    validation = _validation_seconds(request)
    rows = [
        item.catalog_row(account.username)
        for item in _library(request).values()
        if item.status(validation) == "ready"
    ]
    return envelope.success({"loras": rows})


ROUTES = [
    Route("GET", "/v1/loras/comfy", catalog, auth=False),
    Route("GET", "/v1/loras/personal", personal_list),
    Route("POST", "/v1/loras/personal", personal_import),
    Route("GET", "/v1/loras/personal/catalog", personal_catalog),
    Route("GET", "/v1/loras/personal/{id}", personal_get),
    Route("DELETE", "/v1/loras/personal/{id}", personal_remove),
]
