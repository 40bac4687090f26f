"""Building the ``jobRequest`` message from checked parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sogni.core.families import Rules, rules_for
from sogni.core.job_request.audio import apply_audio
from sogni.core.job_request.common import (
    OUTPUT_FORMATS,
    check_common,
    checked_model_id,
    merge_extra_params,
    project_type,
)
from sogni.core.job_request.image import apply_image
from sogni.core.job_request.template import key_frame_template, message_template
from sogni.core.job_request.values import UNSET, Params, finish
from sogni.core.job_request.video import apply_video
from sogni.core.json_safe import check_json_safe
from sogni.core.model_options import ModelOptions

_APPLY = {"image": apply_image, "video": apply_video, "audio": apply_audio}


def _shared_key_frame(p: Params, model_id: str, kind: str, rules: Rules) -> dict[str, Any]:
    """The key frame template with the parameters every project type shares."""
    key_frame = key_frame_template()
    negative = p.get("negativePrompt")
    style = p.get("stylePrompt")
    loras = p.get("loras")
    strengths = p.get("loraStrengths")
    key_frame["steps"] = p.get("steps") if p.given("steps") else UNSET
    key_frame["guidanceScale"] = p.get("guidance") if p.given("guidance") else UNSET
    key_frame["modelID"] = model_id
    key_frame["seed"] = p.get("seed") if p.given("seed") else UNSET
    key_frame["positivePrompt"] = p.get("positivePrompt") if p.given("positivePrompt") else UNSET
    takes_negative = kind == "image" or (kind == "video" and rules.negative_prompt)
    if negative and takes_negative:
        key_frame["negativePrompt"] = negative
    if style:
        key_frame["stylePrompt"] = style
    if loras:
        key_frame["loras"] = list(loras)
    if strengths:
        key_frame["loraStrengths"] = list(strengths)
    if not takes_negative:
        del key_frame["negativePrompt"]  # these models reject the field
    return key_frame


def _message(
    p: Params,
    kind: str,
    rules: Rules,
    key_frame: dict[str, Any],
    project_id: str,
    app_source: str | None,
) -> dict[str, Any]:
    """The message template around ``key_frame``, with the project-wide values."""
    single = rules.single_output
    message = message_template()
    message["keyFrames"] = [key_frame]
    previews = (p.get("numberOfPreviews") or 0) if kind == "image" else 0
    message["previews"] = previews if rules.previews and not single else 0
    message["numberOfImages"] = 1 if single else (p.get("numberOfMedia") or 1)
    message["jobID"] = project_id
    message["disableSafety"] = p.truthy("disableNSFWFilter")
    message["tokenType"] = p.get("tokenType") if p.given("tokenType") else UNSET
    message["billingMode"] = p.get("billingMode") if p.given("billingMode") else UNSET
    message["outputFormat"] = (
        rules.output_format or p.get("outputFormat") or OUTPUT_FORMATS[kind][0]
    )
    if p.truthy("network"):
        message["network"] = p.get("network")
    source = p.get("appSource") or app_source
    if source:
        message["appSource"] = source
    return message


def build_job_request(
    params: Mapping[str, Any],
    options: ModelOptions,
    *,
    project_id: str,
    app_source: str | None = None,
    keywords: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ``jobRequest`` message for a project, ready to be JSON-encoded and sent.

    ``params`` uses the network's camelCase parameter names (``modelId``,
    ``positivePrompt``, ``numberOfMedia``, ``referenceImage`` ...); ``None`` values count
    as not given. Assets are presence markers (see the module docs). ``options`` are the
    model's options from :func:`~sogni.core.model_options.model_options_for`; the rules
    of the model's family come from :func:`~sogni.core.families.rules_for`, so a model
    the SDK does not know yet gets the generic rules of what the catalogue says it makes.
    ``app_source`` is used when ``params`` has no ``appSource``. ``keywords`` maps the
    wire name of every parameter the SDK has a keyword for to that keyword, so that
    ``extraParams`` can refuse them.

    Every parameter is checked first; a bad one raises :class:`~sogni.errors.ValidationError`
    naming it (snake_case) and, where it is a closed set or a range, what is allowed. A
    message that would not be strict JSON (NaN, lone surrogates, ...) is refused too, naming
    its path in the message (``keyFrames[0].positivePrompt``).
    """
    p = Params(params)
    model_id = checked_model_id(p, options)
    kind = project_type(p, options, model_id)
    rules = rules_for(model_id, options.media)
    check_common(p, options, model_id, kind, rules)

    key_frame = _shared_key_frame(p, model_id, kind, rules)
    _APPLY[kind](key_frame, p, options, model_id, rules)
    merge_extra_params(p, key_frame, keywords or {})
    message = _message(p, kind, rules, key_frame, project_id, app_source)
    finished: dict[str, Any] = finish(message)
    # The last check before uploads and the send: the message must be strict JSON.
    check_json_safe(finished, "")
    return finished
